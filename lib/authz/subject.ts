import { isPermission, type Permission } from "./catalogue";
import { parseAdjustments, parseGrants, parseRemovals, type Grant, type Scope } from "./grants";
import { OWNER_ROLE_IDS, TEMPLATES_BY_ID } from "./roles";
import type { TenantTree, TreeNode } from "./tree";
import { compileEmergency, type EmergencyRow } from "./emergency";

/**
 * Compiling a subject: a person's bindings, their roles (with inheritance) and per-binding
 * adjustments are folded once into lookup tables, so that decide() is a few map reads.
 * Pure: the loader (load.ts) does the I/O and hands the rows in.
 */

export interface BindingRow {
  id: string;
  nodeId: string;
  roleId: string;
  adjustments?: unknown;
  expiresAt?: Date | null;
  /** Temporary access (issue 11): grants nothing before this instant. */
  startsAt?: Date | null;
}

/**
 * A delegation received (issue 11): `permissions` of the delegator's, at `nodeId`, for a period.
 * `delegator` is the delegator's own subject in that tenant (their bindings, no delegations of
 * theirs): decide() asks it at decision time, so the delegate never exceeds what the delegator holds then.
 */
export interface DelegationInput {
  id: string;
  nodeId: string;
  delegatorId: string;
  delegatorName: string;
  permissions: readonly string[];
  startsAt: Date;
  endsAt: Date;
  delegator: Subject;
}

export interface RoleRow {
  id: string;
  key: string;
  name: string;
  tenantId: string | null;
  parentId: string | null;
  grants: unknown;
  removals: unknown;
}

export const SCOPE_SUBTREE = 0;
export const SCOPE_NODE = 1;
export const SCOPE_ASSIGNED = 2;
export const SCOPE_OWN = 3;
const SCOPE_CODES: Record<Scope, number> = { subtree: SCOPE_SUBTREE, node: SCOPE_NODE, assigned: SCOPE_ASSIGNED, own: SCOPE_OWN };

export interface CompiledGrant {
  readonly scope: number;
  /** False for the common unconditioned grant, so it costs one comparison. */
  readonly hasConditions: boolean;
  readonly maxAmount: number | undefined;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly window: { days: ReadonlySet<number>; start: string; end: string } | undefined;
  readonly hide: readonly string[] | undefined;
  readonly readOnly: readonly string[] | undefined;
  /** Only records about these patients (an emergency grant for one patient, issue 11); set only with hasConditions. */
  readonly patientIds?: ReadonlySet<string>;
  readonly source: Grant;
}

export interface CompiledBinding {
  readonly id: string;
  readonly nodeId: string;
  readonly rootId: string;
  readonly roleId: string;
  readonly roleName: string;
  readonly nodeName: string;
  readonly nodeKind: TreeNode["kind"];
  readonly timeZone: string;
  readonly isOwner: boolean;
  /** ms since epoch; Infinity when the binding does not expire. */
  readonly expiresAt: number;
  /** ms since epoch; -Infinity when the binding is in force from its creation (issue 11). */
  readonly startsAt: number;
  readonly grants: ReadonlyMap<Permission, readonly CompiledGrant[]>;
  /**
   * Set on a delegated binding (issue 11): its `grants` are empty, so code that reads grants (what
   * one may hand out, role lists) never counts borrowed rights; decide(), where(), explain() and
   * mask() ask the delegator's subject instead, for the permissions delegated.
   */
  readonly delegation?: CompiledDelegation;
}

export interface CompiledDelegation {
  readonly id: string;
  readonly delegatorId: string;
  readonly delegatorName: string;
  readonly permissions: ReadonlySet<Permission>;
  readonly subject: Subject;
}

export interface Subject {
  readonly userId: string;
  readonly isPlatformStaff: boolean;
  readonly bindings: readonly CompiledBinding[];
  /** The bindings at each node (indexByNode): what decide() reads at every ancestor of a record. */
  readonly byNode: BindingsByNode;
  readonly trees: readonly TenantTree[];
  /** Problems met while compiling (malformed stored grants, cross-tenant roles): all denied. */
  readonly warnings: readonly string[];
}

