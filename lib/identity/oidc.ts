import * as client from "openid-client";
import { isLoopbackUrl, type UsableConnection } from "./connections";
import { SsoError } from "./errors";

/**
 * OpenID Connect with openid-client: discovery, authorization code + PKCE (S256), state and nonce,
 * and the ID token's signature checked against the IdP's JWKS (enableNonRepudiationChecks: by
 * default a token received straight from the token endpoint is trusted over TLS; we verify it anyway).
 * Plain http is accepted only for loopback IdPs (the local development IdP).
 */
type OidcConnection = Extract<UsableConnection, { kind: "oidc" }>;

const cache = new Map<string, Promise<client.Configuration>>();

export function oidcConfiguration(conn: OidcConnection): Promise<client.Configuration> {
  const key = `${conn.id}:${conn.updatedAt.getTime()}`;
  let found = cache.get(key);
  if (!found) {
    found = client
      .discovery(new URL(conn.oidc.issuer), conn.oidc.clientId, conn.clientSecret(), undefined, {
        execute: isLoopbackUrl(conn.oidc.issuer) ? [client.allowInsecureRequests] : [],
        timeout: 10,
      })
      .then((config) => {
        client.enableNonRepudiationChecks(config);
        return config;
      });
    found.catch(() => cache.delete(key));
    if (cache.size > 200) cache.clear();
    cache.set(key, found);
  }
  return found.catch((err) => {
    throw new SsoError("idp_unreachable", `Couldn't read the identity provider's configuration: ${(err as Error).message}`);
  });
}

export async function oidcAuthorizationUrl(conn: OidcConnection, state: string, redirectUri: string) {
  const config = await oidcConfiguration(conn);
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: conn.oidc.scopes,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  });
  return { url: url.toString(), nonce, verifier };
}

export interface OidcIdentity {
  subject: string;
  email: string;
  name: string | null;
  groups: string[];
}

export async function oidcExchange(conn: OidcConnection, currentUrl: URL, checks: { state: string; nonce: string; verifier: string }): Promise<OidcIdentity> {
  const config = await oidcConfiguration(conn);
  let tokens;
  try {
    tokens = await client.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: checks.verifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true });
  } catch (err) {
    const e = err as Error & { code?: string; error?: string; error_description?: string };
    if (e.error) throw new SsoError("idp_error", `The identity provider refused the sign-in: ${e.error_description ?? e.error}.`);
    throw new SsoError("invalid_token", `The identity provider's answer failed validation: ${e.message}`);
  }
  const claims = tokens.claims();
  if (!claims) throw new SsoError("invalid_token", "The identity provider sent no ID token.");
  const email = typeof claims.email === "string" ? claims.email : "";
  if (!email) throw new SsoError("no_email", "The identity provider sent no email address for this person.");
  if (claims.email_verified === false) throw new SsoError("no_email", "The identity provider says this email address isn't verified.");
  const rawGroups = claims[conn.oidc.groupsClaim];
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === "string") : typeof rawGroups === "string" ? [rawGroups] : [];
  return { subject: claims.sub, email, name: typeof claims.name === "string" ? claims.name : null, groups };
}
