import { z } from "zod";
import type { Db, Tx } from "../db/client";
import { Prisma } from "../db/generated/client";
import { escapeLike } from "../db/like";
import { COUNT_CAP, capCount } from "../db/capped-count";
import { hotRead } from "../db/hot-read";
import type { TenantTree } from "../authz/tree";
import { inSubtree } from "../orgs/nodes";
import { emailDomain } from "./accounts";

/**
 * The people of a place: everyone with a role at the place or anywhere below it. Filtered,
 * counted and paginated in SQL (the closure table turns "below it" into one indexed join).
 */
export const memberListQuery = z.object({
  q: z.string().trim().max(200).optional().default(""),
  role: z.string().max(100).optional(),
  location: z.uuid({ error: "Choose a location from the list." }).optional(),
  status: z.enum(["ACTIVE", "INVITED", "SUSPENDED", "DISABLED", "LOCKED"]).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export type MemberListQuery = z.infer<typeof memberListQuery>;

/**
 * A person's status as this tenant sees it: their account disabled everywhere; suspended here;
 * invited (no account yet, or this tenant's invitation not accepted); or active.
 */
export type MemberStatus = "ACTIVE" | "INVITED" | "SUSPENDED" | "DISABLED";

function statusWhere(status: MemberListQuery["status"], rootId: string, now: Date): Prisma.UserWhereInput {
  const suspended: Prisma.UserWhereInput = { suspensions: { some: { tenantId: rootId } } };
  const invited: Prisma.UserWhereInput = { OR: [{ status: "INVITED" }, { bindings: { some: { node: { rootId } }, every: { OR: [{ pending: true }, { node: { rootId: { not: rootId } } }] } } }] };
  // The account's own state (locked, disabled) is shown only for people who joined; see inviteeView().
  const joined: Prisma.UserWhereInput = { bindings: { some: { pending: false, node: { rootId } } } };
  switch (status) {
    case "LOCKED":
      return { lockedUntil: { gt: now }, ...joined };
    case "DISABLED":
      return { status: "DISABLED", ...joined };
    case "SUSPENDED":
      return { status: { not: "DISABLED" }, ...suspended };
    case "INVITED":
      return { AND: [{ OR: [{ status: { not: "DISABLED" } }, { NOT: joined }] }, { NOT: suspended }, invited] };
    case "ACTIVE":
      return { AND: [{ status: "ACTIVE" }, { NOT: suspended }, { NOT: invited }] };
    default:
      return {};
  }
}

export function memberStatus(user: { status: "ACTIVE" | "INVITED" | "DISABLED"; suspensions: unknown[]; bindings: { pending: boolean }[] }): MemberStatus {
  if (user.bindings.every((b) => b.pending)) return user.suspensions.length > 0 ? "SUSPENDED" : "INVITED";
  if (user.status === "DISABLED") return "DISABLED";
  if (user.suspensions.length > 0) return "SUSPENDED";
  if (user.status === "INVITED") return "INVITED";
  return "ACTIVE";
}

/**
 * What a tenant sees of someone it invited who hasn't joined: only the email it typed. Their
 * account (name, phone, lock, whether it existed at all) is theirs until they accept, so an
 * invitation can't be used to look anyone up.
 */
export function inviteeView<T extends { email: string; name: string; phone: string | null; lockedUntil: Date | null }>(user: T, joined: boolean): T {
  return joined ? user : { ...user, name: user.email, phone: null, lockedUntil: null };
}

export function memberWhere(nodeId: string, query: Partial<MemberListQuery> = {}, now = new Date(), rootId?: string): Prisma.UserWhereInput {
  const q = query.q?.trim();
  return {
    deletedAt: null,
    bindings: {
      some: {
        node: query.location ? { AND: [inSubtree(nodeId), inSubtree(query.location)] } : inSubtree(nodeId),
        ...(query.role ? { roleId: query.role } : {}),
      },
    },
    ...(query.status ? statusWhere(query.status, rootId ?? nodeId, now) : {}),
    // A name is searchable only once the person has joined: an invitee is known here by the email typed.
    ...(q
      ? { OR: [{ name: { contains: escapeLike(q), mode: "insensitive" }, bindings: { some: { pending: false, node: { rootId: rootId ?? nodeId } } } }, { email: { contains: escapeLike(q.toLowerCase()) } }] }
      : {}),
  };
}

export interface MemberRow {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  status: MemberStatus;
  /** This tenant manages the account: "Disable" disables it everywhere; otherwise it suspends here. */
  managed: boolean;
  locked: boolean;
  roles: { bindingId: string; nodeId: string; nodeName: string; nodeKind: string; roleId: string; roleName: string; expiresAt: string | null; pending: boolean; startsAt?: string | null }[];
}

/** One person on their own page: the list row's fields, when they joined this organization, their role at each place here, and their provider profile. */
export interface MemberDetailView extends Omit<MemberRow, "roles"> {
  createdAt: string;
  roles: Pick<MemberRow["roles"][number], "nodeId" | "roleId" | "startsAt" | "expiresAt">[];
  provider: { credentials: string; specialties: string[]; licenseNumber: string | null; bio: string; hasPhoto: boolean };
}

/** The account fields both the list and the detail read (suspensions and acceptance come per tenant). */
const MEMBER_USER_SELECT =
  ({
    id: true,
    name: true,
    email: true,
    phone: true,
    status: true,
    lockedUntil: true,
    managedByTenantId: true,
  }) satisfies Prisma.UserSelect;

/**
 * memberWhere() as SQL over `users u`, for the list's one statement (listMembers). The same filter:
 * search.integration.test.ts checks that both select the same people for every filter.
 */
export function memberSql(nodeId: string, query: Partial<MemberListQuery>, now: Date, rootId: string): Prisma.Sql {
  const node = Prisma.sql`${nodeId}::uuid`;
  const root = Prisma.sql`${rootId}::uuid`;
  const inLocation = query.location ? Prisma.sql`JOIN org_node_closure l ON l.descendant_id = b.node_id AND l.ancestor_id = ${query.location}::uuid` : Prisma.empty;
  const withRole = query.role ? Prisma.sql`AND b.role_id = ${query.role}` : Prisma.empty;
  const under = Prisma.sql`EXISTS (SELECT 1 FROM role_bindings b JOIN org_node_closure c ON c.descendant_id = b.node_id AND c.ancestor_id = ${node} ${inLocation} WHERE b.user_id = u.id ${withRole})`;
  const joined = Prisma.sql`EXISTS (SELECT 1 FROM role_bindings j JOIN org_nodes jn ON jn.id = j.node_id WHERE j.user_id = u.id AND NOT j.pending AND jn.root_id = ${root})`;
  const inTenant = Prisma.sql`EXISTS (SELECT 1 FROM role_bindings t JOIN org_nodes tn ON tn.id = t.node_id WHERE t.user_id = u.id AND tn.root_id = ${root})`;
  const suspended = Prisma.sql`EXISTS (SELECT 1 FROM tenant_suspensions s WHERE s.user_id = u.id AND s.tenant_id = ${root})`;
  // Invited: no account yet, or a role in the tenant but none accepted (statusWhere's `every`).
  const invited = Prisma.sql`(u.status = 'INVITED' OR (${inTenant} AND NOT ${joined}))`;
  const byStatus: Record<NonNullable<MemberListQuery["status"]>, Prisma.Sql> = {
    LOCKED: Prisma.sql`AND u.locked_until > ${now}::timestamptz AND ${joined}`,
    DISABLED: Prisma.sql`AND u.status = 'DISABLED' AND ${joined}`,
    SUSPENDED: Prisma.sql`AND u.status <> 'DISABLED' AND ${suspended}`,
    INVITED: Prisma.sql`AND (u.status <> 'DISABLED' OR NOT ${joined}) AND NOT ${suspended} AND ${invited}`,
    ACTIVE: Prisma.sql`AND u.status = 'ACTIVE' AND NOT ${suspended} AND NOT ${invited}`,
  };
  const status = query.status ? byStatus[query.status] : Prisma.empty;
  const q = query.q?.trim();
  // A name is searchable only once the person has joined: an invitee is known here by the email typed.
  const search = q
    ? Prisma.sql`AND ((u.name ILIKE '%' || ${escapeLike(q)}::text || '%' AND ${joined}) OR u.email LIKE '%' || ${escapeLike(q.toLowerCase())}::text || '%')`
    : Prisma.empty;
  return Prisma.sql`u.deleted_at IS NULL AND ${under} ${status} ${search}`;
}

/** What the caller already holds. `rootId` (or the subject's `tree` of the place): the place's tenant, one round trip fewer. `countCap`: where the total stops (tests). */
export interface ListMembersKnown {
  rootId?: string;
  tree?: TenantTree;
  countCap?: number;
}

interface PageRow {
  rows: {
    id: string;
    name: string;
    email: string;
    phone: string | null;
    status: "ACTIVE" | "INVITED" | "DISABLED";
    lockedUntil: string | null;
    managedByTenantId: string | null;
    suspended: boolean;
    bindings: { id: string; nodeId: string; nodeName: string; nodeKind: string; depth: number; here: boolean; roleId: string; roleName: string | null; expiresAt: string | null; startsAt: string | null; pending: boolean }[];
  }[];
  domains: string[];
}

const iso = (t: string | null) => (t === null ? null : new Date(t).toISOString());

/**
 * One page of a place's people in one statement (on the pool: lib/db/hot-read.ts): the page with
 * each person's roles in the tenant (their place's name, kind and depth, their role's name), their
 * suspension here, the tenant's verified domains as JSON, and the capped total.
 */
export async function listMembers(db: Db | Tx, nodeId: string, query: MemberListQuery, now = new Date(), known: ListMembersKnown = {}): Promise<{ total: number; totalCapped: boolean; page: number; pageSize: number; rows: MemberRow[] }> {
  const rootId = known.tree?.rootId ?? known.rootId ?? (await db.orgNode.findUniqueOrThrow({ where: { id: nodeId }, select: { rootId: true } })).rootId;
  const filter = memberSql(nodeId, query, now, rootId);
  const cap = known.countCap ?? COUNT_CAP;
  const root = Prisma.sql`${rootId}::uuid`;
  const [page] = await hotRead<PageRow & { total: number }>(db, Prisma.sql`
      WITH page AS (
        SELECT u.id, u.name, u.email, u.phone, u.status::text AS status, u.locked_until, u.managed_by_tenant_id
        FROM users u WHERE ${filter}
        ORDER BY u.name, u.id LIMIT ${query.pageSize}::int OFFSET ${(query.page - 1) * query.pageSize}::int
      )
      SELECT
        (SELECT coalesce(json_agg(json_build_object(
          'id', p.id, 'name', p.name, 'email', p.email, 'phone', p.phone, 'status', p.status,
          'lockedUntil', p.locked_until, 'managedByTenantId', p.managed_by_tenant_id,
          'suspended', EXISTS (SELECT 1 FROM tenant_suspensions s WHERE s.user_id = p.id AND s.tenant_id = ${root}),
          'bindings', (SELECT coalesce(json_agg(json_build_object(
              'id', b.id, 'nodeId', b.node_id, 'nodeName', n.name, 'nodeKind', n.kind, 'depth', n.depth,
              'here', EXISTS (SELECT 1 FROM org_node_closure c WHERE c.ancestor_id = ${nodeId}::uuid AND c.descendant_id = b.node_id),
              'roleId', b.role_id, 'roleName', r.name, 'expiresAt', b.expires_at, 'startsAt', b.starts_at, 'pending', b.pending)
              ORDER BY n.depth, n.name, b.id), '[]'::json)
            FROM role_bindings b JOIN org_nodes n ON n.id = b.node_id LEFT JOIN roles r ON r.id = b.role_id
            WHERE b.user_id = p.id AND n.root_id = ${root})
        ) ORDER BY p.name, p.id), '[]'::json) FROM page p) AS rows,
        (SELECT coalesce(json_agg(d.domain), '[]'::json) FROM tenant_domains d WHERE d.tenant_id = ${root} AND d.verified_at IS NOT NULL) AS domains,
        -- Capped: COUNT over a LIMIT cap + 1 subquery, so an enterprise stops early and says "10,000+".
        (SELECT count(*)::int FROM (SELECT 1 FROM users u WHERE ${filter} LIMIT ${cap + 1}::int) x) AS total`, { prepare: false }); // the plan depends on the place (a practice, the enterprise)
  const verified = new Set(page.domains);
  const rows: MemberRow[] = page.rows.map((raw) => {
    // Joined: an accepted role anywhere in the tenant; listed: the roles under the place.
    const joined = raw.bindings.some((b) => !b.pending);
    const here = raw.bindings.filter((b) => b.here);
    const lockedUntil = raw.lockedUntil === null ? null : new Date(raw.lockedUntil);
    const u = inviteeView({ ...raw, lockedUntil, bindings: here, suspensions: raw.suspended ? [{ tenantId: rootId }] : [] }, joined);
    return {
      id: u.id,
      name: u.name,
      email: u.email,
      phone: u.phone,
      status: joined ? memberStatus(u) : u.suspensions.length > 0 ? "SUSPENDED" : "INVITED",
      managed: joined && (u.managedByTenantId === rootId || verified.has(emailDomain(u.email))),
      locked: Boolean(u.lockedUntil && u.lockedUntil > now),
      roles: here.map((b) => ({
        bindingId: b.id,
        nodeId: b.nodeId,
        nodeName: b.nodeName,
        nodeKind: b.nodeKind,
        roleId: b.roleId,
        roleName: b.roleName ?? b.roleId,
        expiresAt: iso(b.expiresAt),
        startsAt: iso(b.startsAt),
        pending: b.pending,
      })),
    };
  });
  return { ...capCount(page.total, cap), page: query.page, pageSize: query.pageSize, rows };
}

export async function countMembers(db: Db | Tx, nodeId: string): Promise<number> {
  return db.user.count({ where: memberWhere(nodeId) });
}

/**
 * The member if they have a role (live or invited) at the place or below it; null otherwise
 * (callers answer 404). Only this tenant's side of them: their roles in other tenants stay hidden.
 */
export async function findMember(db: Db | Tx, nodeId: string, userId: string) {
  if (!z.uuid().safeParse(userId).success) return null;
  const place = await db.orgNode.findUnique({ where: { id: nodeId }, select: { rootId: true } });
  if (!place) return null;
  const user = await db.user.findFirst({
    where: { id: userId, ...memberWhere(nodeId) },
    select: {
      ...MEMBER_USER_SELECT,
      suspensions: { where: { tenantId: place.rootId }, select: { tenantId: true } },
      createdAt: true,
      providerProfile: { select: { credentials: true, specialties: true, licenseNumber: true, bio: true, photoType: true } },
      bindings: {
        where: { node: { rootId: place.rootId } },
        select: { id: true, nodeId: true, roleId: true, expiresAt: true, startsAt: true, pending: true, adjustments: true, createdAt: true, node: { select: { name: true, kind: true, rootId: true } }, role: { select: { name: true } } },
      },
    },
  });
  if (!user) return null;
  const joined = user.bindings.some((b) => !b.pending);
  return { ...inviteeView(user, joined), providerProfile: joined ? user.providerProfile : null, joined, rootId: place.rootId, memberStatus: memberStatus(user) };
}
