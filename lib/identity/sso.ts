import { recordAudit, recordAuditNow } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { emailDomain } from "../members/accounts";
import { randomToken, safeEqual, sha256 } from "../security/crypto";
import { securityEnv } from "../security/env";
import { safeNextPath } from "../security/next-path";
import { loadUsableConnection, spUrls, type UsableConnection } from "./connections";
import { SsoError } from "./errors";
import { oidcAuthorizationUrl, oidcExchange } from "./oidc";
import { applyGroupRoles, findOrCreateAccount, type IdentityClaims } from "./provision";
import { openSecret, sealSecret } from "./secrets";
import { samlAuthorizeUrl, samlValidate } from "./saml";

/**
 * A sign-in through a tenant's IdP, in three steps:
 *  1. begin: a transaction row (state/nonce/PKCE or the SAML request id) and the redirect to the IdP;
 *     a cookie ties it to this browser.
 *  2. finish (OIDC callback or SAML ACS): the IdP's answer is validated, the account found or created
 *     just in time (only in a domain the connection's tenant has verified), its groups applied, and a
 *     single-use ticket (2 minutes, hashed) handed to the browser.
 *  3. the sign-in page exchanges the ticket through next-auth's "sso" provider, which opens the same
 *     server-side session a password sign-in opens (lib/auth/sign-in.ts openIdentitySession).
 */
export const BROWSER_COOKIE = "careaccess_sso";
const TX_TTL_MS = 10 * 60_000;
const TICKET_TTL_MS = 2 * 60_000;

type Meta = { ip: string | null; userAgent?: string | null };

/** The verified domain of an email with a usable SSO connection, for "Continue with SSO". */
export async function connectionForEmail(db: Db | Tx, email: string): Promise<{ id: string; name: string } | null> {
  const row = await db.tenantDomain.findFirst({
    where: { verifiedDomain: emailDomain(email), ssoConnection: { enabled: true } },
    select: { ssoConnection: { select: { id: true, name: true, tenantId: true } }, tenantId: true },
  });
  // The connection must belong to the tenant that holds the domain (setDomainSso checks it; this re-checks).
  return row?.ssoConnection && row.ssoConnection.tenantId === row.tenantId ? { id: row.ssoConnection.id, name: row.ssoConnection.name } : null;
}

export async function beginSso(db: Db, connectionId: string, input: { next: string; browserSecret: string; appUrl?: string; now?: Date }): Promise<string> {
  const now = input.now ?? new Date();
  const conn = await loadUsableConnection(db, connectionId);
  if (!conn) throw new SsoError("unavailable");
  const urls = spUrls(conn.id, input.appUrl ?? securityEnv().appUrl);
  const id = randomToken();
  const base = { id, connectionId: conn.id, nextPath: safeNextPath(input.next), browserHash: sha256(input.browserSecret), expiresAt: new Date(now.getTime() + TX_TTL_MS) };
  // Expired rows are cleared as new sign-ins start: the table holds only the last few minutes.
  await db.ssoTransaction.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - TX_TTL_MS) } } });
  if (conn.kind === "oidc") {
    const { url, nonce, verifier } = await oidcAuthorizationUrl(conn, id, urls.oidcRedirectUri);
    await db.ssoTransaction.create({ data: { ...base, nonce, codeVerifierEnc: sealSecret(verifier, "pkce_verifier") } });
    return url;
  }
  const { url, requestId } = await samlAuthorizeUrl(db, conn, id, { entityId: urls.samlEntityId, acsUrl: urls.samlAcsUrl });
  await db.ssoTransaction.create({ data: { ...base, requestId } });
  return url;
}

/** Step 2 for OIDC: the redirect back with code and state. Returns the ticket and where to go. */
export async function finishOidc(db: Db, currentUrl: URL, meta: Meta, appUrl = securityEnv().appUrl) {
  const state = currentUrl.searchParams.get("state") ?? "";
  const row = state ? await db.ssoTransaction.findUnique({ where: { id: state } }) : null;
  if (!row || !row.nonce || !row.codeVerifierEnc) throw new SsoError("expired", "unknown state");
  // Claim the transaction first: a second use of the same state (replay, double submit) finds it taken.
  const claimed = await db.ssoTransaction.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: new Date() } }, data: { usedAt: new Date() } });
  if (claimed.count !== 1) throw new SsoError("expired", "state used or expired");
  const conn = await loadUsableConnection(db, row.connectionId);
  if (!conn || conn.kind !== "oidc") throw new SsoError("unavailable");
  return withRefusalAudit(db, conn, meta, async () => {
    const idpError = currentUrl.searchParams.get("error");
    if (idpError) throw new SsoError("idp_error", `${idpError}: ${currentUrl.searchParams.get("error_description") ?? ""}`);
    // The URL we registered as redirect_uri, with the IdP's parameters: what openid-client checks against.
    const callback = new URL(spUrls(conn.id, appUrl).oidcRedirectUri);
    callback.search = currentUrl.search;
    const identity = await oidcExchange(conn, callback, { state, nonce: row.nonce!, verifier: openSecret(row.codeVerifierEnc!, "pkce_verifier") });
    return complete(db, conn, row.id, { source: "oidc", providerKey: conn.id, ...identity }, meta);
  });
}

