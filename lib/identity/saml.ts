import { SAML, ValidateInResponseTo, type CacheProvider } from "@node-saml/node-saml";
import type { Db } from "../db/client";
import type { UsableConnection } from "./connections";
import { SsoError } from "./errors";

/**
 * SAML 2.0 service provider with @node-saml/node-saml (HTTP-Redirect AuthnRequest, HTTP-POST
 * response): the assertion must be signed by one of the IdP's certificates, its audience must be
 * our entity ID, its Conditions and SubjectConfirmation times valid (no clock skew allowed beyond
 * 30 s), its recipient our ACS URL, and InResponseTo one of our own unanswered requests — which is
 * consumed when checked, so a replayed response is refused.
 */
type SamlConnection = Extract<UsableConnection, { kind: "saml" }>;

const REQUEST_TTL_MS = 10 * 60_000;

/** node-saml's request-id cache, kept in sso_transactions so every app instance sees it. */
function requestCache(db: Db, saved: { id?: string }): CacheProvider {
  return {
    async saveAsync(key, value) {
      saved.id = key;
      return { value, createdAt: Date.now() };
    },
    async getAsync(key) {
      const row = await db.ssoTransaction.findUnique({ where: { requestId: key }, select: { createdAt: true, usedAt: true, expiresAt: true } });
      return row && !row.usedAt && row.expiresAt > new Date() ? row.createdAt.toISOString() : null;
    },
    async removeAsync(key) {
      if (key) await db.ssoTransaction.updateMany({ where: { requestId: key, usedAt: null }, data: { usedAt: new Date() } });
      return key;
    },
  };
}

function samlFor(db: Db, conn: SamlConnection, urls: { entityId: string; acsUrl: string }, saved: { id?: string } = {}) {
  return new SAML({
    entryPoint: conn.saml.idpSsoUrl,
    issuer: urls.entityId,
    callbackUrl: urls.acsUrl,
    audience: urls.entityId,
    idpIssuer: conn.saml.idpEntityId,
    idpCert: conn.saml.idpCertificates.map((c) => `-----BEGIN CERTIFICATE-----\n${c.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----`),
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: REQUEST_TTL_MS,
    cacheProvider: requestCache(db, saved),
    acceptedClockSkewMs: 30_000,
    identifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    disableRequestedAuthnContext: true,
    signatureAlgorithm: "sha256",
  });
}

export async function samlAuthorizeUrl(db: Db, conn: SamlConnection, relayState: string, urls: { entityId: string; acsUrl: string }) {
  const saved: { id?: string } = {};
  const url = await samlFor(db, conn, urls, saved).getAuthorizeUrlAsync(relayState, undefined, {});
  if (!saved.id) throw new Error("node-saml produced no request id");
  return { url, requestId: saved.id };
}

export function samlMetadata(db: Db, conn: SamlConnection, urls: { entityId: string; acsUrl: string }) {
  return samlFor(db, conn, urls).generateServiceProviderMetadata(null, null);
}

export interface SamlIdentity {
  subject: string;
  email: string;
  name: string | null;
  groups: string[];
  assertionId: string;
  inResponseTo: string;
}

/** Validates a posted SAMLResponse; a refusal is an SsoError saying which check failed. */
export async function samlValidate(db: Db, conn: SamlConnection, samlResponse: string, urls: { entityId: string; acsUrl: string }): Promise<SamlIdentity> {
  const xml = safeDecode(samlResponse);
  if (!xml) throw new SsoError("invalid_token", "The SAMLResponse isn't base64 XML.");
  let result;
  try {
    result = await samlFor(db, conn, urls).validatePostResponseAsync({ SAMLResponse: samlResponse });
  } catch (err) {
    throw classify(err as Error, xml);
  }
  const profile = result.profile;
  if (!profile) throw new SsoError("invalid_token", "The response holds no assertion.");
  const assertion = (profile.getAssertion?.() ?? {}) as { Assertion?: { $?: { ID?: string }; Subject?: { SubjectConfirmation?: { SubjectConfirmationData?: { $?: { Recipient?: string } }[] }[] }[] } };
  const recipient = assertion.Assertion?.Subject?.[0]?.SubjectConfirmation?.[0]?.SubjectConfirmationData?.[0]?.$?.Recipient;
  if (recipient !== urls.acsUrl) throw new SsoError("wrong_recipient", `Recipient ${recipient ?? "(none)"} is not ${urls.acsUrl}`);
  const attrs = (profile.attributes ?? {}) as Record<string, unknown>;
  const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const email = String(one(attrs[conn.saml.emailAttribute]) ?? profile.email ?? profile.nameID ?? "");
  const rawGroups = attrs[conn.saml.groupsAttribute];
  const groups = (Array.isArray(rawGroups) ? rawGroups : rawGroups === undefined ? [] : [rawGroups]).filter((g): g is string => typeof g === "string");
  const name = one(attrs[conn.saml.nameAttribute]);
  return {
    subject: profile.nameID,
    email,
    name: typeof name === "string" ? name : null,
    groups,
    assertionId: assertion.Assertion?.$?.ID ?? "",
    inResponseTo: String(profile.inResponseTo ?? ""),
  };
}

function safeDecode(b64: string): string | null {
  try {
    const text = Buffer.from(b64, "base64").toString("utf8");
    return text.includes("<") ? text : null;
  } catch {
    return null;
  }
}

/** node-saml's errors, told apart by the check that failed. */
function classify(err: Error, xml: string): SsoError {
  const m = err.message;
  if (/signature/i.test(m)) {
    const signed = /<(\w+:)?Signature[\s>]/.test(xml);
    return new SsoError(signed ? "bad_signature" : "unsigned", m);
  }
  if (/audience/i.test(m)) return new SsoError("wrong_audience", m);
  if (/expired|NotOnOrAfter|NotBefore|too old/i.test(m) || /subject confirmation/i.test(m)) return new SsoError("assertion_expired", m);
  if (/InResponseTo/i.test(m)) return new SsoError("replay", m);
  return new SsoError("invalid_token", m);
}
