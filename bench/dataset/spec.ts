import { PERMISSIONS, resourceOf, type Permission } from "../../lib/authz/catalogue";
import type { Grant, Scope } from "../../lib/authz/grants";
import { ROLE_TEMPLATES, builtinRoleId } from "../../lib/authz/roles";
import type { NodeKind } from "../../lib/authz/tree";
import { Rng, uuidFrom } from "../lib/util";

/**
 * The generated enterprise, described in memory (deterministic from the seed and the scale). The
 * generator (generate.ts) writes it with bulk SQL; the benchmark itself reads everything back from
 * the database rows, so this description is only used to write them.
 */

/** Bump when the generated data changes shape: a database with another version is regenerated. */
export const DATASET_VERSION = 3;
export const SEED = 20261121;

export interface Sizes {
  regions: number;
  practices: number;
  users: number;
  bindings: number;
  customRoles: number;
  patients: number;
  pglitePatients: number;
  soloUsers: number;
}

export function sizesFor(scale: number): Sizes {
  const r = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  return {
    regions: r(20, 2),
    practices: r(1_000, 10),
    users: r(50_000, 500),
    bindings: r(200_000, 2_000),
    customRoles: 40,
    patients: r(1_000_000, 10_000),
    pglitePatients: r(100_000, 5_000),
    soloUsers: r(40, 8),
  };
}

export interface NodeSpec {
  id: string;
  kind: NodeKind;
  name: string;
  parentId: string | null;
  rootId: string;
  depth: number;
  timeZone: string;
  featureFlags: Record<string, boolean>;
}

export interface RoleSpec {
  id: string;
  key: string;
  name: string;
  description: string;
  family: string;
  tenantId: string;
  parentId: string;
  grants: Grant[];
  removals: Permission[];
}

export interface BindingSpec {
  id: string;
  userIdx: number;
  nodeId: string;
  roleId: string;
  adjustments: { add?: Grant[]; remove?: Permission[] };
  expiresAt: Date | null;
}

export interface PracticeSpec {
  id: string;
  region: number;
  locations: string[];
}

export interface DatasetSpec {
  sizes: Sizes;
  ent: string;
  solo: string;
  nodes: NodeSpec[];
  practices: PracticeSpec[];
  roles: RoleSpec[];
  bindings: BindingSpec[];
  /** Users with a provider-type binding at each practice (index = practice; the last entry is the standalone practice). */
  providersByPractice: number[][];
}

export const userIdOf = (i: number) => uuidFrom(`user:${i}`);
export const EXPIRED_AT = new Date("2020-01-01T00:00:00Z");
export const EXPIRES_LATER = new Date("2099-01-01T00:00:00Z");

const TIME_ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix"];
const CLINIC_PERMISSIONS = PERMISSIONS.filter((p) => !resourceOf(p).startsWith("care_"));
const AMOUNT_PERMISSIONS: Permission[] = ["refunds.approve", "refunds.process", "refunds.create", "charges.create", "invoices.create", "payments.process"];
const SCOPE_WEIGHTS: [Scope, number][] = [["subtree", 50], ["node", 15], ["assigned", 20], ["own", 15]];
const T = (key: string) => builtinRoleId(key);
const templateGrants = (roleId: string) => ROLE_TEMPLATES.find((t) => builtinRoleId(t.key) === roleId)?.grants ?? [];

function randomGrant(rng: Rng): Grant {
  if (rng.chance(0.12)) {
    return { permission: rng.pick(AMOUNT_PERMISSIONS), scope: rng.weighted(SCOPE_WEIGHTS), conditions: { maxAmount: 100 * (1 + rng.int(10)) } };
  }
  return { permission: rng.pick(CLINIC_PERMISSIONS), scope: rng.weighted(SCOPE_WEIGHTS) };
}