/** Step 2 for SAML: the IdP's POST to our ACS. */
export async function finishSaml(db: Db, connectionId: string, body: { SAMLResponse?: string; RelayState?: string }, meta: Meta, appUrl = securityEnv().appUrl) {
  const conn = await loadUsableConnection(db, connectionId);
  if (!conn || conn.kind !== "saml") throw new SsoError("unavailable");
  const urls = spUrls(conn.id, appUrl);
  return withRefusalAudit(db, conn, meta, async () => {
    if (!body.SAMLResponse) throw new SsoError("invalid_token", "no SAMLResponse");
    const identity = await samlValidate(db, conn, body.SAMLResponse, { entityId: urls.samlEntityId, acsUrl: urls.samlAcsUrl });
    const row = await db.ssoTransaction.findUnique({ where: { requestId: identity.inResponseTo } });
    if (!row || row.connectionId !== conn.id || (body.RelayState && body.RelayState !== row.id)) throw new SsoError("replay", "InResponseTo matches no request of this connection");
    // A second response carrying the same assertion id is a replay (the unique index refuses it too).
    const taken = await db.ssoTransaction.updateMany({ where: { id: row.id, assertionId: null }, data: { assertionId: identity.assertionId || `none:${row.id}` } });
    if (taken.count !== 1) throw new SsoError("replay", "assertion already used");
    return complete(db, conn, row.id, { source: "saml", providerKey: conn.id, subject: identity.subject, email: identity.email, name: identity.name, groups: identity.groups }, meta);
  });
}

async function complete(db: Db, conn: UsableConnection, transactionId: string, claims: IdentityClaims, meta: Meta) {
  const ticket = randomToken();
  const result = await db.$transaction(async (tx) => {
    const { user, created } = await findOrCreateAccount(tx, conn.tenantId, claims, { create: conn.jitEnabled }).catch((err) => {
      throw toSsoError(err);
    });
    if (user.status !== "ACTIVE") throw new SsoError("disabled");
    const fallback = conn.defaultRoleId && conn.defaultNodeId ? { roleId: conn.defaultRoleId, nodeId: conn.defaultNodeId } : null;
    const roles = await applyGroupRoles(tx, conn.tenantId, user.id, { source: claims.source, fallback, actorId: null, ip: meta.ip });
    if (created) await recordAudit(tx, { tenantId: conn.tenantId, actorId: null, action: "member.provisioned", targetType: "user", targetId: user.id, ip: meta.ip, details: { source: claims.source, connectionId: conn.id, email: user.email, groups: claims.groups } });
    await recordAudit(tx, { tenantId: conn.tenantId, actorId: user.id, action: "auth.sso_verified", targetType: "user", targetId: user.id, ip: meta.ip, details: { connectionId: conn.id, kind: conn.kind, created, groups: claims.groups, roles } });
    const row = await tx.ssoTransaction.update({ where: { id: transactionId }, data: { userId: user.id, ticketHash: sha256(ticket) } });
    return { next: row.nextPath, created };
  });
  return { ticket, ...result };
}

function toSsoError(err: unknown): Error {
  const e = err as { code?: string; message?: string };
  if (e.code === "forbidden" && /verified domain/.test(e.message ?? "")) return new SsoError("domain_not_verified", e.message);
  if (e.code === "forbidden" && /no account/.test(e.message ?? "")) return new SsoError("no_account", e.message);
  if (e.code === "forbidden" || e.code === "invalid") return new SsoError("no_email", e.message);
  return err as Error;
}

/** A refused sign-in stays recorded in the connection's tenant (in its own transaction). */
async function withRefusalAudit<T>(db: Db, conn: UsableConnection, meta: Meta, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = err instanceof SsoError ? err.code : "internal";
    const detail = err instanceof SsoError ? err.detail : (err as Error).message;
    await recordAuditNow(db, { tenantId: conn.tenantId, actorId: null, action: "auth.sso_refused", targetType: "sso_connection", targetId: conn.id, ip: meta.ip, details: { reason: code, detail: detail?.slice(0, 500) ?? null, kind: conn.kind } }).catch(() => {});
    throw err;
  }
}

/**
 * Step 3: a ticket from this browser → the user to open a session for. Single use, 2 minutes, and
 * only with the cookie of the browser that began the sign-in (so a ticket link sent to someone else
 * signs nobody in).
 */
export async function redeemTicket(db: Db | Tx, ticket: string, browserSecret: string | null, now = new Date()): Promise<{ userId: string; connectionId: string; kind: string }> {
  if (!ticket || ticket.length > 200) throw new SsoError("expired");
  const row = await db.ssoTransaction.findUnique({ where: { ticketHash: sha256(ticket) }, include: { connection: { select: { kind: true } } } });
  if (!row || !row.userId || row.ticketUsedAt || !row.usedAt || now.getTime() - row.usedAt.getTime() > TICKET_TTL_MS) throw new SsoError("expired");
  if (!browserSecret || !row.browserHash || !safeEqual(row.browserHash, sha256(browserSecret))) throw new SsoError("browser");
  const claimed = await db.ssoTransaction.updateMany({ where: { id: row.id, ticketUsedAt: null }, data: { ticketUsedAt: now } });
  if (claimed.count !== 1) throw new SsoError("expired");
  return { userId: row.userId, connectionId: row.connectionId, kind: row.connection.kind };
}
