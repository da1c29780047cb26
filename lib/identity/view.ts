import "server-only";
import type { Db } from "../db/client";
import { securityEnv } from "../security/env";
import { listConnections, spUrls } from "./connections";
import { listDomains } from "./domains";
import { listDirectories } from "./ldap";
import { listMappings } from "./provision";
import { listScimTokens } from "./scim-tokens";

/** Everything Settings > Security > Single sign-on shows for a tenant (no secret: tokens are prefixes, secrets a flag). */
export async function identitySettingsView(db: Db, tenantId: string) {
  const appUrl = securityEnv().appUrl;
  const [domains, connections, mappings, tokens, directories, roles] = await Promise.all([
    listDomains(db, tenantId),
    listConnections(db, tenantId),
    listMappings(db, tenantId),
    listScimTokens(db, tenantId),
    listDirectories(db, tenantId),
    db.role.findMany({ where: { OR: [{ tenantId: null, family: "clinic" }, { tenantId }], NOT: { key: "owner" } }, orderBy: { name: "asc" }, select: { id: true, name: true, tenantId: true } }),
  ]);
  return {
    domains: domains.map((d) => ({ ...d, verifiedAt: d.verifiedAt?.toISOString() ?? null, lastCheckedAt: d.lastCheckedAt?.toISOString() ?? null, createdAt: d.createdAt.toISOString() })),
    connections: connections.map((c) => ({ ...c, urls: spUrls(c.id, appUrl) })),
    mappings: mappings.map((m) => ({ id: m.id, groupName: m.groupName, roleId: m.roleId, roleName: m.role.name, nodeId: m.nodeId, nodeName: m.node.name })),
    tokens: tokens.map((t) => ({ ...t, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null })),
    directories,
    roles: roles.map((r) => ({ id: r.id, name: r.name, custom: r.tenantId !== null })),
    oidcRedirectUri: `${appUrl}/api/sso/oidc/callback`,
    scimBase: `${appUrl}/scim/v2`,
  };
}
export type IdentitySettingsView = Awaited<ReturnType<typeof identitySettingsView>>;
