import { PERMISSIONS, SEPARATION_OF_DUTIES, resourceOf, type Permission } from "../lib/authz/catalogue";
import type { ResourceRef } from "../lib/authz/decide";
import type { Universe } from "./dataset/universe";
import { Rng } from "./lib/util";

/**
 * A fixed pseudo-random workload of (subject, permission, record) triples. Records are synthetic
 * but real-shaped: a node of the tree, an owner, assignees, an amount for money permissions and the
 * separation-of-duties fields. Every record has the same shape (one hidden class) and carries
 * `path`, its node and ancestors from org_node_closure, for the CASL and casbin encodings
 * (decide() ignores it and walks lib/authz's own tree).
 */
export interface BenchRecord extends ResourceRef {
  nodeId: string;
  ownerId: string | null;
  assigneeIds: string[];
  amount: number | undefined;
  approvedById: string | null;
  requestedById: string | null;
  path: string[];
}

export interface Workload {
  size: number;
  /** Index into the subject pool the workload was made for. */
  subject: Int32Array;
  permission: Permission[];
  record: BenchRecord[];
}

const MONEY = new Set(["refunds", "charges", "invoices", "payments"]);

export function heldPermissions(subject: { bindings: readonly { grants: ReadonlyMap<Permission, unknown> }[] }): Permission[] {
  const out = new Set<Permission>();
  for (const b of subject.bindings) for (const p of b.grants.keys()) out.add(p);
  return [...out].sort();
}

/** `heldOf(s)`: permissions the pool's s-th person holds somewhere, to bias half the draws towards them. */
export function makeWorkload(
  u: Universe,
  pool: readonly string[],
  heldOf: (s: number) => readonly Permission[],
  size: number,
  seed: number,
  /** Consecutive triples per subject: 1 = a random subject every call; 16 ≈ the decisions one request makes. */
  runLength = 1,
): Workload {
  const rng = new Rng(seed);
  const subject = new Int32Array(size);
  const permission: Permission[] = new Array(size);
  const record: BenchRecord[] = new Array(size);
  const allNodes = [...u.nodeKind.keys()].sort();
  const roots = [...u.trees.keys()].sort();
  for (let i = 0; i < size; i++) {
    const s = i % runLength === 0 || i === 0 ? rng.int(pool.length) : subject[i - 1];
    const userId = pool[s];
    const bindings = u.bindingsByUser.get(userId) ?? [];
    subject[i] = s;
    const h = heldOf(s);
    const perm = h.length && rng.chance(0.5) ? rng.pick(h) : rng.pick(PERMISSIONS);
    permission[i] = perm;
    // Where the record lives: often under one of the person's bindings, else anywhere (both tenants).
    const x = rng.next();
    let nodeId: string;
    if (bindings.length && x < 0.08) nodeId = rng.pick(bindings).nodeId;
    else if (bindings.length && x < 0.6) nodeId = rng.pick(u.subtreeOf.get(rng.pick(bindings).nodeId)!);
    else if (x < 0.95) nodeId = rng.pick(allNodes);
    else nodeId = rng.pick(u.nodesByRoot.get(rng.pick(roots))!);
    const other = () => rng.pick(u.allUserIds);
    const y = rng.next();
    const ownerId = y < 0.25 ? userId : y < 0.7 ? other() : null;
    const z = rng.next();
    const assigneeIds = z < 0.15 ? [other(), userId] : z < 0.5 ? [other()] : [];
    const amount = MONEY.has(resourceOf(perm)) && rng.chance(0.75) ? rng.int(1000) : undefined;
    const sod = SEPARATION_OF_DUTIES[perm];
    const sodValue = () => (sod ? (rng.chance(0.3) ? userId : rng.chance(0.6) ? other() : null) : null);
    record[i] = { nodeId, ownerId, assigneeIds, amount, approvedById: sodValue(), requestedById: sodValue(), path: u.pathOf.get(nodeId)! };
  }
  return { size, subject, permission, record };
}