export interface CompileInput {
  userId: string;
  isPlatformStaff?: boolean;
  bindings: readonly BindingRow[];
  roles: ReadonlyMap<string, RoleRow>;
  trees: ReadonlyMap<string, TenantTree>;
  /** Break-glass grants (issue 11, ./emergency.ts), compiled into bindings like any other. */
  emergency?: readonly EmergencyRow[];
  /** Contractors (issue 11): every binding in the tenant ends by this instant, whatever its own end. */
  contractorEnds?: ReadonlyMap<string, Date>;
  delegations?: readonly DelegationInput[];
  /**
   * Shared grant tables (issue 15): one built against `roles` (or a set covering the same roles) for
   * every tenant, or one per tenant root built against that tenant's roles. The caller must drop it
   * when the roles change. Without it (or for a tenant it lacks), tables are shared within this compile.
   */
  grantTables?: GrantTables | ReadonlyMap<string, GrantTables>;
}

const MAX_ROLE_DEPTH = 8;
/** The roleId of a delegated binding (no role row has it). */
export const DELEGATION_ROLE_ID = "delegation";

/** A role's effective grants: its template's, or its parent's minus removals plus its own. */
export function resolveRoleGrants(
  roleId: string,
  roles: ReadonlyMap<string, RoleRow>,
  warn: (msg: string) => void = () => {},
  depth = 0,
): Grant[] {
  const template = TEMPLATES_BY_ID.get(roleId);
  if (template) return template.grants;
  const role = roles.get(roleId);
  if (!role || depth > MAX_ROLE_DEPTH) {
    warn(role ? `role ${roleId}: inheritance deeper than ${MAX_ROLE_DEPTH}` : `role ${roleId} not found`);
    return [];
  }
  const parent = role.parentId ? roles.get(role.parentId) : undefined;
  if (parent && parent.tenantId !== null && parent.tenantId !== role.tenantId) {
    warn(`role ${roleId} inherits from another tenant's role`);
    return [];
  }
  // A parent that is neither built in nor among the given roles (another tenant's, not loaded):
  // fail closed, so the answer never depends on which other tenants' roles were loaded beside it.
  if (role.parentId && !parent && !TEMPLATES_BY_ID.has(role.parentId)) {
    warn(`role ${roleId}: parent role ${role.parentId} not found`);
    return [];
  }
  const inherited = role.parentId ? resolveRoleGrants(role.parentId, roles, warn, depth + 1) : [];
  let removalsValid = true;
  const removed = new Set(
    parseRemovals(role.removals, (m) => {
      removalsValid = false;
      warn(`role ${roleId} removals: ${m}`);
    }),
  );
  // Fail closed: if we can't read what the role removes, it must not inherit everything instead.
  if (!removalsValid) return [];
  return [
    ...inherited.filter((grant) => !removed.has(grant.permission)),
    ...parseGrants(role.grants, (m) => warn(`role ${roleId} grants: ${m}`)),
  ];
}

export function compileGrant(grant: Grant): CompiledGrant {
  const c = grant.conditions;
  return {
    scope: SCOPE_CODES[grant.scope ?? "subtree"],
    hasConditions: Boolean(c && (c.maxAmount !== undefined || c.timeWindow || c.validFrom || c.validUntil)),
    maxAmount: c?.maxAmount,
    validFrom: c?.validFrom ? Date.parse(c.validFrom) : -Infinity,
    validUntil: c?.validUntil ? Date.parse(c.validUntil) : Infinity,
    window: c?.timeWindow ? { days: new Set(c.timeWindow.days), start: c.timeWindow.start, end: c.timeWindow.end } : undefined,
    hide: grant.hide?.length ? grant.hide : undefined,
    readOnly: grant.readOnly?.length ? grant.readOnly : undefined,
    source: grant,
  };
}

/**
 * One binding's grant table, as (role, adjustments) make it: shared by every binding with the same
 * role and adjustments (so by thousands of subjects), never changed once built.
 */
