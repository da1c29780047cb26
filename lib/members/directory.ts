import { z } from "zod";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { escapeLike } from "../db/like";

/**
 * The people of a place: everyone with a role at the place or anywhere below it. Filtered,
 * counted and paginated in SQL (the closure table turns "below it" into one indexed join).
 */
export const memberListQuery = z.object({
  q: z.string().trim().max(200).optional().default(""),
  role: z.string().max(100).optional(),
  location: z.uuid({ error: "Choose a location from the list." }).optional(),
  status: z.enum(["ACTIVE", "INVITED", "DISABLED", "LOCKED"]).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export type MemberListQuery = z.infer<typeof memberListQuery>;

const inSubtree = (nodeId: string): Prisma.OrgNodeWhereInput => ({ ancestorLinks: { some: { ancestorId: nodeId } } });

export function memberWhere(nodeId: string, query: Partial<MemberListQuery> = {}, now = new Date()): Prisma.UserWhereInput {
  const q = query.q?.trim();
  return {
    deletedAt: null,
    bindings: {
      some: {
        node: query.location ? { AND: [inSubtree(nodeId), inSubtree(query.location)] } : inSubtree(nodeId),
        ...(query.role ? { roleId: query.role } : {}),
      },
    },
    ...(query.status === "LOCKED" ? { lockedUntil: { gt: now } } : query.status ? { status: query.status } : {}),
    ...(q ? { OR: [{ name: { contains: escapeLike(q), mode: "insensitive" } }, { email: { contains: escapeLike(q.toLowerCase()) } }] } : {}),
  };
}

export interface MemberRow {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  status: "ACTIVE" | "INVITED" | "DISABLED";
  locked: boolean;
  roles: { bindingId: string; nodeId: string; nodeName: string; nodeKind: string; roleId: string; roleName: string; expiresAt: string | null }[];
}

export async function listMembers(db: Db | Tx, nodeId: string, query: MemberListQuery, now = new Date()) {
  const where = memberWhere(nodeId, query, now);
  const [total, users] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({
      where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: {
        id: true,
        name: true,
        email: true,
        phone: true,
        status: true,
        lockedUntil: true,
        bindings: {
          where: { node: inSubtree(nodeId) },
          orderBy: { node: { depth: "asc" } },
          select: { id: true, nodeId: true, expiresAt: true, roleId: true, node: { select: { name: true, kind: true } }, role: { select: { name: true } } },
        },
      },
    }),
  ]);
  const rows: MemberRow[] = users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    phone: u.phone,
    status: u.status,
    locked: Boolean(u.lockedUntil && u.lockedUntil > now),
    roles: u.bindings.map((b) => ({
      bindingId: b.id,
      nodeId: b.nodeId,
      nodeName: b.node.name,
      nodeKind: b.node.kind,
      roleId: b.roleId,
      roleName: b.role.name,
      expiresAt: b.expiresAt?.toISOString() ?? null,
    })),
  }));
  return { total, page: query.page, pageSize: query.pageSize, rows };
}

export async function countMembers(db: Db | Tx, nodeId: string): Promise<number> {
  return db.user.count({ where: memberWhere(nodeId) });
}

/** The member if they have a role at the place or below it; null otherwise (callers answer 404). */
export async function findMember(db: Db | Tx, nodeId: string, userId: string) {
  if (!z.uuid().safeParse(userId).success) return null;
  return db.user.findFirst({
    where: { id: userId, ...memberWhere(nodeId) },
    select: {
      id: true,
      name: true,
      email: true,
      phone: true,
      status: true,
      lockedUntil: true,
      createdAt: true,
      providerProfile: { select: { credentials: true, specialties: true, licenseNumber: true, bio: true, photoType: true } },
      bindings: {
        select: { id: true, nodeId: true, roleId: true, expiresAt: true, adjustments: true, node: { select: { name: true, kind: true, rootId: true } }, role: { select: { name: true } } },
      },
    },
  });
}
