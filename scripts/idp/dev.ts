import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseDatabaseUrl } from "../../lib/db/target";
import { LAKESIDE_IDP_USERS, NORTHWIND_IDP_USERS } from "./directory";

/**
 * The local identity providers of development and e2e (docs/enterprise-identity.md): Lakeside's
 * OIDC IdP and Northwind's SAML IdP, on 127.0.0.1 at ports derived from the app's (PORT + 20000,
 * PORT + 21000; DEV_OIDC_PORT / DEV_SAML_PORT change them). Their keys and the OIDC client secret
 * are made once per data directory, so the seeded connections stay valid across restarts.
 * On by default with the embedded database (like the development mailbox); DEV_IDP=false turns them off.
 */
export function devIdpWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.DEV_IDP) return env.DEV_IDP === "true";
  return parseDatabaseUrl(env.DATABASE_URL).kind === "pglite";
}

export const DEV_OIDC_CLIENT_ID = "careaccess-lakeside";

/** Prepares keys and ports and publishes them in the environment the seed reads (DEV_IDP_*). */
export async function prepareDevIdps(dataDir: string, appPort: number, env: NodeJS.ProcessEnv = process.env) {
  const dir = path.join(dataDir, "dev-idp");
  mkdirSync(dir, { recursive: true });
  const file = (name: string, make: () => string | Promise<string>) => async () => {
    const p = path.join(dir, name);
    if (!existsSync(p)) writeFileSync(p, await make(), { mode: 0o600 });
    return readFileSync(p, "utf8");
  };
  const secret = await file("oidc-client-secret", () => randomBytes(24).toString("base64url"))();
  let made: { privateKey: string; cert: string } | null = null;
  const { makeKey } = await import("./saml-idp");
  const make = async () => (made ??= await makeKey());
  const privateKey = await file("saml-key.pem", async () => (await make()).privateKey)();
  const cert = await file("saml-cert.pem", async () => (await make()).cert)();
  const oidcPort = Number(env.DEV_OIDC_PORT ?? appPort + 20000);
  const samlPort = Number(env.DEV_SAML_PORT ?? appPort + 21000);
  env.DEV_IDP_OIDC_ISSUER = `http://127.0.0.1:${oidcPort}`;
  env.DEV_IDP_OIDC_CLIENT_ID = DEV_OIDC_CLIENT_ID;
  env.DEV_IDP_OIDC_CLIENT_SECRET = secret;
  env.DEV_IDP_SAML_URL = `http://127.0.0.1:${samlPort}`;
  env.DEV_IDP_SAML_CERT = cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return { oidcPort, samlPort, secret, key: { privateKey, cert } };
}

export async function startDevIdps(prepared: Awaited<ReturnType<typeof prepareDevIdps>>, appUrl: string, opts: { controls?: boolean } = {}) {
  const { startOidcIdp } = await import("./oidc-idp");
  const { startSamlIdp } = await import("./saml-idp");
  const oidc = await startOidcIdp({ port: prepared.oidcPort, users: LAKESIDE_IDP_USERS, title: "Lakeside Physio sign-in (local OIDC IdP)", clients: [{ clientId: DEV_OIDC_CLIENT_ID, clientSecret: prepared.secret, redirectUris: [`${appUrl}/api/sso/oidc/callback`] }] });
  const saml = await startSamlIdp({ port: prepared.samlPort, users: NORTHWIND_IDP_USERS, acsPrefix: `${appUrl}/api/sso/saml/`, key: prepared.key, controls: opts.controls, title: "Northwind Dental sign-in (local SAML IdP)" });
  return { oidc, saml };
}