export interface GrantTable {
  readonly grants: ReadonlyMap<Permission, readonly CompiledGrant[]>;
  /** Problems met resolving the role (reported once per role per compiled subject). */
  readonly roleWarnings: readonly string[];
  /** Problems met reading the adjustments (reported for each binding that has them, with its id). */
  readonly adjustmentWarnings: readonly string[];
}

/** Past this many tables (distinct role + adjustments), new ones are built for their binding only. */
const MAX_SHARED_TABLES = 20_000;

/**
 * Grant tables built once per (role, owner or not, adjustments) against one role set and shared
 * (issue 15: 50,000 subjects held ~1 GiB when every binding had its own). The caller keeps one as
 * long as the role set is unchanged: the loader one per tenant and role version (load.ts), the
 * benchmark one for all its subjects. Without one, compileSubject shares tables within one compile.
 */
export class GrantTables {
  private readonly tables = new Map<string, GrantTable>();
  private readonly resolved = new Map<string, { grants: Grant[]; warnings: string[] }>();

  constructor(readonly roles: ReadonlyMap<string, RoleRow>) {}

  get size(): number {
    return this.tables.size;
  }

  /** The table of a binding of `roleId` with these stored adjustments. */
  table(roleId: string, adjustments: unknown): GrantTable {
    const key = `${roleId}\u0000${adjustmentsKey(adjustments)}`;
    const cached = this.tables.get(key);
    if (cached) return cached;
    const table = this.build(roleId, adjustments);
    if (this.tables.size < MAX_SHARED_TABLES) this.tables.set(key, table);
    return table;
  }

  private build(roleId: string, stored: unknown): GrantTable {
    let role = this.resolved.get(roleId);
    if (!role) {
      const warnings: string[] = [];
      role = { grants: resolveRoleGrants(roleId, this.roles, (m) => warnings.push(m)), warnings };
      this.resolved.set(roleId, role);
    }
    const isOwner = OWNER_ROLE_IDS.has(roleId);
    const adjustmentWarnings: string[] = [];
    const adjustments = parseAdjustments(stored, (m) => adjustmentWarnings.push(m));
    const adjustmentsValid = adjustmentWarnings.length === 0;
    // The owner's rights can't be reduced: removals on an owner binding are ignored.
    const removed = new Set(isOwner ? [] : (adjustments.remove ?? []));
    // Fail closed: unreadable adjustments may have removed anything, so the binding grants nothing
    // (an owner binding keeps its role's grants, as its removals would be ignored anyway).
    const effective =
      adjustmentsValid || isOwner ? [...role.grants.filter((gr) => !removed.has(gr.permission)), ...(adjustments.add ?? [])] : [];
    const table = new Map<Permission, CompiledGrant[]>();
    for (const grant of effective) {
      if (!isPermission(grant.permission)) continue;
      const list = table.get(grant.permission);
      const compiled = compileGrant(grant);
      if (list) list.push(compiled);
      else table.set(grant.permission, [compiled]);
    }
    // Cheapest grants first: an unconditioned subtree grant answers without looking further.
    for (const list of table.values()) Object.freeze(list.sort((a, b) => Number(a.hasConditions) - Number(b.hasConditions) || a.scope - b.scope));
    return Object.freeze({ grants: table, roleWarnings: Object.freeze(role.warnings), adjustmentWarnings: Object.freeze(adjustmentWarnings) });
  }
}

/** Adjustments that change nothing (none stored, `{}`) share one key; others their JSON. */
function adjustmentsKey(adjustments: unknown): string {
  if (adjustments === null || adjustments === undefined) return "";
  if (typeof adjustments === "object" && !Array.isArray(adjustments) && Object.keys(adjustments).length === 0) return "";
  return JSON.stringify(adjustments);
}

