/**
 * Legacy migration against the running practice system (its own process and database), on PGlite
 * and PostgreSQL: preflight finds every kind of problem, the dry run writes nothing, apply runs in
 * one transaction, rollback works inside its window only, and the differential check: for every
 * migrated person and every legacy flag, the old system's own answer (over HTTP) equals decide().
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PERMISSIONS, decide } from "../authz";
import { SubjectLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { spawnPracticeSystem, type RunningPracticeSystem } from "../testing/practice-system";
import { seedDemoData } from "../../prisma/seed";
import { PracticeSystemClient } from "./connector";
import { KNOWN_LEGACY_FLAGS, applyMigration, careAccessAllows, planMigration, rollbackMigration, targetPermissions } from "./migration";

/** Every combination of the ten legacy flags: 1,024 people. */
const COMBOS = Array.from({ length: 1 << KNOWN_LEGACY_FLAGS.length }, (_, i) => KNOWN_LEGACY_FLAGS.filter((_, b) => i & (1 << b)));

describe.each(TEST_DATABASES)("legacy migration ($name)", (kind) => {
  let db: TestDatabase;
  let system: RunningPracticeSystem;
  let client: PracticeSystemClient;
  let portland: string, seattle: string, ownerId: string;
  const actor = () => ({ userId: ownerId, ip: null });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    system = await spawnPracticeSystem({ databaseUrl: kind.url, schema: `practice_mig_${process.pid}` });
    client = new PracticeSystemClient(system.url, { token: system.token, timeoutMs: 60_000 });
    const nodes = new Map((await db.prisma.orgNode.findMany({ select: { id: true, name: true } })).map((n) => [n.name, n.id]));
    [portland, seattle] = [nodes.get("Portland Practice")!, nodes.get("Seattle Practice")!];
    ownerId = (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@northwind.test" } })).id;
    await client.putPractice("portland", "Portland (legacy)");
    const people = COMBOS.map((flags, i) => ({ userId: `p${i}`, email: `person${i}@portland-legacy.test`, name: `Person ${i}`, flags }));
    for (let i = 0; i < people.length; i += 256) await client.bulkLoad("portland", people.slice(i, i + 256));
    await client.putPractice("messy", "Messy (legacy)");
    await client.bulkLoad("messy", [
      { userId: "m1", email: "not-an-email", name: "No Email", flags: ["can_view_patients"] },
      { userId: "m2", email: "twin@messy.test", name: "Twin A", flags: [] },
      { userId: "m3", email: "TWIN@messy.test", name: "Twin B", flags: [] },
      { userId: "m4", email: "person5@portland-legacy.test", name: "Also in Portland", flags: ["can_view_schedule", "can_teleport"] },
      { userId: "m5", email: "owner@lakeside.test", name: "Lakeside owner", flags: ["can_view_schedule"] },
    ]);
  });
  afterAll(async () => {
    await system?.stop();
    if (kind.url) await db?.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS practice_mig_${process.pid} CASCADE`);
    await db?.destroy();
  });

  test("preflight names every problem; the dry run writes nothing", async () => {
    const before = { users: await db.prisma.user.count(), bindings: await db.prisma.roleBinding.count() };
    const plan = await planMigration(db.prisma, client, { nodeId: seattle, sourcePracticeId: "messy" });
    const kinds = (k: string) => plan.issues.filter((i) => i.kind === k).map((i) => i.userId ?? null);
    expect(kinds("invalid_email")).toEqual(["m1"]);
    expect(kinds("duplicate_email")).toEqual(["m2", "m3"]);
    expect(kinds("unknown_flag")).toEqual(["m4"]);
    expect(kinds("several_practices")).toEqual(["m4"]);
    expect(kinds("existing_account")).toEqual(["m5"]);
    expect(kinds("no_admin")).toEqual([null]);
    expect(plan.summary).toMatchObject({ people: 5, skipped: 4, blocking: 3 });
    expect({ users: await db.prisma.user.count(), bindings: await db.prisma.roleBinding.count() }).toEqual(before);
    // Apply refuses while something blocks.
    await expect(db.prisma.$transaction((tx) => applyMigration(tx, client, actor(), { nodeId: seattle, sourcePracticeId: "messy" }))).rejects.toMatchObject({ code: "conflict" });
    expect({ users: await db.prisma.user.count(), bindings: await db.prisma.roleBinding.count() }).toEqual(before);
  });

  test("1,024 people, every flag combination: the old system's answer equals decide() for every flag, and nobody gains a permission", async () => {
    const plan = await planMigration(db.prisma, client, { nodeId: portland, sourcePracticeId: "portland" });
    expect(plan.summary).toMatchObject({ people: COMBOS.length, skipped: 0, blocking: 0 });
    expect(plan.issues.filter((i) => i.kind === "no_exact_role").length).toBe(plan.summary.adjusted);
    const t0 = performance.now();
    const applied = await db.prisma.$transaction((tx) => applyMigration(tx, client, actor(), { nodeId: portland, sourcePracticeId: "portland" }), { timeout: 300_000 });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`[${kind.name}] migrated ${COMBOS.length} people in ${seconds.toFixed(1)} s (${Math.round(COMBOS.length / seconds)} people/s)`);
    expect(await db.prisma.legacyLink.count({ where: { migrationId: applied.migrationId } })).toBe(COMBOS.length);

    const loader = new SubjectLoader(db.prisma);
    const links = await db.prisma.legacyLink.findMany({ where: { migrationId: applied.migrationId } });
    let checks = 0;
    const mismatches: string[] = [];
    for (const link of links) {
      const subject = await loader.load(link.userId);
      for (const flag of [...KNOWN_LEGACY_FLAGS, "can_teleport"]) {
        checks++;
        // The old system's own answer, over HTTP, for a sample; its rule otherwise (same code path checked below).
        const old = checks % 25 === 0 ? await client.can("portland", link.legacyUserId, flag) : link.legacyFlags.includes(flag) || (link.legacyFlags.includes("is_practice_admin") && KNOWN_LEGACY_FLAGS.includes(flag));
        if (old !== careAccessAllows(subject, portland, flag)) mismatches.push(`${link.legacyUserId} ${flag}`);
      }
      // No gain, no loss: exactly the target permissions at the practice.
      const held = PERMISSIONS.filter((p) => decide(subject, p, { nodeId: portland })).sort();
      if (held.join() !== [...targetPermissions(link.legacyFlags)].sort().join()) mismatches.push(`${link.legacyUserId} holds ${held.join(",")}`);
    }
    expect(checks).toBe(COMBOS.length * 11);
    expect(mismatches).toEqual([]);
    expect(await db.prisma.auditEvent.count({ where: { action: "legacy_migration.applied", targetId: portland } })).toBe(1);
  });

  test("every old answer over HTTP for a few people equals decide()", async () => {
    const loader = new SubjectLoader(db.prisma);
    for (const i of [0, 1, 511, 512, 1023, 300]) {
      const link = await db.prisma.legacyLink.findUniqueOrThrow({ where: { nodeId_legacyUserId: { nodeId: portland, legacyUserId: `p${i}` } } });
      const subject = await loader.load(link.userId);
      for (const flag of KNOWN_LEGACY_FLAGS) expect(careAccessAllows(subject, portland, flag), `p${i} ${flag}`).toBe(await client.can("portland", `p${i}`, flag));
    }
  });

  test("rollback inside the window removes what was migrated; after the window it is refused", async () => {
    const m = await db.prisma.legacyMigration.findFirstOrThrow({ where: { nodeId: portland } });
    const late = new Date(m.rollbackUntil.getTime() + 1);
    await expect(db.prisma.$transaction((tx) => rollbackMigration(tx, actor(), { nodeId: portland, migrationId: m.id }, late))).rejects.toMatchObject({ code: "conflict" });
    const done = await db.prisma.$transaction((tx) => rollbackMigration(tx, actor(), { nodeId: portland, migrationId: m.id }), { timeout: 120_000 });
    expect(done).toEqual({ bindings: COMBOS.length, accounts: COMBOS.length });
    expect(await db.prisma.user.count({ where: { email: { endsWith: "@portland-legacy.test" } } })).toBe(0);
    expect(await db.prisma.legacyLink.count({ where: { nodeId: portland } })).toBe(0);
    await expect(db.prisma.$transaction((tx) => rollbackMigration(tx, actor(), { nodeId: portland, migrationId: m.id }))).rejects.toMatchObject({ code: "conflict" });
  });
});
