/**
 * Property tests of the policy module over random worlds: several tenants (enterprise → region →
 * practice → location, standalone practices, care profiles) with random time zones, random custom
 * roles (inheriting from built-ins or from each other, with random scopes, conditions, hidden fields,
 * and now and then a malformed stored grant), random bindings (built-in and custom roles, expired,
 * adjusted, sometimes naming another tenant's role) and random records.
 *
 * (a) nothing is ever allowed on a record in a tenant where the subject has no binding;
 * (b) adding a binding never removes a permission (nor hides a field);
 * (c) explain().allowed === decide(), and an allowed explanation names a live binding the subject has;
 * (d) mask() never reveals a field whose read permission decide() denies;
 * (e) grant tables shared between subjects and compiles (issue 15) decide exactly as unshared ones.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FIELD_PERMISSIONS, PERMISSIONS, resourceOf, type Permission, type Resource } from "./catalogue";
import { allowingGrants, decide, type ResourceRef } from "./decide";
import { explain } from "./explain";
import { SCOPES } from "./grants";
import { mask } from "./mask";
import { ROLE_TEMPLATES, builtinRoleId } from "./roles";
import { compileSubject, GrantTables, type BindingRow, type RoleRow, type Subject } from "./subject";
import { buildTree, type NodeKind, type NodeRow, type TenantTree } from "./tree";
import { MODEL_FILTERS, where, type FilterableModel } from "./where";

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
const ME = "u-me";
const OTHER = "u-other";
const THIRD = "u-third";
const PEOPLE = [ME, OTHER, THIRD] as const;
const BASE_NOW = Date.parse("2025-03-04T16:30:00Z");
const DAY = 86_400_000;
const RUNS = Number(process.env.AUTHZ_PROPERTY_RUNS ?? 300);

// ---------------------------------------------------------------------------------------------
// Worlds
// ---------------------------------------------------------------------------------------------
const tzArb = fc.constantFrom("UTC", "America/Los_Angeles", "America/New_York", "Asia/Kolkata", "Pacific/Chatham");
const practiceArb = fc.record({ locations: fc.integer({ min: 0, max: 2 }), tz: tzArb });
const tenantShapeArb = fc.oneof(
  fc.record({
    kind: fc.constant("enterprise" as const),
    tz: tzArb,
    regions: fc.array(fc.record({ tz: tzArb, practices: fc.array(practiceArb, { minLength: 1, maxLength: 2 }) }), { maxLength: 2 }),
    direct: fc.array(practiceArb, { maxLength: 1 }),
  }),
  fc.record({ kind: fc.constant("practice" as const), practice: practiceArb }),
  fc.record({ kind: fc.constant("care" as const), tz: tzArb }),
);

const FIELD_NAMES = [...new Set(Object.values(FIELD_PERMISSIONS).flatMap((m) => Object.keys(m ?? {})))];
const hhmmArb = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30)).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
const conditionsArb = fc.record(
  {
    maxAmount: fc.integer({ min: 0, max: 400 }),
    timeWindow: fc
      .tuple(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }), hhmmArb, hhmmArb)
      .filter(([, a, b]) => a !== b)
      .map(([days, a, b]) => (a < b ? { days, start: a, end: b } : { days, start: b, end: a })),
    validFrom: fc.integer({ min: -20, max: 20 }).map((d) => new Date(BASE_NOW + d * DAY).toISOString()),
    validUntil: fc.integer({ min: -20, max: 20 }).map((d) => new Date(BASE_NOW + d * DAY).toISOString()),
  },
  { requiredKeys: [] },
);
/** A stored grant: usually well-formed, sometimes with conditions, hidden fields, or garbage. */
const storedGrantArb = fc.oneof(
  { weight: 12, arbitrary: fc.record({ permission: fc.constantFrom(...PERMISSIONS), scope: fc.constantFrom(...SCOPES) }) },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        permission: fc.constantFrom(...PERMISSIONS),
        scope: fc.constantFrom(...SCOPES),
        conditions: conditionsArb,
        hide: fc.subarray(FIELD_NAMES, { minLength: 1 }),
        readOnly: fc.subarray(FIELD_NAMES, { minLength: 1 }),
      },
      { requiredKeys: ["permission", "scope"] },
    ),
  },
  {
    // Field-level grants: the read and edit permissions that mask() consults, with hidden / read-only fields.
    weight: 4,
    arbitrary: fc.record(
      {
        permission: fc.constantFrom(...new Set([...Object.values(FIELD_PERMISSIONS).flatMap((m) => Object.values(m ?? {})), ...(["patients.edit", "members.edit"] as Permission[])])),
        scope: fc.constantFrom(...SCOPES),
        hide: fc.subarray(FIELD_NAMES, { minLength: 1 }),
        readOnly: fc.subarray(FIELD_NAMES, { minLength: 1 }),
      },
      { requiredKeys: ["permission", "scope"] },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ permission: "patients.read_all" }, { permission: "patients.read", scope: "galaxy" }, "patients.read", 7) },
);
const customRoleArb = fc.record({
  parent: fc.oneof(
    fc.constant(null),
    fc.constantFrom(...ROLE_TEMPLATES.map((t) => ({ builtin: t.key }))),
    fc.nat().map((i) => ({ custom: i })), // an earlier custom role of the same tenant (or, mod, any)
  ),
  grants: fc.array(storedGrantArb, { maxLength: 6 }),
  removals: fc.oneof({ weight: 9, arbitrary: fc.subarray([...PERMISSIONS], { maxLength: 8 }) }, { weight: 1, arbitrary: fc.constant<unknown>(["patients.nope"]) }),
});
const bindingArb = fc.record({
  tenant: fc.nat(),
  node: fc.nat(),
  role: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ROLE_TEMPLATES.map((t) => ({ builtin: t.key }))) },
    { weight: 3, arbitrary: fc.nat().map((i) => ({ custom: i })) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([t, i]) => ({ foreign: t, custom: i })) },
  ),
  expiresInDays: fc.option(fc.integer({ min: -10, max: 10 }), { freq: 3 }),
  adjustments: fc.option(
    fc.oneof(
      { weight: 5, arbitrary: fc.record({ add: fc.array(storedGrantArb, { maxLength: 2 }), remove: fc.subarray([...PERMISSIONS], { maxLength: 4 }) }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.constant<unknown>({ remove: "everything" }) },
    ),
    { freq: 3 },
  ),
});
const recordArb = fc.record({
  tenant: fc.nat(),
  node: fc.nat(),
  owner: fc.constantFrom<string | null>(ME, OTHER, null),
  assignees: fc.subarray([...PEOPLE]),
  amount: fc.option(fc.integer({ min: 0, max: 400 }), { freq: 4 }),
  approvedBy: fc.constantFrom<string | undefined>(ME, OTHER, undefined),
  requestedBy: fc.constantFrom<string | undefined>(ME, OTHER, undefined),
});
const worldArb = fc.record({
  tenants: fc.array(tenantShapeArb, { minLength: 2, maxLength: 4 }),
  customRoles: fc.array(fc.array(customRoleArb, { maxLength: 3 }), { minLength: 4, maxLength: 4 }),
  bindings: fc.array(bindingArb, { minLength: 1, maxLength: 5 }),
  records: fc.array(recordArb, { minLength: 1, maxLength: 6 }),
  nowOffsetMinutes: fc.integer({ min: -14 * 24 * 60, max: 14 * 24 * 60 }),
});
type WorldInput = ValueOf<typeof worldArb>;
type BindingInput = ValueOf<typeof bindingArb>;
type RecordInput = ValueOf<typeof recordArb>;

