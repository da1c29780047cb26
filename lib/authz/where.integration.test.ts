/**
 * The policy module against a real database (PGlite always; PostgreSQL too when TEST_DATABASE_URL
 * is set):
 * - where() selects in SQL exactly the rows decide() allows, for random trees, bindings (built-in
 *   and custom roles, node/own/assigned/subtree scopes, amount and time conditions, expiry),
 *   patients with primary providers and PatientAssignment rows, clinical notes and appointments;
 *   its reach (whereWithReach) holds every row it selects, and the patients list's filter at each
 *   place (visiblePatientsWhere, both its plan shapes: node list alone, or with the tenant) selects
 *   exactly where()'s rows at that place;
 * - SubjectLoader never serves a stale allow after a revoke committed with bumpAuthzVersion(), and
 *   serves its cache when nothing changed.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../db/generated/client";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { createNode } from "../orgs/nodes";
import { syncBuiltinRoles } from "../roles/builtin";
import { PERMISSIONS, resourceOf, type Permission } from "./catalogue";
import { decide } from "./decide";
import { SCOPES } from "./grants";
import { SubjectLoader, bumpAuthzVersion } from "./load";
import { builtinRoleId } from "./roles";
import { subtreeIds } from "./tree";
import { MODEL_FILTERS, RESOURCE_INCLUDE, resourceOfRow, where, whereWithReach } from "./where";
import { visiblePatientsWhere } from "../patients/patients";

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
// The clinical models; the care-team ones have their own proof in lib/care/care.integration.test.ts.
type ClinicalModel = keyof typeof RESOURCE_INCLUDE;
const MODELS = Object.keys(RESOURCE_INCLUDE) as ClinicalModel[];
const PERMISSIONS_OF: Record<ClinicalModel, Permission[]> = Object.fromEntries(
  MODELS.map((m) => [m, PERMISSIONS.filter((p) => resourceOf(p) === MODEL_FILTERS[m].resource)]),
) as Record<ClinicalModel, Permission[]>;
const FILTERED_PERMISSIONS = MODELS.flatMap((m) => PERMISSIONS_OF[m]);
const CLINIC_ROLES = ["owner", "admin", "manager", "provider", "front_desk", "billing", "ai_assistant_handler", "consultant"];
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Random worlds, kept small: 1–2 clinic tenants, a handful of patients, notes and appointments.
// ---------------------------------------------------------------------------------------------
const practiceArb = fc.integer({ min: 0, max: 2 }); // number of locations
const tenantArb = fc.oneof(
  fc.record({ kind: fc.constant("enterprise" as const), practices: fc.array(practiceArb, { minLength: 1, maxLength: 2 }), tz: fc.constantFrom("UTC", "America/Los_Angeles") }),
  fc.record({ kind: fc.constant("practice" as const), locations: practiceArb, tz: fc.constantFrom("UTC", "Asia/Tokyo") }),
);
const grantArb = fc.record(
  {
    permission: fc.constantFrom(...FILTERED_PERMISSIONS),
    scope: fc.constantFrom(...SCOPES),
    conditions: fc.oneof(
      fc.record({ maxAmount: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ timeWindow: fc.record({ days: fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 }), start: fc.constantFrom("00:00", "08:00", "12:00"), end: fc.constantFrom("13:00", "18:00", "23:59") }) }),
      fc.integer({ min: -3, max: 3 }).map((d) => ({ validUntil: new Date(Date.now() + d * DAY).toISOString() })),
    ),
  },
  { requiredKeys: ["permission", "scope"] },
);
const worldArb = fc.record({
  tenants: fc.array(tenantArb, { minLength: 1, maxLength: 2 }),
  customRoles: fc.array(fc.record({ tenant: fc.nat(), parent: fc.option(fc.constantFrom(...CLINIC_ROLES)), grants: fc.array(grantArb, { maxLength: 4 }), removals: fc.subarray(FILTERED_PERMISSIONS, { maxLength: 4 }) }), { maxLength: 2 }),
  bindings: fc.array(
    fc.record({
      tenant: fc.nat(),
      node: fc.nat(),
      role: fc.oneof(fc.constantFrom(...CLINIC_ROLES).map((k) => ({ builtin: k })), fc.nat().map((i) => ({ custom: i }))),
      expiresInDays: fc.option(fc.integer({ min: -2, max: 2 }), { freq: 3 }),
      adjustments: fc.option(fc.record({ add: fc.array(grantArb, { maxLength: 2 }), remove: fc.subarray(FILTERED_PERMISSIONS, { maxLength: 3 }) }), { freq: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  patients: fc.array(
    fc.record({ tenant: fc.nat(), node: fc.nat(), primary: fc.constantFrom(0, 1, null), shared: fc.subarray([0, 1, 2]) }),
    { minLength: 1, maxLength: 6 },
  ),
  notes: fc.array(fc.record({ patient: fc.nat(), node: fc.option(fc.nat()), author: fc.constantFrom(0, 1) }), { maxLength: 5 }),
  appointments: fc.array(fc.record({ patient: fc.nat(), node: fc.option(fc.nat()), provider: fc.constantFrom(0, 1) }), { maxLength: 5 }),
});
type WorldInput = ValueOf<typeof worldArb>;

/** Writes one random world with fresh ids; returns the acting user's id. Earlier worlds stay in the database. */
async function materialize(prisma: PrismaClient, w: WorldInput): Promise<string> {
  const users = [randomUUID(), randomUUID(), randomUUID()]; // [me, another provider, a third person]
  await prisma.user.createMany({ data: users.map((id, i) => ({ id, email: `${id}@example.test`, name: `User ${i}` })) });

  const tenants: { root: string; nodes: string[] }[] = [];
  for (const [t, shape] of w.tenants.entries()) {
    const nodes: string[] = [];
    const practice = async (parentId: string | null, locations: number, name: string) => {
      const p = await createNode(prisma, { kind: "PRACTICE", name, parentId, timeZone: shape.tz });
      nodes.push(p.id);
      for (let i = 0; i < locations; i++) nodes.push((await createNode(prisma, { kind: "LOCATION", name: `${name} location ${i}`, parentId: p.id })).id);
      return p;
    };
    if (shape.kind === "enterprise") {
      const e = await createNode(prisma, { kind: "ENTERPRISE", name: `Enterprise ${t}`, timeZone: shape.tz });
      nodes.push(e.id);
      const region = await createNode(prisma, { kind: "REGION", name: `Region ${t}`, parentId: e.id });
      nodes.push(region.id);
      for (const [i, locations] of shape.practices.entries()) await practice(region.id, locations, `Practice ${t}.${i}`);
      tenants.push({ root: e.id, nodes });
    } else {
      const p = await practice(null, shape.locations, `Practice ${t}`);
      tenants.push({ root: p.id, nodes });
    }
  }
  const tenantOf = (i: number) => tenants[i % tenants.length];
  const nodeOf = (t: { nodes: string[] }, i: number) => t.nodes[i % t.nodes.length];

  const customIds = w.customRoles.map(() => `custom:${randomUUID()}`);
  if (w.customRoles.length) {
    await prisma.role.createMany({
      data: w.customRoles.map((r, i) => ({
        id: customIds[i], key: `custom_${i}`, name: `Custom ${i}`, family: "clinic", tenantId: tenantOf(r.tenant).root,
        parentId: r.parent ? builtinRoleId(r.parent) : null, grants: r.grants, removals: r.removals,
      })),
    });
  }
  const bound = new Set<string>();
  const bindings = w.bindings.flatMap((b) => {
    const t = tenantOf(b.tenant);
    const nodeId = nodeOf(t, b.node);
    if (bound.has(nodeId)) return []; // one binding per person and node
    bound.add(nodeId);
    // A custom role of the binding's own tenant when there is one (other tenants' roles are covered by the pure properties).
    const local = customIds.filter((_, i) => tenantOf(w.customRoles[i].tenant).root === t.root);
    const roleId = "builtin" in b.role || local.length === 0 ? builtinRoleId("builtin" in b.role ? b.role.builtin : "provider") : local[b.role.custom % local.length];
    return [{
      userId: users[0], nodeId, roleId, adjustments: b.adjustments ?? {},
      expiresAt: b.expiresInDays === null ? null : new Date(Date.now() + b.expiresInDays * DAY),
    }];
  });
  await prisma.roleBinding.createMany({ data: bindings });

  const patients = w.patients.map((p) => {
    const t = tenantOf(p.tenant);
    return { id: randomUUID(), tenantId: t.root, nodeId: nodeOf(t, p.node), firstName: "Pat", lastName: "Ient", primaryProviderId: p.primary === null ? null : users[p.primary], shared: p.shared, tenant: t };
  });
  await prisma.patient.createMany({ data: patients.map(({ shared: _s, tenant: _t, ...row }) => row) });
  await prisma.patientAssignment.createMany({ data: patients.flatMap((p) => p.shared.map((u) => ({ patientId: p.id, userId: users[u] }))) });
  const placeOnPatient = (x: { patient: number; node: number | null }) => {
    const p = patients[x.patient % patients.length];
    return { patientId: p.id, nodeId: x.node === null ? p.nodeId : nodeOf(p.tenant, x.node) };
  };
  await prisma.clinicalNote.createMany({ data: w.notes.map((n) => ({ ...placeOnPatient(n), authorId: users[n.author], body: "note" })) });
  await prisma.appointment.createMany({ data: w.appointments.map((a) => ({ ...placeOnPatient(a), providerId: users[a.provider], startsAt: new Date() })) });
  return users[0];
}