export function buildSpec(scale: number): DatasetSpec {
  const sizes = sizesFor(scale);
  const rng = new Rng(SEED);
  const nodes: NodeSpec[] = [];
  const ent = uuidFrom("node:enterprise");
  nodes.push({ id: ent, kind: "ENTERPRISE", name: "Bench Health Enterprise", parentId: null, rootId: ent, depth: 0, timeZone: "America/New_York", featureFlags: { enterpriseManagement: true, emSync: true } });
  const regions: string[] = [];
  for (let r = 0; r < sizes.regions; r++) {
    const id = uuidFrom(`node:region:${r}`);
    regions.push(id);
    nodes.push({ id, kind: "REGION", name: `Region ${r + 1}`, parentId: ent, rootId: ent, depth: 1, timeZone: TIME_ZONES[r % TIME_ZONES.length], featureFlags: {} });
  }
  const practices: PracticeSpec[] = [];
  const practicesByRegion: number[][] = regions.map(() => []);
  for (let p = 0; p < sizes.practices; p++) {
    const region = p % sizes.regions;
    const id = uuidFrom(`node:practice:${p}`);
    const tz = TIME_ZONES[region % TIME_ZONES.length];
    nodes.push({ id, kind: "PRACTICE", name: `Practice ${p + 1}`, parentId: regions[region], rootId: ent, depth: 2, timeZone: tz, featureFlags: {} });
    const locations: string[] = [];
    const n = 1 + rng.int(3);
    for (let k = 0; k < n; k++) {
      const loc = uuidFrom(`node:location:${p}:${k}`);
      locations.push(loc);
      nodes.push({ id: loc, kind: "LOCATION", name: `Practice ${p + 1} - Location ${k + 1}`, parentId: id, rootId: ent, depth: 3, timeZone: tz, featureFlags: {} });
    }
    practices.push({ id, region, locations });
    practicesByRegion[region].push(p);
  }
  // A standalone practice: a second tenant, so tenant isolation is part of every comparison.
  const solo = uuidFrom("node:solo");
  nodes.push({ id: solo, kind: "PRACTICE", name: "Solo Family Clinic", parentId: null, rootId: solo, depth: 0, timeZone: "America/Chicago", featureFlags: {} });
  const soloLocations = [0, 1].map((k) => uuidFrom(`node:solo:location:${k}`));
  soloLocations.forEach((id, k) =>
    nodes.push({ id, kind: "LOCATION", name: `Solo Family Clinic - Location ${k + 1}`, parentId: solo, rootId: solo, depth: 1, timeZone: "America/Chicago", featureFlags: {} }),
  );

  // 40 custom roles in the enterprise: 30 inherit from a built-in, 10 from another custom role.
  const roles: RoleSpec[] = [];
  const effective = new Map<string, Grant[]>();
  const builtinParents: [string, number][] = [
    [T("manager"), 5], [T("front_desk"), 5], [T("provider"), 6], [T("billing"), 4], [T("admin"), 3],
    [T("inventory_manager"), 2], [T("ai_assistant_handler"), 1], [T("consultant"), 2], [T("owner"), 1],
  ];
  for (let k = 0; k < sizes.customRoles; k++) {
    const parentId = k < 30 || roles.length === 0 ? rng.weighted(builtinParents) : roles[rng.int(Math.min(30, roles.length))].id;
    const inherited = effective.get(parentId) ?? templateGrants(parentId);
    const grants = Array.from({ length: 1 + rng.int(4) }, () => randomGrant(rng));
    const removals = [...new Set(Array.from({ length: rng.int(5) }, () => rng.pick(inherited).permission))];
    const id = `bench-custom-${String(k).padStart(2, "0")}`;
    roles.push({ id, key: `custom_${k}`, name: `Custom role ${k + 1}`, description: "Generated by the benchmark", family: "clinic", tenantId: ent, parentId, grants, removals });
    effective.set(id, [...inherited.filter((g) => !removals.includes(g.permission)), ...grants]);
  }
  const rootTemplateOf = (roleId: string): string => {
    let id = roleId;
    for (let i = 0; i < 10 && !id.startsWith("builtin:"); i++) id = roles.find((r) => r.id === id)!.parentId;
    return id;
  };

  const bindings: BindingSpec[] = [];
  const providersByPractice: number[][] = Array.from({ length: sizes.practices + 1 }, () => []);
  const practiceIdxOf = new Map<string, number>();
  practices.forEach((p, i) => [p.id, ...p.locations].forEach((id) => practiceIdxOf.set(id, i)));
  [solo, ...soloLocations].forEach((id) => practiceIdxOf.set(id, sizes.practices));

  const addBinding = (userIdx: number, nodeId: string, roleId: string) => {
    const adjustments: BindingSpec["adjustments"] = {};
    if (rng.chance(0.01)) adjustments.add = Array.from({ length: 1 + rng.int(2) }, () => randomGrant(rng));
    if (rng.chance(0.002)) {
      const from = effective.get(roleId) ?? templateGrants(roleId);
      if (from.length) adjustments.remove = [...new Set(Array.from({ length: 1 + rng.int(3) }, () => rng.pick(from).permission))];
    }
    const x = rng.next();
    const expiresAt = x < 0.01 ? EXPIRED_AT : x < 0.03 ? EXPIRES_LATER : null;
    bindings.push({ id: uuidFrom(`binding:${bindings.length}`), userIdx, nodeId, roleId, adjustments, expiresAt });
    const practice = practiceIdxOf.get(nodeId);
    if (practice !== undefined && rootTemplateOf(roleId) === T("provider") && !providersByPractice[practice].includes(userIdx)) {
      providersByPractice[practice].push(userIdx);
    }
  };

  // Enterprise-level staff.
  let u = 0;
  for (const [role, count] of [[T("owner"), 3], [T("admin"), 3], [T("consultant"), 4]] as const) {
    for (let i = 0; i < count; i++) addBinding(u++, ent, role);
  }
  // Region-level staff: one admin, manager, billing, consultant and custom-role holder per region.
  for (let r = 0; r < sizes.regions; r++) {
    for (const role of [T("admin"), T("manager"), T("billing"), T("consultant"), rng.pick(roles).id]) addBinding(u++, regions[r], role);
  }
  // The standalone practice's own staff (a few bindings wrongly name an enterprise custom role: compile skips them).
  const soloRoles: [string, number][] = [[T("provider"), 4], [T("front_desk"), 3], [T("billing"), 1], [T("manager"), 1]];
  for (let i = 0; i < sizes.soloUsers; i++) {
    const role = i === 0 ? T("owner") : i === 1 ? T("admin") : i < 5 ? rng.pick(roles).id : rng.weighted(soloRoles);
    addBinding(u++, rng.chance(0.5) ? solo : rng.pick(soloLocations), role);
  }
  const firstRegular = u;
  const regularUsers = sizes.users - firstRegular;
  const special = bindings.length;
  const budget = sizes.bindings - special - Math.min(10, regularUsers);
  if (regularUsers <= 0 || budget < regularUsers) throw new Error(`BENCH_SCALE too small for the fixed staff (${firstRegular} users)`);

  // Bindings per regular user: mostly 1-4, some floaters with up to 16; then nudged to hit the budget.
  const countWeights: [number, number][] = [[1, 25], [2, 20], [3, 15], [4, 10], [5, 5], [6, 5], [7, 5], [8, 5]];
  for (let k = 9; k <= 16; k++) countWeights.push([k, 1.25]);
  const counts = Array.from({ length: regularUsers }, () => rng.weighted(countWeights));
  let total = counts.reduce((s, c) => s + c, 0);
  while (total < budget) { const i = rng.int(regularUsers); if (counts[i] < 24) { counts[i]++; total++; } }
  while (total > budget) { const i = rng.int(regularUsers); if (counts[i] > 1) { counts[i]--; total--; } }

  const roleWeights: [string, number][] = [
    [T("provider"), 30], [T("front_desk"), 20], [T("manager"), 8], [T("billing"), 8], [T("admin"), 4], [T("owner"), 1],
    [T("inventory_manager"), 4], [T("ai_assistant_handler"), 5], [T("consultant"), 2], ["custom", 18],
  ];
  const pickNode = (p: number) => (rng.chance(0.5) ? practices[p].id : rng.pick(practices[p].locations));
  for (let j = 0; j < regularUsers; j++) {
    const userIdx = firstRegular + j;
    const home = j % sizes.practices;
    const used = new Set<string>();
    for (let b = 0; b < counts[j]; b++) {
      let nodeId = "";
      for (let attempt = 0; attempt < 30; attempt++) {
        const p = b === 0 ? home : rng.chance(0.7) ? rng.pick(practicesByRegion[practices[home].region]) : rng.int(sizes.practices);
        nodeId = pickNode(p);
        if (!used.has(nodeId)) break;
      }
      while (used.has(nodeId)) nodeId = nodes[1 + sizes.regions + rng.int(nodes.length - 4 - sizes.regions)].id;
      used.add(nodeId);
      const role = rng.weighted(roleWeights);
      addBinding(userIdx, nodeId, role === "custom" ? rng.pick(roles).id : role);
    }
  }
  // Some enterprise staff also work at the standalone practice: subjects spanning two tenants.
  for (let i = 0; i < Math.min(10, regularUsers); i++) {
    addBinding(firstRegular + rng.int(regularUsers), rng.pick([solo, ...soloLocations]), rng.pick([T("provider"), T("front_desk")]));
  }
  // Guard: a user may hold only one binding per node (the unique key); the extra solo bindings may collide.
  const seen = new Set<string>();
  const unique = bindings.filter((b) => {
    const key = `${b.userIdx}|${b.nodeId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { sizes, ent, solo, nodes, practices, roles, bindings: unique, providersByPractice };
}
