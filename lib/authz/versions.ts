import { Prisma } from "../db/generated/client";

/** A tenant root and the versions its compiled subjects are keyed by (lib/authz/load.ts). */
export type RootVersion = { id: string; authz_version: number; tree_version: number };

/**
 * The roots of every tenant the person (a SQL uuid expression) holds a binding or a delegation in and isn't
 * suspended from, with their versions: the subject cache's key. Used by the loader and, in the same
 * round trip as the session row, by lib/sessions/sessions.ts checkSession.
 */
export function rootVersionsSql(user: string | Prisma.Sql, now: Date): Prisma.Sql {
  const u = typeof user === "string" ? Prisma.raw(user) : user;
  // Tenants where the person received a delegation not yet ended (issue 11) count too.
  return Prisma.sql`
    SELECT n.id::text AS id, n.authz_version, n.tree_version FROM org_nodes n
    WHERE (n.id IN (SELECT o.root_id FROM role_bindings b JOIN org_nodes o ON o.id = b.node_id WHERE b.user_id = ${u} AND NOT b.pending)
        OR n.id IN (SELECT d.tenant_id FROM delegations d WHERE d.delegate_id = ${u} AND d.ended_at IS NULL AND d.ends_at > ${now}))
      AND n.id NOT IN (SELECT s.tenant_id FROM tenant_suspensions s WHERE s.user_id = ${u})`;
}
