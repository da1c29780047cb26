import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { inflateRawSync } from "node:zlib";
import { DOMParser } from "@xmldom/xmldom";
import { generate } from "selfsigned";
import { SignedXml } from "xml-crypto";
import type { IdpUser } from "./directory";
import { loginPage, readForm } from "./page";

/**
 * A SAML 2.0 identity provider on 127.0.0.1 for development and tests: HTTP-Redirect AuthnRequests
 * in, its own sign-in page, an HTTP-POST Response out whose assertion is signed (RSA-SHA256,
 * exclusive C14N, xml-crypto) with a key and self-signed certificate made at start.
 *
 * Tests can make its next response misbehave (POST /test/scenario, only with `controls`): unsigned,
 * tampered after signing, for the wrong audience, or already expired — each must be refused by the SP.
 */
export type SamlScenario = "normal" | "unsigned" | "tampered" | "wrong_audience" | "expired";

export interface SamlIdp {
  url: string;
  entityId: string;
  ssoUrl: string;
  /** The signing certificate, base64 DER (what goes into the SP's config). */
  certificate: string;
  metadataXml: string;
  setScenario(s: SamlScenario): void;
  close(): Promise<void>;
}

const SAML_NS = 'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startSamlIdp(opts: { port?: number; host?: string; users: IdpUser[]; acsPrefix: string; controls?: boolean; title?: string; key?: { privateKey: string; cert: string } }): Promise<SamlIdp> {
  const host = opts.host ?? "127.0.0.1";
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const entityId = `${url}/metadata`;
  const ssoUrl = `${url}/sso`;
  const pems = opts.key ?? (await makeKey());
  const certificate = pems.cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  const metadataXml = `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/></md:IDPSSODescriptor></md:EntityDescriptor>`;
  let scenario: SamlScenario = "normal";
  const pending = new Map<string, { requestId: string; acs: string; spEntityId: string; relayState: string }>();
  const title = opts.title ?? "Local SAML identity provider";

  const html = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
    res.end(body);
  };

  server.on("request", async (req, res) => {
    const u = new URL(req.url ?? "/", url);
    try {
      if (u.pathname === "/metadata") {
        res.writeHead(200, { "Content-Type": "application/samlmetadata+xml" });
        return res.end(metadataXml);
      }
      if (u.pathname === "/test/scenario" && req.method === "POST" && opts.controls) {
        scenario = ((await readForm(req)).scenario as SamlScenario) ?? "normal";
        res.writeHead(204);
        return res.end();
      }
      if (u.pathname === "/sso" && req.method === "GET") {
        const request = parseAuthnRequest(u.searchParams.get("SAMLRequest") ?? "");
        if (!request.acs.startsWith(opts.acsPrefix)) return html(res, 400, "Unknown service provider (its ACS URL isn't registered here).");
        const id = randomBytes(12).toString("hex");
        pending.set(id, { requestId: request.id, acs: request.acs, spEntityId: request.issuer, relayState: u.searchParams.get("RelayState") ?? "" });
        return html(res, 200, loginPage({ title, brand: "#5b2a86", action: "/login", hidden: { pending: id } }));
      }
      if (u.pathname === "/login" && req.method === "POST") {
        const form = await readForm(req);
        const p = pending.get(form.pending ?? "");
        if (!p) return html(res, 400, "This sign-in has expired. Go back to the application and start again.");
        const user = opts.users.find((x) => x.email.toLowerCase() === (form.username ?? "").trim().toLowerCase());
        if (!user || user.password !== form.password) return html(res, 200, loginPage({ title, brand: "#5b2a86", action: "/login", hidden: { pending: form.pending! }, error: "Wrong username or password." }));
        pending.delete(form.pending!);
        const xml = buildResponse({ entityId, user, request: p, scenario, pems });
        scenario = "normal";
        return html(
          res,
          200,
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing you in…</title></head><body><form method="post" action="${esc(p.acs)}"><input type="hidden" name="SAMLResponse" value="${Buffer.from(xml).toString("base64")}"><input type="hidden" name="RelayState" value="${esc(p.relayState)}"><noscript><button type="submit">Continue</button></noscript></form><script>document.forms[0].submit()</script></body></html>`,
        );
      }
      html(res, 404, "Not found");
    } catch (err) {
      html(res, 400, `Bad request: ${esc((err as Error).message)}`);
    }
  });

  return { url, entityId, ssoUrl, certificate, metadataXml, setScenario: (s) => void (scenario = s), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function makeKey(): Promise<{ privateKey: string; cert: string }> {
  const made = await generate([{ name: "commonName", value: "CareAccess local SAML IdP" }], { keySize: 2048, algorithm: "sha256" } as never);
  return { privateKey: made.private, cert: made.cert };
}

function parseAuthnRequest(b64: string): { id: string; acs: string; issuer: string } {
  const xml = inflateRawSync(Buffer.from(b64, "base64")).toString("utf8");
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  const root = doc.documentElement;
  if (!root || root.localName !== "AuthnRequest") throw new Error("not an AuthnRequest");
  const issuer = root.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:assertion", "Issuer")[0]?.textContent ?? "";
  return { id: root.getAttribute("ID") ?? "", acs: root.getAttribute("AssertionConsumerServiceURL") ?? "", issuer };
}

function buildResponse(o: { entityId: string; user: IdpUser; request: { requestId: string; acs: string; spEntityId: string }; scenario: SamlScenario; pems: { privateKey: string; cert: string } }): string {
  const now = Date.now();
  const shift = o.scenario === "expired" ? -10 * 60_000 : 0;
  const t = (ms: number) => new Date(now + shift + ms).toISOString();
  const audience = o.scenario === "wrong_audience" ? "https://another-app.example/saml" : o.request.spEntityId;
  const attr = (name: string, values: string[]) => `<saml:Attribute Name="${name}">${values.map((v) => `<saml:AttributeValue>${esc(v)}</saml:AttributeValue>`).join("")}</saml:Attribute>`;
  const assertionId = `_a${randomBytes(16).toString("hex")}`;
  const assertion = `<saml:Assertion ${SAML_NS} ID="${assertionId}" Version="2.0" IssueInstant="${t(0)}"><saml:Issuer>${esc(o.entityId)}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${esc(o.user.email)}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${esc(o.request.requestId)}" NotOnOrAfter="${t(5 * 60_000)}" Recipient="${esc(o.request.acs)}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${t(-60_000)}" NotOnOrAfter="${t(5 * 60_000)}"><saml:AudienceRestriction><saml:Audience>${esc(audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="${t(0)}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>${attr("email", [o.user.email])}${attr("name", [o.user.name])}${attr("groups", o.user.groups)}</saml:AttributeStatement></saml:Assertion>`;
  let response = `<samlp:Response ${SAML_NS} ID="_r${randomBytes(16).toString("hex")}" Version="2.0" IssueInstant="${t(0)}" Destination="${esc(o.request.acs)}" InResponseTo="${esc(o.request.requestId)}"><saml:Issuer>${esc(o.entityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>`;
  if (o.scenario !== "unsigned") {
    const sig = new SignedXml({
      privateKey: o.pems.privateKey,
      publicCert: o.pems.cert,
      signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
      canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
    });
    sig.addReference({
      xpath: "//*[local-name(.)='Assertion']",
      transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
      digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
    });
    sig.computeSignature(response, { location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: "after" } });
    response = sig.getSignedXml();
  }
  // Tampered: someone on the way changes who signed in, after the IdP signed it.
  if (o.scenario === "tampered") response = response.split(esc(o.user.email)).join("owner@northwind.test");
  return response;
}