interface World {
  nodes: NodeRow[];
  trees: Map<string, TenantTree>;
  tenantNodes: string[][]; // node ids per tenant, root first
  roles: RoleRow[];
  rolesByTenant: RoleRow[][];
  now: number;
}

function buildWorld(input: WorldInput): World {
  const nodes: NodeRow[] = [];
  const tenantNodes: string[][] = [];
  input.tenants.forEach((shape, t) => {
    const ids: string[] = [];
    let counter = 0;
    const root = `t${t}`;
    const add = (parentId: string | null, kind: NodeKind, tz: string) => {
      const id = parentId === null ? root : `${root}.n${counter++}`;
      nodes.push({ id, parentId, rootId: root, kind, name: `${kind.toLowerCase()} ${id}`, timeZone: tz });
      ids.push(id);
      return id;
    };
    const practice = (parentId: string | null, p: { locations: number; tz: string }) => {
      const id = add(parentId, "PRACTICE", p.tz);
      for (let i = 0; i < p.locations; i++) add(id, "LOCATION", p.tz);
    };
    if (shape.kind === "enterprise") {
      const e = add(null, "ENTERPRISE", shape.tz);
      for (const r of shape.regions) {
        const region = add(e, "REGION", r.tz);
        for (const p of r.practices) practice(region, p);
      }
      for (const p of shape.direct) practice(e, p);
    } else if (shape.kind === "practice") practice(null, shape.practice);
    else add(null, "CARE_PROFILE", shape.tz);
    tenantNodes.push(ids);
  });
  const trees = new Map(tenantNodes.map((ids) => [ids[0], buildTree(ids[0], nodes.filter((n) => n.rootId === ids[0]))]));

  const rolesByTenant: RoleRow[][] = tenantNodes.map((ids, t) => {
    const list: RoleRow[] = [];
    input.customRoles[t % input.customRoles.length].forEach((spec, i) => {
      const parent = spec.parent;
      let parentId: string | null = null;
      if (parent && "builtin" in parent) parentId = builtinRoleId(parent.builtin);
      else if (parent && "custom" in parent && i > 0) parentId = list[parent.custom % i].id;
      list.push({ id: `role:${ids[0]}:${i}`, key: `custom_${i}`, name: `Custom ${t}.${i}`, tenantId: ids[0], parentId, grants: spec.grants, removals: spec.removals });
    });
    return list;
  });
  return {
    nodes,
    trees,
    tenantNodes,
    roles: rolesByTenant.flat(),
    rolesByTenant,
    now: BASE_NOW + input.nowOffsetMinutes * 60_000,
  };
}