async function rowsOf(prisma: PrismaClient, model: ClinicalModel, whereClause?: unknown) {
  const delegate = prisma[model] as unknown as { findMany(args: unknown): Promise<Record<string, unknown>[]> };
  return delegate.findMany({ where: whereClause, include: RESOURCE_INCLUDE[model] });
}

describe.each(TEST_DATABASES)("policy on $name", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await syncBuiltinRoles(db.prisma);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it("where() selects exactly the rows decide() allows, for patients, clinical notes and appointments", async () => {
    let selected = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const me = await materialize(db.prisma, w);
        const subject = await new SubjectLoader(db.prisma).load(me);
        const now = Date.now();
        for (const model of MODELS) {
          // Every row in the database, including earlier runs' tenants, where the subject has no role.
          const all = await rowsOf(db.prisma, model);
          for (const permission of PERMISSIONS_OF[model]) {
            const got = (await rowsOf(db.prisma, model, where(subject, permission, model, { now }))).map((r) => r.id as string).sort();
            const expected = all.filter((row) => decide(subject, permission, resourceOfRow(model, row as never), { now })).map((r) => r.id as string).sort();
            expect({ model, permission, rows: got }).toEqual({ model, permission, rows: expected });
            // The reach holds every selected row: a tenant it selects whole, or a node it names.
            const { reach } = whereWithReach(subject, permission, model, { now });
            const outside = all.filter((r) => got.includes(r.id as string) && !reach.nodes.has(r.nodeId as string) && !reach.tenants.has(r.tenantId as string));
            expect({ model, permission, outside }).toEqual({ model, permission, outside: [] });
            selected += got.length;
            total += all.length;
          }
        }
      }),
      // A failing run shrinks against the database; the time limit turns a runaway shrink into a failure, not a timeout.
      { numRuns: 25, ...(process.env.AUTHZ_PROPERTY_SEED ? { seed: Number(process.env.AUTHZ_PROPERTY_SEED) } : {}), interruptAfterTimeLimit: 45_000, markInterruptAsFailure: true },
    );
    // Not vacuous: some rows were selected and many were not.
    expect(selected).toBeGreaterThan(0);
    expect(total - selected).toBeGreaterThan(selected);
  }, 90_000);

  it("visiblePatientsWhere at every place selects where()'s rows at that place, with the node list alone or with the tenant", async () => {
    let selected = 0;
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const me = await materialize(db.prisma, w);
        const subject = await new SubjectLoader(db.prisma).load(me);
        const now = Date.now();
        const all = await rowsOf(db.prisma, "patient");
        const allowed = new Set(all.filter((row) => decide(subject, "patients.read_contact", resourceOfRow("patient", row as never), { now })).map((r) => r.id as string));
        for (const tree of subject.trees) {
          for (const nodeId of tree.nodes.keys()) {
            const place = subtreeIds(tree, nodeId);
            const expected = all.filter((r) => allowed.has(r.id as string) && place.includes(r.nodeId as string)).map((r) => r.id as string).sort();
            // smallReachShare 1: every reach below the tenant is "small" (node list, maybe no place at all); 0: never.
            for (const smallReachShare of [0, 1]) {
              for (const forCount of [false, true]) {
                const got = (await rowsOf(db.prisma, "patient", visiblePatientsWhere(subject, nodeId, undefined, { ctx: { now }, smallReachShare, forCount }))).map((r) => r.id as string).sort();
                expect({ nodeId, smallReachShare, forCount, rows: got }).toEqual({ nodeId, smallReachShare, forCount, rows: expected });
                selected += got.length;
              }
            }
          }
        }
      }),
      { numRuns: 15, ...(process.env.AUTHZ_PROPERTY_SEED ? { seed: Number(process.env.AUTHZ_PROPERTY_SEED) } : {}), interruptAfterTimeLimit: 45_000, markInterruptAsFailure: true },
    );
    expect(selected).toBeGreaterThan(0);
  }, 90_000);

  it("SubjectLoader: after a binding is deleted and bumpAuthzVersion() runs in the same transaction, the next load() denies", async () => {
    const prisma = db.prisma;
    const me = randomUUID();
    await prisma.user.create({ data: { id: me, email: `${me}@example.test`, name: "Revoked" } });
    // Tenant A: the person keeps another role there, so only the version bump tells the cache.
    const a = await createNode(prisma, { kind: "PRACTICE", name: "Practice A" });
    const aLoc = await createNode(prisma, { kind: "LOCATION", name: "A location", parentId: a.id });
    await prisma.roleBinding.create({ data: { userId: me, nodeId: aLoc.id, roleId: builtinRoleId("front_desk") } });
    // Tenant B: the revoked binding is the person's only one there.
    const b = await createNode(prisma, { kind: "PRACTICE", name: "Practice B" });

    const writer = new SubjectLoader(prisma); // another app instance, also caching
    const reader = new SubjectLoader(prisma);
    const patientsRead = async (nodeId: string) => decide(await reader.load(me), "patients.read", { nodeId, ownerId: null });
    let allowedBefore = 0;
    let staleAllows = 0;
    const PAIRS = 200;
    for (let i = 0; i < PAIRS; i++) {
      const tenant = i % 2 === 0 ? a : b;
      const binding = await prisma.$transaction(async (tx) => {
        const created = await tx.roleBinding.create({ data: { userId: me, nodeId: tenant.id, roleId: builtinRoleId("manager") } });
        await bumpAuthzVersion(tx, tenant.rootId);
        return created;
      });
      await writer.load(me);
      if (await patientsRead(tenant.id)) allowedBefore++;
      if (await patientsRead(tenant.id)) allowedBefore++; // the second read is a cache hit
      await prisma.$transaction(async (tx) => {
        await tx.roleBinding.delete({ where: { id: binding.id } });
        await bumpAuthzVersion(tx, tenant.rootId);
      });
      if (await patientsRead(tenant.id)) staleAllows++;
    }
    expect(allowedBefore).toBe(2 * PAIRS);
    expect(staleAllows).toBe(0);
    expect(reader.stats.hits).toBeGreaterThanOrEqual(PAIRS);
    // The role the person kept still works.
    expect(decide(await reader.load(me), "appointments.check_in", { nodeId: aLoc.id })).toBe(true);
  });

  it("SubjectLoader serves the cached subject while nothing changed, and recompiles when the tenant changes", async () => {
    const prisma = db.prisma;
    const me = randomUUID();
    await prisma.user.create({ data: { id: me, email: `${me}@example.test`, name: "Cached" } });
    const practice = await createNode(prisma, { kind: "PRACTICE", name: "Cache Practice" });
    const elsewhere = await createNode(prisma, { kind: "PRACTICE", name: "Unrelated Practice" });
    await prisma.roleBinding.create({ data: { userId: me, nodeId: practice.id, roleId: builtinRoleId("manager") } });
    const loader = new SubjectLoader(prisma);

    const first = await loader.load(me);
    expect(loader.stats).toEqual({ hits: 0, compiles: 1, treeLoads: 1, roleLoads: 1 });
    const second = await loader.load(me);
    expect(second).toBe(first);
    expect(loader.stats).toEqual({ hits: 1, compiles: 1, treeLoads: 1, roleLoads: 1 });

    // A change in a tenant the person has no role in leaves the cache valid.
    await bumpAuthzVersion(prisma, elsewhere.rootId);
    expect(await loader.load(me)).toBe(first);
    expect(loader.stats.hits).toBe(2);

    // A role change in their tenant recompiles, but the tree snapshot and the tenant's roles are reused.
    await prisma.$transaction(async (tx) => {
      await tx.roleBinding.updateMany({ where: { userId: me, nodeId: practice.id }, data: { roleId: builtinRoleId("front_desk") } });
      await bumpAuthzVersion(tx, practice.rootId);
    });
    const third = await loader.load(me);
    expect(third).not.toBe(first);
    expect(loader.stats).toEqual({ hits: 2, compiles: 2, treeLoads: 1, roleLoads: 1 });
    expect(decide(third, "patients.read", { nodeId: practice.id })).toBe(false);
    expect(decide(third, "patients.read_contact", { nodeId: practice.id })).toBe(true);

    // A new location (createNode bumps the tree version) reloads the tree, and the role reaches it.
    const location = await createNode(prisma, { kind: "LOCATION", name: "New location", parentId: practice.id });
    const fourth = await loader.load(me);
    expect(loader.stats).toEqual({ hits: 2, compiles: 3, treeLoads: 2, roleLoads: 1 });
    expect(decide(fourth, "appointments.check_in", { nodeId: location.id })).toBe(true);
  });
});
