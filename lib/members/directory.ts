import { z } from "zod";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { escapeLike } from "../db/like";
import { COUNT_CAP, capCount } from "../db/capped-count";
import { buildTree, isWithin, type TenantTree } from "../authz/tree";
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
 * What the caller already holds. `tree`: the place's tenant tree from the subject (the route's access
 * check found the place there): its tenant, and the names, kinds and depths of the page's places
 * without a query. `rootId` alone saves the tenant lookup. `countCap`: where the total stops (tests).
 */
export interface ListMembersKnown {
  rootId?: string;
  tree?: TenantTree;
  countCap?: number;
}

/**
 * One page of a place's people. One round of queries, all in parallel on the pool: the page (its
 * people with their suspension here; Prisma reads their roles anywhere in the tenant in a second
 * statement right after), the capped total, the verified domains and the role names.
 * The tree (the subject's, or the tenant's nodes read beside the page when the caller has none)
 * names the places and tells which roles lie under the place; "joined" is any accepted role in the
 * tenant. Round trips, not plans, were the cost (README, "Over HTTP and across instances").
 */
export async function listMembers(db: Db | Tx, nodeId: string, query: MemberListQuery, now = new Date(), known: ListMembersKnown = {}): Promise<{ total: number; totalCapped: boolean; page: number; pageSize: number; rows: MemberRow[] }> {
  const rootId = known.tree?.rootId ?? known.rootId ?? (await db.orgNode.findUniqueOrThrow({ where: { id: nodeId }, select: { rootId: true } })).rootId;
  const where = memberWhere(nodeId, query, now, rootId);
  const cap = known.countCap ?? COUNT_CAP;
  const [count, users, domains, tenantRoles, tree] = await Promise.all([
    // Capped: COUNT over a LIMIT cap + 1 subquery, so an enterprise stops early and says "10,000+".
    db.user.count({ where, take: cap + 1 }),
    db.user.findMany({
      where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: {
        ...MEMBER_USER_SELECT,
        // Every role in the tenant: the ones under the place are listed, any accepted one means "joined".
        bindings: {
          where: { node: { rootId } },
          select: { id: true, nodeId: true, expiresAt: true, startsAt: true, pending: true, roleId: true },
        },
        // Suspended here: a count inside the page's statement (a relation would be one more statement after it).
        _count: { select: { suspensions: { where: { tenantId: rootId } } } },
      },
    }),
    db.tenantDomain.findMany({ where: { tenantId: rootId, verifiedAt: { not: null } }, select: { domain: true } }),
    // Role names: the tenant's and the built-in roles, beside the page (not one more query after it).
    db.role.findMany({ where: { OR: [{ tenantId: null }, { tenantId: rootId }] }, select: { id: true, name: true } }),
    known.tree ?? db.orgNode.findMany({ where: { rootId }, select: { id: true, parentId: true, rootId: true, kind: true, name: true, timeZone: true } }).then((rows) => buildTree(rootId, rows)),
  ]);
  const roleNames = new Map(tenantRoles.map((r) => [r.id, r.name]));
  const unknownRoles = [...new Set(users.flatMap((u) => u.bindings.map((b) => b.roleId)).filter((id) => !roleNames.has(id)))];
  if (unknownRoles.length > 0) for (const r of await db.role.findMany({ where: { id: { in: unknownRoles } }, select: { id: true, name: true } })) roleNames.set(r.id, r.name);
  const verified = new Set(domains.map((d) => d.domain));
  const rows: MemberRow[] = users.map((raw) => {
    const joined = raw.bindings.some((b) => !b.pending);
    // Under the place, highest first (then by place name): the tree knows each place's depth.
    const depth = (id: string) => tree.nodes.get(id)?.ancestors.length ?? 0;
    const name = (id: string) => tree.nodes.get(id)?.name ?? "";
    const here = raw.bindings
      .filter((b) => isWithin(tree, b.nodeId, nodeId))
      .sort((a, b) => depth(a.nodeId) - depth(b.nodeId) || name(a.nodeId).localeCompare(name(b.nodeId)) || a.id.localeCompare(b.id));
    const u = inviteeView({ ...raw, bindings: here, suspensions: raw._count.suspensions > 0 ? [{ tenantId: rootId }] : [] }, joined);
    return {
      id: u.id,
      name: u.name,
      email: u.email,
      phone: u.phone,
      status: joined ? memberStatus(u) : u.suspensions.length > 0 ? "SUSPENDED" : "INVITED",
      managed: joined && (u.managedByTenantId === rootId || verified.has(emailDomain(u.email))),
      locked: Boolean(u.lockedUntil && u.lockedUntil > now),
      roles: here.map((b) => {
        const node = tree.nodes.get(b.nodeId);
        return {
          bindingId: b.id,
          nodeId: b.nodeId,
          nodeName: node?.name ?? "",
          nodeKind: node?.kind ?? "",
          roleId: b.roleId,
          roleName: roleNames.get(b.roleId) ?? b.roleId,
          expiresAt: b.expiresAt?.toISOString() ?? null,
          startsAt: b.startsAt?.toISOString() ?? null,
          pending: b.pending,
        };
      }),
    };
  });
  return { ...capCount(count, cap), page: query.page, pageSize: query.pageSize, rows };
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