function bindingRow(world: World, b: BindingInput, index: number, tenantOverride?: number): BindingRow {
  const t = tenantOverride ?? b.tenant % world.tenantNodes.length;
  const ids = world.tenantNodes[t];
  let roleId: string;
  if ("builtin" in b.role) roleId = builtinRoleId(b.role.builtin);
  else {
    const pool = "foreign" in b.role ? world.rolesByTenant[b.role.foreign % world.rolesByTenant.length] : world.rolesByTenant[t];
    roleId = pool.length ? pool[b.role.custom % pool.length].id : builtinRoleId(ROLE_TEMPLATES[b.role.custom % ROLE_TEMPLATES.length].key);
  }
  return {
    id: `binding-${index}`,
    nodeId: ids[b.node % ids.length],
    roleId,
    adjustments: b.adjustments ?? undefined,
    expiresAt: b.expiresInDays === null ? null : new Date(BASE_NOW + b.expiresInDays * DAY),
  };
}

const compile = (world: World, rows: BindingRow[]): Subject =>
  compileSubject({ userId: ME, bindings: rows, roles: new Map(world.roles.map((r) => [r.id, r])), trees: world.trees });

function recordRef(world: World, r: RecordInput, tenantOverride?: number): ResourceRef {
  const t = tenantOverride ?? r.tenant % world.tenantNodes.length;
  const ids = world.tenantNodes[t];
  return {
    nodeId: ids[r.node % ids.length],
    ownerId: r.owner,
    assigneeIds: r.assignees,
    amount: r.amount ?? undefined,
    approvedById: r.approvedBy,
    requestedById: r.requestedBy,
  };
}

