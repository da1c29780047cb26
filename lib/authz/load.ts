import "server-only";
import type { Db, Tx } from "../db/client";
import { compileSubject, type RoleRow, type Subject } from "./subject";
import { buildTree, type FlagRow, type NodeRow, type TenantTree } from "./tree";
import { Prisma } from "../db/generated/client";
import { rootVersionsSql, type RootVersion } from "./versions";

/**
 * Loads and caches compiled subjects. A subject is reused while the versions of every tenant it
 * belongs to are unchanged: one small indexed query per request tells, so a binding, role or node
 * change made by any app instance is seen by the next request everywhere (no stale allows).
 */

const MAX_CACHED_SUBJECTS = 5_000;

export class SubjectLoader {
  private trees = new Map<string, TenantTree>();
  private subjects = new Map<string, { key: string; subject: Subject }>();
  stats = { hits: 0, compiles: 0, treeLoads: 0 };

  constructor(private readonly db: Db | Tx) {}

  /**
   * `versions`: the person's tenant versions when the caller has just read them (the session check
   * does, in its own round trip); otherwise one small query reads them here.
   */
  async load(userId: string, opts: { isPlatformStaff?: boolean; versions?: readonly RootVersion[] } = {}): Promise<Subject> {
    const roots = opts.versions ?? (await this.db.$queryRaw<RootVersion[]>`SELECT * FROM (${rootVersionsSql(Prisma.sql`${userId}::uuid`)}) v ORDER BY v.id`);
    const key = `${opts.isPlatformStaff ? 1 : 0}|${roots.map((r) => `${r.id}:${r.authz_version}:${r.tree_version}`).join(",")}`;
    const cached = this.subjects.get(userId);
    if (cached && cached.key === key) {
      this.stats.hits++;
      return cached.subject;
    }
    const subject = await this.compile(userId, roots, opts.isPlatformStaff ?? false);
    if (this.subjects.size >= MAX_CACHED_SUBJECTS) this.subjects.delete(this.subjects.keys().next().value!);
    this.subjects.set(userId, { key, subject });
    return subject;
  }

  /** Drops what this process cached (tests; the version check makes it unnecessary otherwise). */
  clear(): void {
    this.trees.clear();
    this.subjects.clear();
  }

  private async compile(userId: string, roots: readonly RootVersion[], isPlatformStaff: boolean): Promise<Subject> {
    this.stats.compiles++;
    const rootIds = roots.map((r) => r.id);
    const [bindings, roles] = await Promise.all([
      // Invitations not yet accepted grant nothing, nor does a tenant that suspended the person.
      this.db.roleBinding.findMany({
        where: { userId, pending: false, node: { rootId: { in: rootIds } } },
        select: { id: true, nodeId: true, roleId: true, adjustments: true, expiresAt: true, startsAt: true },
      }),
      rootIds.length
        ? this.db.role.findMany({ where: { tenantId: { in: rootIds } }, select: { id: true, key: true, name: true, tenantId: true, parentId: true, grants: true, removals: true } })
        : Promise.resolve([] as RoleRow[]),
    ]);
    const trees = new Map<string, TenantTree>();
    await Promise.all(roots.map(async (r) => trees.set(r.id, await this.tree(r.id, r.tree_version))));
    return compileSubject({ userId, isPlatformStaff, bindings, roles: new Map(roles.map((r) => [r.id, r])), trees });
  }

  /** A tenant's tree snapshot, shared by every subject of that tenant until the tree changes. */
  async tree(rootId: string, version: number): Promise<TenantTree> {
    const cached = this.trees.get(rootId);
    if (cached && cached.version === version) return cached;
    this.stats.treeLoads++;
    const [rows, flagRows]: [NodeRow[], FlagRow[]] = await Promise.all([
      this.db.orgNode.findMany({
        where: { rootId },
        select: { id: true, parentId: true, rootId: true, kind: true, name: true, timeZone: true, featureFlags: true, archivedAt: true },
      }),
      this.db.featureFlag.findMany({ where: { tenantId: rootId }, select: { flag: true, enabled: true, hiddenRoleIds: true } }),
    ]);
    const tree = buildTree(rootId, rows, version, flagRows);
    this.trees.set(rootId, tree);
    return tree;
  }
}

/** Call in the transaction of any change to a tenant's bindings or roles (tree: also its nodes). */
export async function bumpAuthzVersion(tx: Db | Tx, rootId: string, opts: { tree?: boolean } = {}): Promise<void> {
  await tx.orgNode.update({
    where: { id: rootId },
    data: { authzVersion: { increment: 1 }, ...(opts.tree ? { treeVersion: { increment: 1 } } : {}) },
  });
}

const loaders = new WeakMap<object, SubjectLoader>();
/** One loader (and so one cache) per database handle in this process. */
export function sharedLoader(db: Db): SubjectLoader {
  let loader = loaders.get(db);
  if (!loader) loaders.set(db, (loader = new SubjectLoader(db)));
  return loader;
}