export function compileSubject(input: CompileInput): Subject {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const shared = input.grantTables;
  let local: GrantTables | undefined;
  const tablesFor = (rootId: string): GrantTables =>
    (shared instanceof GrantTables ? shared : shared?.get(rootId)) ?? (local ??= new GrantTables(input.roles));
  const reportedRoles = new Set<string>();
  const bindings: CompiledBinding[] = [];
  const usedTrees = new Map<string, TenantTree>();

  for (const row of input.bindings) {
    // Platform support access (issue 11): platform staff enter a tenant only through a time-boxed
    // grant from it; a binding of theirs with no end date grants nothing.
    if (input.isPlatformStaff && !row.expiresAt) {
      warn(`binding ${row.id}: platform staff need a time-boxed support grant`);
      continue;
    }
    const tree = findTree(input.trees, row.nodeId);
    if (!tree) {
      warn(`binding ${row.id}: node ${row.nodeId} is not in a loaded tenant`);
      continue;
    }
    const node = tree.nodes.get(row.nodeId)!;
    const role = input.roles.get(row.roleId);
    const template = TEMPLATES_BY_ID.get(row.roleId);
    if (!template && (!role || (role.tenantId !== null && role.tenantId !== tree.rootId))) {
      // A custom role only means something inside its own tenant: never across roots.
      warn(`binding ${row.id}: role ${row.roleId} does not belong to tenant ${tree.rootId}`);
      continue;
    }
    const table = tablesFor(tree.rootId).table(row.roleId, row.adjustments);
    if (!reportedRoles.has(row.roleId)) {
      reportedRoles.add(row.roleId);
      warnings.push(...table.roleWarnings);
    }
    for (const m of table.adjustmentWarnings) warn(`binding ${row.id} adjustments: ${m}`);

    const compiled: CompiledBinding = {
      id: row.id,
      // The tree's own string: the node index compares it with the tree's ancestor ids by identity first.
      nodeId: node.id,
      rootId: tree.rootId,
      roleId: row.roleId,
      roleName: template?.name ?? role?.name ?? row.roleId,
      nodeName: node.name,
      nodeKind: node.kind,
      timeZone: node.timeZone,
      isOwner: OWNER_ROLE_IDS.has(row.roleId),
      expiresAt: Math.min(row.expiresAt ? row.expiresAt.getTime() : Infinity, input.contractorEnds?.get(tree.rootId)?.getTime() ?? Infinity),
      startsAt: row.startsAt ? row.startsAt.getTime() : -Infinity,
      grants: table.grants,
    };
    bindings.push(compiled);
    usedTrees.set(tree.rootId, tree);
  }
  for (const row of input.emergency ?? []) {
    const tree = findTree(input.trees, row.nodeId);
    const compiled = tree && compileEmergency(row, tree);
    if (!tree || !compiled) continue;
    const ends = input.contractorEnds?.get(tree.rootId);
    const binding = ends && ends.getTime() < compiled.expiresAt ? { ...compiled, expiresAt: ends.getTime() } : compiled;
    bindings.push(binding);
  }
  for (const d of input.delegations ?? []) {
    const tree = findTree(input.trees, d.nodeId);
    if (!tree) {
      warn(`delegation ${d.id}: node ${d.nodeId} is not in a loaded tenant`);
      continue;
    }
    // A delegator's subject from another tenant would be meaningless here: never across roots.
    if (d.delegator.trees.some((t) => t.rootId !== tree.rootId)) {
      warn(`delegation ${d.id}: the delegator's rights are not all in tenant ${tree.rootId}`);
      continue;
    }
    const node = tree.nodes.get(d.nodeId)!;
    const compiled: CompiledBinding = {
      id: d.id,
      nodeId: node.id,
      rootId: tree.rootId,
      roleId: DELEGATION_ROLE_ID,
      roleName: `Delegated by ${d.delegatorName}`,
      nodeName: node.name,
      nodeKind: node.kind,
      timeZone: node.timeZone,
      isOwner: false,
      expiresAt: d.endsAt.getTime(),
      startsAt: d.startsAt.getTime(),
      grants: new Map(),
      delegation: {
        id: d.id,
        delegatorId: d.delegatorId,
        delegatorName: d.delegatorName,
        permissions: new Set(d.permissions.filter(isPermission)),
        subject: d.delegator,
      },
    };
    bindings.push(compiled);
    usedTrees.set(tree.rootId, tree);
  }
  return {
    userId: input.userId,
    isPlatformStaff: Boolean(input.isPlatformStaff),
    bindings,
    byNode: indexByNode(bindings),
    trees: treeList([...usedTrees.values()]),
    warnings,
  };
}

