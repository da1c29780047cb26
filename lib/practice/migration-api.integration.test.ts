/**
 * The legacy-migration entry points (issue 14) through runAs, against the running practice system:
 * an owner plans and applies, a stranger gets 404, a practice's front desk 403, broken input 400,
 * and a practice system that is down 503 with nothing written.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as migrationRoute from "../../app/api/practices/[nodeId]/legacy-migration/route";
import * as rollbackRoute from "../../app/api/practices/[nodeId]/legacy-migration/rollback/route";
import { runAs, type Caller, type Spec } from "../api/handler";
import { AppError } from "../api/errors";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { spawnPracticeSystem, type RunningPracticeSystem } from "../testing/practice-system";
import { seedDemoData } from "../../prisma/seed";
import { PracticeSystemClient } from "./connector";

type AnySpec = Spec<never, unknown>;
async function call(entry: unknown, raw: unknown, caller: Caller) {
  try {
    return { ok: true as const, data: (await runAs((entry as { spec: AnySpec }).spec, raw, caller)) as any };
  } catch (err) {
    if (err instanceof AppError) return { ok: false as const, code: err.code, message: err.message, fields: err.fields };
    throw err;
  }
}

describe.each(TEST_DATABASES)("legacy migration API ($name)", (kind) => {
  let db: TestDatabase;
  let system: RunningPracticeSystem;
  let portland: string;
  const counts = async () => ({ users: await db.prisma.user.count(), bindings: await db.prisma.roleBinding.count(), runs: await db.prisma.legacyMigration.count() });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    system = await spawnPracticeSystem();
    process.env.PRACTICE_SYSTEM_URL = system.url;
    process.env.PRACTICE_SYSTEM_TOKEN = system.token;
    const client = new PracticeSystemClient(system.url, { token: system.token });
    await client.putPractice("pdx", "Portland (legacy)");
    await client.bulkLoad("pdx", [
      { userId: "a", email: "admin@pdx-legacy.test", name: "Pat Admin", flags: ["is_practice_admin"] },
      { userId: "b", email: "desk@pdx-legacy.test", name: "Desk", flags: ["can_view_schedule", "can_edit_schedule", "can_view_patients"] },
    ]);
    portland = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Portland Practice" } })).id;
  });
  afterAll(async () => {
    delete process.env.PRACTICE_SYSTEM_URL;
    delete process.env.PRACTICE_SYSTEM_TOKEN;
    await system?.stop();
    await db?.destroy();
  });

  test("outsiders 404, the practice's front desk 403, broken input 400: nothing written", async () => {
    const before = await counts();
    const jim = await callerFor(db, "jim@family.test");
    expect(await call(migrationRoute.POST, { nodeId: portland, sourcePracticeId: "pdx", mode: "apply" }, jim)).toMatchObject({ ok: false, code: "not_found" });
    // manager@ is Front Desk at Portland.
    const desk = await callerFor(db, "manager@northwind.test");
    expect(await call(migrationRoute.POST, { nodeId: portland, sourcePracticeId: "pdx", mode: "apply" }, desk)).toMatchObject({ ok: false, code: "forbidden" });
    const owner = await callerFor(db, "owner@northwind.test");
    const bad = await call(migrationRoute.POST, { nodeId: portland, sourcePracticeId: "no spaces", mode: "go" }, owner);
    expect(bad).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys(bad.fields ?? {}).sort()).toEqual(["mode", "sourcePracticeId"]);
    expect(await counts()).toEqual(before);
  });

  test("the owner plans (nothing written), applies, and rolls back", async () => {
    const owner = await callerFor(db, "owner@northwind.test");
    const before = await counts();
    const plan = await call(migrationRoute.POST, { nodeId: portland, sourcePracticeId: "pdx", mode: "plan" }, owner);
    expect(plan).toMatchObject({ ok: true, data: { plan: { summary: { people: 2, blocking: 0 } } } });
    expect(await counts()).toEqual(before);
    const applied = await call(migrationRoute.POST, { nodeId: portland, sourcePracticeId: "pdx", mode: "apply" }, owner);
    expect(applied.ok).toBe(true);
    expect(await counts()).toEqual({ users: before.users + 2, bindings: before.bindings + 2, runs: before.runs + 1 });
    expect(await call(rollbackRoute.POST, { nodeId: portland, migrationId: applied.data.migrationId }, owner)).toMatchObject({ ok: true, data: { bindings: 2, accounts: 2 } });
    expect((await counts()).bindings).toBe(before.bindings);
  });

  test("the practice system down: 503, nothing written", async () => {
    const owner = await callerFor(db, "owner@northwind.test");
    process.env.PRACTICE_SYSTEM_URL = "http://127.0.0.1:9";
    const before = await counts();
    expect(await call(migrationRoute.POST, { nodeId: portland, sourcePracticeId: "pdx", mode: "apply" }, owner)).toMatchObject({ ok: false, code: "unavailable" });
    expect(await counts()).toEqual(before);
    process.env.PRACTICE_SYSTEM_URL = system.url;
  });
});
