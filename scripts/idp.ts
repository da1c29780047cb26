/**
 * `npm run idp`: the local identity providers on their own (e.g. beside an app on a PostgreSQL
 * server). `npm start` on the embedded database starts them itself. Prints what to configure.
 */
import path from "node:path";
import { IDP_PASSWORD, LAKESIDE_IDP_USERS, NORTHWIND_IDP_USERS } from "./idp/directory";
import { prepareDevIdps, startDevIdps, DEV_OIDC_CLIENT_ID } from "./idp/dev";

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const appUrl = (process.env.NEXTAUTH_URL ?? `http://localhost:${port}`).replace(/\/+$/, "");
  const prepared = await prepareDevIdps(path.resolve(process.env.DEV_IDP_DIR ?? "data"), port);
  const { oidc, saml } = await startDevIdps(prepared, appUrl, { controls: process.env.DEV_IDP_CONTROLS === "true" });
  console.log(`OIDC IdP: issuer ${oidc.issuer}, client id ${DEV_OIDC_CLIENT_ID}, client secret in data/dev-idp/oidc-client-secret`);
  console.log(`SAML IdP: metadata ${saml.url}/metadata`);
  console.log(`People (IdP password ${IDP_PASSWORD}): ${[...LAKESIDE_IDP_USERS, ...NORTHWIND_IDP_USERS].map((u) => u.email).join(", ")}`);
}

main().catch((err: Error) => {
  console.error(`The local IdPs could not start: ${err.message}`);
  process.exit(1);
});