const FULL_RECORDS: Partial<Record<Resource, Record<string, unknown>>> = {
  patients: {
    id: "p1", firstName: "Ada", lastName: "Lovelace", phone: "555-0100", email: "ada@example.test", address: "1 Main St",
    dateOfBirth: "1815-12-10", ssn: "123-45-6789", insuranceMemberId: "INS-1", createdAt: "2025-01-01",
  },
  members: { id: "m1", name: "Grace Hopper", email: "grace@example.test", phone: "555-0101", status: "ACTIVE", lastSignInAt: "2025-03-01" },
};
const MASKED_RESOURCES = Object.keys(FULL_RECORDS) as Resource[];
const WHERE_MODELS = Object.keys(MODEL_FILTERS) as FilterableModel[];

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------
describe("policy properties over random org trees, bindings and records", () => {
  it("(a) nothing is ever allowed on a record in a tenant where the subject has no binding", () => {
    fc.assert(
      fc.property(worldArb, fc.nat(), (input, pick) => {
        const world = buildWorld(input);
        const target = pick % world.tenantNodes.length;
        const others = world.tenantNodes.map((_, t) => t).filter((t) => t !== target);
        // Every binding lands in some other tenant; some name the target tenant's own custom roles.
        const rows = input.bindings.map((b, i) => bindingRow(world, b, i, others[b.tenant % others.length]));
        const subject = compile(world, rows);
        const targetIds = world.tenantNodes[target];

        for (const r of input.records) {
          const ref = recordRef(world, r, target);
          for (const p of PERMISSIONS) {
            if (decide(subject, p, ref, { now: world.now })) return false;
            if (explain(subject, p, ref, { now: world.now }).allowed) return false;
          }
          for (const resource of MASKED_RESOURCES) {
            const masked = mask(subject, resource, ref, FULL_RECORDS[resource]!, { now: world.now });
            if (Object.keys(masked.record).some((f) => f in FIELD_PERMISSIONS[resource]!)) return false;
          }
        }
        // The list filters never name a node (or the root) of the target tenant either.
        for (const model of WHERE_MODELS) {
          for (const p of PERMISSIONS.filter((x) => resourceOf(x) === MODEL_FILTERS[model].resource)) {
            const json = JSON.stringify(where(subject, p, model, { now: world.now }));
            if (targetIds.some((id) => json.includes(`"${id}"`))) return false;
          }
        }
        return true;
      }),
      { numRuns: RUNS },
    );
  });

  it("(b) adding a binding never removes a permission, nor hides a field", () => {
    fc.assert(
      fc.property(worldArb, bindingArb, (input, extra) => {
        const world = buildWorld(input);
        const rows = input.bindings.map((b, i) => bindingRow(world, b, i));
        const before = compile(world, rows);
        const after = compile(world, [...rows, bindingRow(world, extra, rows.length)]);
        for (const r of input.records) {
          const ref = recordRef(world, r);
          for (const p of PERMISSIONS) {
            if (decide(before, p, ref, { now: world.now }) && !decide(after, p, ref, { now: world.now })) {
              throw new Error(`${p} on ${JSON.stringify(ref)} was lost by adding a binding`);
            }
          }
          for (const resource of MASKED_RESOURCES) {
            const seenBefore = Object.keys(mask(before, resource, ref, FULL_RECORDS[resource]!, { now: world.now }).record);
            const seenAfter = new Set(Object.keys(mask(after, resource, ref, FULL_RECORDS[resource]!, { now: world.now }).record));
            expect(seenBefore.filter((f) => !seenAfter.has(f))).toEqual([]);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("(c) explain().allowed equals decide(), and an allowed explanation names a live binding that reaches the record", () => {
    fc.assert(
      fc.property(worldArb, (input) => {
        const world = buildWorld(input);
        const subject = compile(world, input.bindings.map((b, i) => bindingRow(world, b, i)));
        const byId = new Map(subject.bindings.map((b) => [b.id, b]));
        for (const r of input.records) {
          const ref = recordRef(world, r);
          const tree = world.trees.get(world.nodes.find((n) => n.id === ref.nodeId)!.rootId)!;
          const ancestors = tree.nodes.get(ref.nodeId)!.ancestors;
          for (const p of PERMISSIONS) {
            const allowed = decide(subject, p, ref, { now: world.now });
            const e = explain(subject, p, ref, { now: world.now });
            if (e.allowed !== allowed) throw new Error(`explain says ${e.allowed}, decide says ${allowed} for ${p}: ${e.reason}`);
            if (e.permission !== p || typeof e.reason !== "string" || e.reason.length === 0) throw new Error(`bad explanation for ${p}`);
            if (allowed) {
              const b = e.via && byId.get(e.via.bindingId);
              if (!b) throw new Error(`allowed ${p} names no binding of the subject: ${JSON.stringify(e.via)}`);
              expect(b.expiresAt).toBeGreaterThan(world.now);
              expect(ancestors).toContain(b.nodeId);
              expect(b.grants.has(p)).toBe(true);
              expect([e.via!.role, e.via!.node]).toEqual([b.roleName, b.nodeName]);
              expect(e.reason.startsWith(`${b.roleName} at ${b.nodeName} grants ${p}`)).toBe(true);
            } else {
              expect(e.via).toBeUndefined();
              expect(typeof e.fix).toBe("string");
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("(d) mask() never reveals a field whose read permission decide() denies (or that every grant hides), nor offers to edit without the edit permission", () => {
    fc.assert(
      fc.property(worldArb, (input) => {
        const world = buildWorld(input);
        const subject = compile(world, input.bindings.map((b, i) => bindingRow(world, b, i)));
        for (const r of input.records) {
          const ref = recordRef(world, r);
          for (const resource of MASKED_RESOURCES) {
            const full = FULL_RECORDS[resource]!;
            const fields = FIELD_PERMISSIONS[resource]!;
            const m = mask(subject, resource, ref, full, { now: world.now });
            const canEdit = decide(subject, `${resource}.edit` as Permission, ref, { now: world.now });
            for (const field of Object.keys(m.record)) {
              const readPermission = fields[field];
              if (readPermission && !decide(subject, readPermission, ref, { now: world.now })) {
                throw new Error(`${resource}.${field} shown although ${readPermission} is denied`);
              }
              if (readPermission && !canEdit && !m.readOnly.includes(field)) {
                throw new Error(`${resource}.${field} editable although ${resource}.edit is denied`);
              }
              // A field every allowing grant hides stays hidden.
              if (readPermission && allowingGrants(subject, readPermission, ref, { now: world.now }).every(({ grant }) => grant.hide?.includes(field))) {
                throw new Error(`${resource}.${field} shown although every grant of ${readPermission} hides it`);
              }
              expect(m.record[field]).toBe(full[field]);
            }
            // Every field is either shown or listed as hidden, never both.
            expect([...Object.keys(m.record), ...m.hidden].sort()).toEqual(Object.keys(full).sort());
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("(e) shared grant tables (one for all tenants, or one per tenant, reused across subjects) decide exactly as unshared ones", () => {
    fc.assert(
      fc.property(worldArb, fc.array(bindingArb, { maxLength: 4 }), (input, more) => {
        const world = buildWorld(input);
        const roles = new Map(world.roles.map((r) => [r.id, r]));
        const all = [...input.bindings, ...more].map((b, i) => bindingRow(world, b, i));
        // Several subjects of one world: everything, halves, each binding alone (so tables are reused).
        const sets = [all, all.slice(0, Math.ceil(all.length / 2)), all.slice(Math.ceil(all.length / 2)), ...all.map((b) => [b])];
        const one = new GrantTables(roles);
        const perTenant = new Map(world.tenantNodes.map((ids, t) => [ids[0], new GrantTables(new Map(world.rolesByTenant[t].map((r) => [r.id, r])))]));
        for (const tables of [one, perTenant]) {
          for (const rows of [...sets, ...sets]) {
            const unshared = compileSubject({ userId: ME, bindings: rows, roles, trees: world.trees });
            const shared = compileSubject({ userId: ME, bindings: rows, roles, trees: world.trees, grantTables: tables });
            expect(shared.warnings).toEqual(unshared.warnings);
            expect(shared.bindings.map((b) => [b.id, b.roleName, b.isOwner, [...b.grants].map(([p, gs]) => [p, gs.map((g) => g.source)])])).toEqual(
              unshared.bindings.map((b) => [b.id, b.roleName, b.isOwner, [...b.grants].map(([p, gs]) => [p, gs.map((g) => g.source)])]),
            );
            for (const r of input.records) {
              const ref = recordRef(world, r);
              for (const p of PERMISSIONS) {
                const ctx = { now: world.now };
                if (decide(shared, p, ref, ctx) !== decide(unshared, p, ref, ctx)) throw new Error(`${p} on ${JSON.stringify(ref)}: shared and unshared tables disagree`);
                if (explain(shared, p, ref, ctx).reason !== explain(unshared, p, ref, ctx).reason) throw new Error(`${p}: explanations differ`);
              }
              for (const resource of MASKED_RESOURCES) {
                expect(mask(shared, resource, ref, FULL_RECORDS[resource]!, { now: world.now })).toEqual(mask(unshared, resource, ref, FULL_RECORDS[resource]!, { now: world.now }));
              }
            }
          }
        }
      }),
      { numRuns: Math.max(50, Math.round(RUNS / 3)) },
    );
  });

  it("generates worlds that exercise both answers (guards against a vacuous property)", () => {
    let allows = 0;
    let denies = 0;
    fc.assert(
      fc.property(worldArb, (input) => {
        const world = buildWorld(input);
        const subject = compile(world, input.bindings.map((b, i) => bindingRow(world, b, i)));
        for (const r of input.records) for (const p of PERMISSIONS) (decide(subject, p, recordRef(world, r), { now: world.now }) ? allows++ : denies++);
      }),
      { numRuns: 50, seed: 42 },
    );
    expect(allows).toBeGreaterThan(100);
    expect(denies).toBeGreaterThan(100);
  });
});