/** One frozen one-tree list per tree, shared by every subject of a single tenant (one allocation less each). */
const singleTreeLists = new WeakMap<TenantTree, readonly TenantTree[]>();
function treeList(trees: TenantTree[]): readonly TenantTree[] {
  if (trees.length !== 1) return trees;
  let list = singleTreeLists.get(trees[0]);
  if (!list) singleTreeLists.set(trees[0], (list = Object.freeze([trees[0]])));
  return list;
}

function findTree(trees: ReadonlyMap<string, TenantTree>, nodeId: string): TenantTree | undefined {
  for (const tree of trees.values()) if (tree.nodes.has(nodeId)) return tree;
  return undefined;
}

/** The subject's view of a node: undefined when the node is in none of the subject's tenants. */
export function lookupNode(subject: Subject, nodeId: string): TreeNode | undefined {
  const trees = subject.trees;
  for (let i = 0; i < trees.length; i++) {
    const node = trees[i].nodes.get(nodeId);
    if (node) return node;
  }
  return undefined;
}

/** The tenant tree (of the subject's) that holds `nodeId`: its nodes' names, kinds and depths without a query. */
export function lookupTree(subject: Subject, nodeId: string): TenantTree | undefined {
  return subject.trees.find((t) => t.nodes.has(nodeId));
}

/** A subject's bindings by the node they are at. */
export interface BindingsByNode {
  get(nodeId: string): readonly CompiledBinding[] | undefined;
}

/** Past this many distinct nodes a subject's index is a Map; below, a scan of a short array is faster. */
const SCAN_MAX_NODES = 32;

/**
 * Bound node ids in a small array beside their bindings (issue 15): most people are bound at a few
 * places, and scanning 1–16 ids (compared by hash first) beats a Map lookup at every ancestor and
 * costs less memory per subject. One class either way, so decide() stays monomorphic.
 */
class NodeIndex implements BindingsByNode {
  constructor(
    private readonly ids: readonly string[],
    private readonly lists: readonly (readonly CompiledBinding[])[],
    private readonly map: ReadonlyMap<string, readonly CompiledBinding[]> | undefined,
  ) {}

  get(nodeId: string): readonly CompiledBinding[] | undefined {
    if (this.map !== undefined) return this.map.get(nodeId);
    const ids = this.ids;
    for (let i = 0; i < ids.length; i++) if (ids[i] === nodeId) return this.lists[i];
    return undefined;
  }
}

/** The one way to index bindings by node (compileSubject, withoutDelegations, API-key subjects). */
export function indexByNode(bindings: readonly CompiledBinding[]): BindingsByNode {
  const ids: string[] = [];
  const lists: CompiledBinding[][] = [];
  for (const b of bindings) {
    const i = ids.indexOf(b.nodeId);
    if (i >= 0) lists[i].push(b);
    else {
      ids.push(b.nodeId);
      lists.push([b]);
    }
  }
  return ids.length > SCAN_MAX_NODES ? new NodeIndex([], [], new Map(ids.map((id, i) => [id, lists[i]]))) : new NodeIndex(ids, lists, undefined);
}

/** A subject with no bindings: every decision is a deny. */
export const ANONYMOUS: Subject = { userId: "", isPlatformStaff: false, bindings: [], byNode: indexByNode([]), trees: [], warnings: [] };

/** A binding grants something at `now` only inside [startsAt, expiresAt): refused from its end on (issue 11). */
export function isLive(binding: Pick<CompiledBinding, "startsAt" | "expiresAt">, now: number): boolean {
  return binding.startsAt <= now && now < binding.expiresAt;
}

/** The subject's own rights: without the delegations they received (what they may delegate or hand out). */
export function withoutDelegations(subject: Subject): Subject {
  if (!subject.bindings.some((b) => b.delegation)) return subject;
  const bindings = subject.bindings.filter((b) => !b.delegation);
  const roots = new Set(bindings.map((b) => b.rootId));
  return { ...subject, bindings, byNode: indexByNode(bindings), trees: subject.trees.filter((t) => roots.has(t.rootId)) };
}

