import type { Tx } from "../lib/db/client";
import { builtinRoleId } from "../lib/authz/roles";
import { sealSecret } from "../lib/identity/secrets";

/**
 * Enterprise identity demo (issue 12, docs/enterprise-identity.md), when the local IdPs are on
 * (scripts/idp/dev.ts publishes their URLs and keys as DEV_IDP_*; without them nothing is added):
 *  - Lakeside Physio signs in through its OIDC IdP and *requires* SSO for lakeside.test (its owner
 *    keeps a break-glass password); IdP group "physio-therapists" → Provider at Lakeside Downtown;
 *    new people get Front Desk at Lakeside Harbor just in time.
 *  - Northwind Dental Group offers SSO through its SAML IdP for northwind.test without requiring it
 *    (passwords keep working); "seattle-providers" → Provider, "seattle-front-desk" → Front Desk at Seattle Practice.
 */
export async function seedIdentityDemo(tx: Tx, nodes: Map<string, { id: string }>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const id = (name: string) => nodes.get(name)!.id;
  if (env.DEV_IDP_OIDC_ISSUER && env.DEV_IDP_OIDC_CLIENT_SECRET) {
    const lakeside = id("Lakeside Physio");
    const conn = await tx.ssoConnection.create({
      data: {
        tenantId: lakeside,
        kind: "oidc",
        name: "Lakeside Physio SSO",
        config: { issuer: env.DEV_IDP_OIDC_ISSUER, clientId: env.DEV_IDP_OIDC_CLIENT_ID ?? "careaccess-lakeside", scopes: "openid email profile groups", groupsClaim: "groups" },
        secretEnc: sealSecret(env.DEV_IDP_OIDC_CLIENT_SECRET, "oidc_client_secret"),
        defaultRoleId: builtinRoleId("front_desk"),
        defaultNodeId: id("Lakeside Harbor"),
      },
    });
    await tx.tenantDomain.update({ where: { tenantId_domain: { tenantId: lakeside, domain: "lakeside.test" } }, data: { ssoConnectionId: conn.id, requireSso: true, ownersMayUsePassword: true } });
    await tx.identityGroupMapping.createMany({
      data: [
        { tenantId: lakeside, groupName: "physio-therapists", roleId: builtinRoleId("provider"), nodeId: id("Lakeside Downtown") },
        { tenantId: lakeside, groupName: "physio-admins", roleId: builtinRoleId("admin"), nodeId: lakeside },
      ],
    });
  }
  if (env.DEV_IDP_SAML_URL && env.DEV_IDP_SAML_CERT) {
    const northwind = id("Northwind Dental Group");
    const conn = await tx.ssoConnection.create({
      data: {
        tenantId: northwind,
        kind: "saml",
        name: "Northwind Dental SSO",
        config: { idpEntityId: `${env.DEV_IDP_SAML_URL}/metadata`, idpSsoUrl: `${env.DEV_IDP_SAML_URL}/sso`, idpCertificates: [env.DEV_IDP_SAML_CERT], emailAttribute: "email", nameAttribute: "name", groupsAttribute: "groups" },
      },
    });
    await tx.tenantDomain.update({ where: { tenantId_domain: { tenantId: northwind, domain: "northwind.test" } }, data: { ssoConnectionId: conn.id, requireSso: false } });
    await tx.identityGroupMapping.createMany({
      data: [
        { tenantId: northwind, groupName: "seattle-providers", roleId: builtinRoleId("provider"), nodeId: id("Seattle Practice") },
        { tenantId: northwind, groupName: "seattle-front-desk", roleId: builtinRoleId("front_desk"), nodeId: id("Seattle Practice") },
      ],
    });
  }
}
