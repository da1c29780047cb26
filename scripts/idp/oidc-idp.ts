import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import type { IdpUser } from "./directory";
import { loginPage, readForm } from "./page";

/**
 * A real OpenID Provider (the certified `oidc-provider` package) on 127.0.0.1 for development and
 * tests, with its own sign-in page. Authorization code flow with PKCE required, RS256 ID tokens
 * signed by a key generated at start (published at /jwks), claims email, name and groups.
 */
export interface OidcIdp {
  issuer: string;
  close(): Promise<void>;
}

export async function startOidcIdp(opts: { port?: number; host?: string; clients: { clientId: string; clientSecret: string; redirectUris: string[] }[]; users: IdpUser[]; title?: string }): Promise<OidcIdp> {
  const host = opts.host ?? "127.0.0.1";
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), use: "sig", alg: "RS256" };
  const byEmail = (email: string) => opts.users.find((u) => u.email.toLowerCase() === email.trim().toLowerCase());
  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({ client_id: c.clientId, client_secret: c.clientSecret, redirect_uris: c.redirectUris, grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "client_secret_basic" })),
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    conformIdTokenClaims: false,
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups"],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const user = opts.users.find((u) => u.sub === sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: user.email, email_verified: true, name: user.name, groups: user.groups }) };
    },
  });
  const title = opts.title ?? "Local OIDC identity provider";
  const callback = provider.callback();

  server.on("request", async (req, res) => {
    const match = req.url?.match(/^\/interaction\/([\w-]+)(\/login)?$/);
    if (!match) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "consent") {
        // The organisation's own IdP: its apps are pre-approved, there is no consent screen.
        const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
        const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
        if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(" "));
        if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
        return await provider.interactionFinished(req, res, { consent: { grantId: await grant!.save() } }, { mergeWithLastSubmission: true });
      }
      if (req.method === "POST" && match[2]) {
        const form = await readForm(req);
        const user = byEmail(form.username ?? "");
        if (!user || user.password !== form.password) {
          res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
          return res.end(loginPage({ title, brand: "#0f4c81", action: `/interaction/${match[1]}/login`, error: "Wrong username or password." }));
        }
        return await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      }
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      res.end(loginPage({ title, brand: "#0f4c81", action: `/interaction/${match[1]}/login` }));
    } catch (err) {
      res.writeHead(400, { "Content-Type": "text/plain" });
      res.end(`Sign-in failed: ${(err as Error).message}`);
    }
  });
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
