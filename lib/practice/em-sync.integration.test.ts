/**
 * EM Sync, pull side (issue 14), against the running practice system (its own process; PGlite on a
 * directory so it survives a restart, or its own PostgreSQL schema): a role change made in the
 * practice system appears in decide(); pulling again changes nothing; the peer stopped mid-sync and
 * restarted loses and doubles nothing; OFF stops the flow and keeps everything migrated.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decide } from "../authz";
import { SubjectLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { spawnPracticeSystem, type RunningPracticeSystem } from "../testing/practice-system";
import { seedDemoData } from "../../prisma/seed";
import { PracticeSystemClient } from "./connector";
import { pullOnce, setEmSync } from "./em-sync";
import { applyMigration } from "./migration";

describe.each(TEST_DATABASES)("EM Sync ($name)", (kind) => {
  let db: TestDatabase;
  let system: RunningPracticeSystem;
  let client: PracticeSystemClient;
  let portland: string, ownerId: string;
  const dataDir = kind.url ? undefined : mkdtempSync(path.join(tmpdir(), "em-sync-"));
  const schema = `practice_sync_${process.pid}`;
  const start = async () => {
    system = await spawnPracticeSystem({ dataDir, databaseUrl: kind.url, schema, token: "sync-token" });
    client = new PracticeSystemClient(system.url, { token: "sync-token", timeoutMs: 30_000 });
  };
  const desk = { email: "desk@pdx-sync.test", name: "Desk" };
  const can = async (email: string, permission: "appointments.edit" | "payments.process" | "patients.read") => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email } });
    return decide(await new SubjectLoader(db.prisma).load(user.id), permission, { nodeId: portland });
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    await start();
    portland = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Portland Practice" } })).id;
    ownerId = (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@northwind.test" } })).id;
    await client.putPractice("pdx", "Portland (legacy)");
    await client.bulkLoad("pdx", [
      { userId: "a", email: "admin@pdx-sync.test", name: "Admin", flags: ["is_practice_admin"] },
      { userId: "d", ...desk, flags: ["can_view_schedule", "can_edit_schedule"] },
    ]);
    await db.prisma.$transaction((tx) => applyMigration(tx, client, { userId: ownerId, ip: null }, { nodeId: portland, sourcePracticeId: "pdx" }), { timeout: 60_000 });
  });
  afterAll(async () => {
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (kind.url) await db?.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.destroy();
  });

  test("ON: a change in the practice system appears in CareAccess; pulling again changes nothing", async () => {
    expect(await pullOnce(db.prisma, client, portland)).toEqual({ status: "off" });
    await db.prisma.$transaction((tx) => setEmSync(tx, { userId: ownerId, ip: null }, { nodeId: portland, sourcePracticeId: "pdx", enabled: true }));
    expect(await pullOnce(db.prisma, client, portland)).toMatchObject({ status: "ok" });
    expect(await can(desk.email, "payments.process")).toBe(false);
    await client.putUser("pdx", "d", { ...desk, flags: ["can_view_schedule", "can_edit_schedule", "can_process_payments"] });
    expect(await pullOnce(db.prisma, client, portland)).toMatchObject({ status: "ok", applied: 1 });
    expect(await can(desk.email, "payments.process")).toBe(true);
    expect(await can(desk.email, "appointments.edit")).toBe(true);
    const bindings = await db.prisma.roleBinding.findMany({ where: { nodeId: portland }, orderBy: { id: "asc" } });
    expect(await pullOnce(db.prisma, client, portland)).toMatchObject({ status: "ok", applied: 0 });
    expect(await db.prisma.roleBinding.findMany({ where: { nodeId: portland }, orderBy: { id: "asc" } })).toEqual(bindings);
  });

  test("the practice system stopped mid-sync and restarted: nothing lost, nothing doubled, applied in order", async () => {
    await client.putUser("pdx", "d", { ...desk, flags: ["can_view_patients"] });
    await client.putUser("pdx", "d", { ...desk, flags: ["can_view_patients", "can_process_payments"] });
    const cursorBefore = (await db.prisma.emSyncState.findUniqueOrThrow({ where: { nodeId: portland } })).cursor;
    await system.stop();
    const down = await pullOnce(db.prisma, client, portland);
    expect(down).toMatchObject({ status: "error" });
    const state = await db.prisma.emSyncState.findUniqueOrThrow({ where: { nodeId: portland } });
    expect(state.cursor).toBe(cursorBefore);
    expect(state.lastError).toContain("did not answer");
    await start();
    expect(await pullOnce(db.prisma, client, portland)).toMatchObject({ status: "ok", applied: 2 });
    // The later change won: patients and payments, no schedule editing.
    expect(await can(desk.email, "patients.read")).toBe(true);
    expect(await can(desk.email, "payments.process")).toBe(true);
    expect(await can(desk.email, "appointments.edit")).toBe(false);
    expect((await db.prisma.emSyncState.findUniqueOrThrow({ where: { nodeId: portland } })).lastError).toBeNull();
    expect(await db.prisma.roleBinding.count({ where: { nodeId: portland, user: { email: desk.email } } })).toBe(1);
  });

  test("OFF: changes stop flowing, migrated people stay", async () => {
    await db.prisma.$transaction((tx) => setEmSync(tx, { userId: ownerId, ip: null }, { nodeId: portland, sourcePracticeId: "pdx", enabled: false }));
    await client.putUser("pdx", "d", { ...desk, flags: [] });
    expect(await pullOnce(db.prisma, client, portland)).toEqual({ status: "off" });
    expect(await can(desk.email, "payments.process")).toBe(true);
    expect(await db.prisma.legacyLink.count({ where: { nodeId: portland } })).toBe(2);
    expect(await db.prisma.auditEvent.count({ where: { action: { in: ["em_sync.enabled", "em_sync.disabled", "em_sync.pulled"] }, targetId: portland } })).toBeGreaterThanOrEqual(4);
  });
});
