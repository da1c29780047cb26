import { Prisma } from "../db/generated/client";

/**
 * A tenant root and the versions its compiled subjects are keyed by (lib/authz/load.ts);
 * `roles_version` (moved by a trigger on every change to the tenant's custom roles) also keys the
 * loader's copy of the tenant's roles and grant tables.
 */
export type RootVersion = { id: string; authz_version: number; tree_version: number; roles_version: number };

/**
 * The roots of every tenant the person (a SQL uuid expression) holds a binding or a delegation in and isn't
 * suspended from, with their versions: the subject cache's key. Used by the loader and, in the same
 * round trip as the session row, by lib/sessions/sessions.ts checkSession.
 */
export function rootVersionsSql(user: string | Prisma.Sql, now: Date): Prisma.Sql {
  const u = typeof user === "string" ? Prisma.raw(user) : user;
  // Tenants where the person received a delegation not yet ended (issue 11) count too. One IN over a
  // UNION ALL and NOT EXISTS, not `IN … OR IN …` / `NOT IN`: PostgreSQL can only answer the OR with a
  // sequential scan of every node (0.7 ms at 3,000 places), this shape with the primary key. No alias
  // `s` inside: checkSession passes `s.user_id` (its sessions row), which an inner `s` would shadow.
  return Prisma.sql`
    SELECT n.id::text AS id, n.authz_version, n.tree_version, n.roles_version FROM org_nodes n
    WHERE n.id IN (SELECT o.root_id FROM role_bindings b JOIN org_nodes o ON o.id = b.node_id WHERE b.user_id = ${u} AND NOT b.pending
                   UNION ALL SELECT d.tenant_id FROM delegations d WHERE d.delegate_id = ${u} AND d.ended_at IS NULL AND d.ends_at > ${now})
      AND NOT EXISTS (SELECT 1 FROM tenant_suspensions ts WHERE ts.user_id = ${u} AND ts.tenant_id = n.id)`;
}

/** A delegation the person received that has not ended (issue 11), with the delegator's standing now. */
export type DelegationRow = {
  id: string;
  tenant_id: string;
  node_id: string;
  delegator_id: string;
  delegator_name: string;
  permissions: string[];
  starts_at: Date | string;
  ends_at: Date | string;
  active: boolean;
};

/**
 * The delegations the person (a SQL uuid expression) received that have not ended, each with whether
 * the delegator is still active and not suspended there. Read by the loader and, in the same round
 * trip as the session row, by checkSession.
 */
export function delegationsSql(user: string | Prisma.Sql, now: Date): Prisma.Sql {
  const u = typeof user === "string" ? Prisma.raw(user) : user;
  return Prisma.sql`
    SELECT d.id::text AS id, d.tenant_id::text AS tenant_id, d.node_id::text AS node_id, d.delegator_id::text AS delegator_id,
      du.name AS delegator_name, d.permissions, d.starts_at, d.ends_at,
      (du.status = 'ACTIVE' AND du.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM tenant_suspensions ts WHERE ts.user_id = d.delegator_id AND ts.tenant_id = d.tenant_id)) AS active
    FROM delegations d JOIN users du ON du.id = d.delegator_id
    WHERE d.delegate_id = ${u} AND d.ended_at IS NULL AND d.ends_at > ${now}`;
}

/**
 * The same two lists as JSON column expressions, for one round trip: `versions` (ordered by id) and
 * `delegations` (ordered by id). Used by checkSession beside the session row, and by the loader alone.
 */
export function versionsJsonSql(user: string | Prisma.Sql, now: Date): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_agg(json_build_object('id', v.id, 'authz_version', v.authz_version, 'tree_version', v.tree_version, 'roles_version', v.roles_version) ORDER BY v.id), '[]'::json)
              FROM (${rootVersionsSql(user, now)}) v) AS versions,
           (SELECT coalesce(json_agg(row_to_json(d) ORDER BY d.id), '[]'::json) FROM (${delegationsSql(user, now)}) d) AS delegations`;
}
