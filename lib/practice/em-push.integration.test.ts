/**
 * EM Sync both ways (issue 14) through the real entry points, against the running practice system
 * (its own process; PGlite on a directory so it survives a restart, or its own PostgreSQL schema):
 * the toggle migrates first; a role changed on either side shows on the other; the peer stopped
 * mid-sync and restarted loses and doubles nothing; the later change wins a conflict (recorded);
 * OFF keeps everything and stops both directions; strangers 404, a practice's manager 403, bad input 400.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as emSyncRoute from "../../app/api/practices/[nodeId]/em-sync/route";
import * as retryRoute from "../../app/api/practices/[nodeId]/em-sync/retry/route";
import * as usersActions from "../members/actions";
import { builtinRoleId } from "../authz";
import { SubjectLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry, callerFor, useDatabase } from "../testing/callers";
import { spawnPracticeSystem, type RunningPracticeSystem } from "../testing/practice-system";
import { seedDemoData } from "../../prisma/seed";
import { PracticeSystemClient } from "./connector";
import { CARE_ORIGIN, deliverOnce, syncRound } from "./em-push";
import { KNOWN_LEGACY_FLAGS, careAccessAllows } from "./migration";

describe.each(TEST_DATABASES)("EM Sync push and toggle ($name)", (kind) => {
  let db: TestDatabase;
  let system: RunningPracticeSystem;
  let client: PracticeSystemClient;
  let portland: string, seattle: string;
  const dataDir = kind.url ? undefined : mkdtempSync(path.join(tmpdir(), "em-push-"));
  const schema = `practice_push_${process.pid}`;
  const start = async () => {
    system = await spawnPracticeSystem({ dataDir, databaseUrl: kind.url, schema, token: "push-token" });
    client = new PracticeSystemClient(system.url, { token: "push-token", timeoutMs: 30_000 });
    process.env.PRACTICE_SYSTEM_URL = system.url;
    process.env.PRACTICE_SYSTEM_TOKEN = "push-token";
  };
  const desk = { email: "desk@pdx-push.test", name: "Dee Desk" };
  const userId = async (email: string) => (await db.prisma.user.findUniqueOrThrow({ where: { email } })).id;
  const owner = () => callerFor(db, "owner@northwind.test");
  const setRole = async (email: string, roleKey: string | null) =>
    callEntry(usersActions.changeRoles, { nodeId: portland, userId: await userId(email), assignments: [{ nodeId: portland, roleId: roleKey && builtinRoleId(roleKey) }] }, await owner());
  /** Every legacy flag: the old system's answer, and decide()'s, for the person. */
  const answers = async (legacyId: string, email: string) => {
    const subject = await new SubjectLoader(db.prisma).load(await userId(email));
    const legacy: Record<string, boolean> = {};
    const ours: Record<string, boolean> = {};
    for (const f of KNOWN_LEGACY_FLAGS) {
      legacy[f] = await client.can("pdx", legacyId, f);
      ours[f] = careAccessAllows(subject, portland, f);
    }
    return { legacy, ours };
  };
  const feedFor = async (legacyId: string) => {
    const all = [];
    for (let after = 0; ; ) {
      const page = await client.changes(after, 1000);
      all.push(...page.changes.filter((c) => c.practiceId === "pdx" && c.userId === legacyId));
      if (!page.changes.length) break;
      after = page.cursor;
    }
    return all;
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    await start();
    portland = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Portland Practice" } })).id;
    seattle = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Seattle Practice" } })).id;
    await client.putPractice("pdx", "Portland (legacy)");
    await client.bulkLoad("pdx", [
      { userId: "a", email: "admin@pdx-push.test", name: "Ada Admin", flags: ["is_practice_admin"] },
      { userId: "d", ...desk, flags: ["can_view_schedule", "can_edit_schedule", "legacy_fax_access"] },
    ]);
  });
  afterAll(async () => {
    delete process.env.PRACTICE_SYSTEM_URL;
    delete process.env.PRACTICE_SYSTEM_TOKEN;
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (kind.url) await db?.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.destroy();
  });

  test("strangers 404, a practice's manager 403, bad input 400: nothing written", async () => {
    const before = { states: await db.prisma.emSyncState.count(), runs: await db.prisma.legacyMigration.count(), audit: await db.prisma.auditEvent.count() };
    const jim = await callerFor(db, "jim@family.test");
    for (const [entry, raw] of [
      [emSyncRoute.POST, { nodeId: portland, sourcePracticeId: "pdx", enabled: true }],
      [emSyncRoute.GET, { nodeId: portland }],
      [retryRoute.POST, { nodeId: portland }],
    ] as const) {
      expect(await callEntry(entry, raw, jim)).toMatchObject({ ok: false, code: "not_found" });
    }
    // manager@ is the Manager of Seattle Practice: no settings.edit there.
    const manager = await callerFor(db, "manager@northwind.test");
    expect(await callEntry(emSyncRoute.POST, { nodeId: seattle, sourcePracticeId: "pdx", enabled: true }, manager)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await callEntry(retryRoute.POST, { nodeId: seattle }, manager)).toMatchObject({ ok: false, code: "forbidden" });
    // A location is not a practice: 404.
    const pearl = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Portland Pearl District" } })).id;
    expect(await callEntry(emSyncRoute.POST, { nodeId: pearl, sourcePracticeId: "pdx", enabled: true }, await owner())).toMatchObject({ ok: false, code: "not_found" });
    const bad = await callEntry(emSyncRoute.POST, { nodeId: portland, sourcePracticeId: "no spaces", enabled: "yes" }, await owner());
    expect(bad).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys(bad.fields ?? {}).sort()).toEqual(["enabled", "sourcePracticeId"]);
    expect({ states: await db.prisma.emSyncState.count(), runs: await db.prisma.legacyMigration.count(), audit: await db.prisma.auditEvent.count() }).toEqual(before);
  });

  test("ON migrates first, then a role changed on each side shows on the other", async () => {
    const on = await callEntry(emSyncRoute.POST, { nodeId: portland, sourcePracticeId: "pdx", enabled: true }, await owner());
    expect(on).toMatchObject({ ok: true, data: { enabled: true, migrated: { people: 2 } } });
    // Nothing from before the migration is replayed: the cursor starts at the feed's head.
    expect(Number((await db.prisma.emSyncState.findUniqueOrThrow({ where: { nodeId: portland } })).cursor)).toBe((await client.changes(0, 1)).head);
    expect(await syncRound(db.prisma, client)).toBe(1);
    expect(await db.prisma.emSyncConflict.count()).toBe(0);
    let a = await answers("d", desk.email);
    expect(a.ours).toEqual(a.legacy);

    // CareAccess → practice system: Dee becomes Billing at Portland.
    expect(await setRole(desk.email, "billing")).toMatchObject({ ok: true });
    expect(await db.prisma.emSyncOutbox.count({ where: { nodeId: portland, status: "pending" } })).toBe(1);
    await syncRound(db.prisma, client);
    a = await answers("d", desk.email);
    expect(a.legacy.can_process_payments).toBe(true);
    expect(a.legacy.can_edit_schedule).toBe(false);
    expect(a.ours).toEqual(a.legacy);
    const pushed = (await client.user("pdx", "d")).user!;
    // The flag CareAccess doesn't know travels back untouched.
    expect(pushed.flags).toContain("legacy_fax_access");
    expect((await feedFor("d")).at(-1)).toMatchObject({ origin: CARE_ORIGIN, op: "upsert" });

    // Practice system → CareAccess: the old system makes Dee an inventory person.
    await client.putUser("pdx", "d", { ...desk, flags: ["can_manage_inventory"] });
    await syncRound(db.prisma, client);
    a = await answers("d", desk.email);
    expect(a.ours.can_manage_inventory).toBe(true);
    expect(a.ours.can_process_payments).toBe(false);
    expect(a.ours).toEqual(a.legacy);
    // Pulled changes are not pushed back (no echo).
    expect(await db.prisma.emSyncOutbox.count({ where: { nodeId: portland, status: "pending" } })).toBe(0);

    const status = await callEntry(emSyncRoute.GET, { nodeId: portland }, await owner());
    expect(status).toMatchObject({ ok: true, data: { enabled: true, pending: 0, lagMs: 0, feedBehind: 0, lastError: null } });
    expect(status.data.lastPushAt).not.toBeNull();
  });

  test("the practice system stopped mid-sync and restarted: nothing lost, nothing doubled, in order per person", async () => {
    const feedBefore = (await feedFor("d")).length;
    // Two CareAccess changes to Dee, queued while the peer is down.
    await system.stop();
    expect(await setRole(desk.email, "front_desk")).toMatchObject({ ok: true });
    expect(await setRole(desk.email, "billing")).toMatchObject({ ok: true });
    await syncRound(db.prisma, client);
    const waiting = await db.prisma.emSyncOutbox.findMany({ where: { nodeId: portland, status: "pending" }, orderBy: { id: "asc" } });
    expect(waiting).toHaveLength(2);
    expect(waiting[0]).toMatchObject({ attempts: 1 });
    expect(waiting[0].lastError).toContain("did not answer");
    expect(waiting[0].nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // The second waits behind the first, untried.
    expect(waiting[1]).toMatchObject({ attempts: 0, lastError: null });
    const down = await callEntry(emSyncRoute.GET, { nodeId: portland }, await owner());
    expect(down.data).toMatchObject({ pending: 2, feedBehind: null });
    expect(down.data.errors).toHaveLength(1);

    await start();
    // Backoff: nothing is sent before the retry time (however soon the peer is back), unless someone presses Retry.
    expect(await deliverOnce(db.prisma, client, portland, { now: new Date(waiting[0].nextAttemptAt.getTime() - 1) })).toMatchObject({ delivered: 0, waiting: 2 });
    expect(await callEntry(retryRoute.POST, { nodeId: portland }, await owner())).toMatchObject({ ok: true });
    expect((await db.prisma.emSyncOutbox.findUniqueOrThrow({ where: { id: waiting[0].id } })).nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    // A crash between the peer's answer and our commit: the first row's PUT already went through once.
    await client.putUser("pdx", "d", { ...(waiting[0].payload as { email: string; name: string; flags: string[] }), origin: CARE_ORIGIN }, `careaccess-em:${portland}:${waiting[0].id}`);
    await syncRound(db.prisma, client);
    expect(await db.prisma.emSyncOutbox.count({ where: { nodeId: portland, status: "pending" } })).toBe(0);
    const feed = await feedFor("d");
    // Exactly the two changes, in order, each once (the repeated key was answered, not applied again).
    expect(feed.length - feedBefore).toBe(2);
    const a = await answers("d", desk.email);
    expect(a.legacy.can_process_payments).toBe(true);
    expect(a.ours).toEqual(a.legacy);
  });

  test("conflict: the later change wins, and the loss is recorded", async () => {
    // CareAccess changes Dee first; the practice system changes Dee afterwards, before the push.
    expect(await setRole(desk.email, "front_desk")).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 20));
    await client.putUser("pdx", "d", { ...desk, flags: ["can_view_reports"] });
    await syncRound(db.prisma, client);
    expect(await db.prisma.emSyncOutbox.count({ where: { nodeId: portland, status: "conflict" } })).toBe(1);
    expect(await db.prisma.emSyncConflict.findFirst({ where: { nodeId: portland, direction: "push" } })).toMatchObject({ legacyUserId: "d" });
    let a = await answers("d", desk.email);
    expect(a.legacy.can_view_reports).toBe(true);
    expect(a.ours).toEqual(a.legacy);

    // The other way: the practice system first, CareAccess later, before the pull.
    await client.putUser("pdx", "d", { ...desk, flags: ["can_view_patients"] });
    await new Promise((r) => setTimeout(r, 20));
    expect(await setRole(desk.email, "billing")).toMatchObject({ ok: true });
    // Pull first (the worker's order): the older pulled change is skipped; then the push lands.
    await syncRound(db.prisma, client);
    expect(await db.prisma.emSyncConflict.findFirst({ where: { nodeId: portland, direction: "pull" } })).toMatchObject({ legacyUserId: "d" });
    a = await answers("d", desk.email);
    expect(a.legacy.can_process_payments).toBe(true);
    expect(a.ours).toEqual(a.legacy);
    const status = await callEntry(emSyncRoute.GET, { nodeId: portland }, await owner());
    expect(status.data.conflicts.count).toBe(2);
  });

  test("OFF: both directions stop, everything migrated stays", async () => {
    expect(await callEntry(emSyncRoute.POST, { nodeId: portland, sourcePracticeId: "pdx", enabled: false }, await owner())).toMatchObject({ ok: true, data: { enabled: false, migrated: null } });
    const links = await db.prisma.legacyLink.count({ where: { nodeId: portland } });
    const peerBefore = (await client.user("pdx", "d")).user;
    expect(await setRole(desk.email, "provider")).toMatchObject({ ok: true });
    await client.putUser("pdx", "a", { email: "admin@pdx-push.test", name: "Ada Admin", flags: [] });
    expect(await syncRound(db.prisma, client)).toBe(0);
    expect(await db.prisma.emSyncOutbox.count({ where: { nodeId: portland, status: "pending" } })).toBe(0);
    expect((await client.user("pdx", "d")).user).toEqual(peerBefore);
    const ada = await new SubjectLoader(db.prisma).load(await userId("admin@pdx-push.test"));
    expect(careAccessAllows(ada, portland, "is_practice_admin")).toBe(true);
    expect(await db.prisma.legacyLink.count({ where: { nodeId: portland } })).toBe(links);
    expect(await db.prisma.auditEvent.count({ where: { action: { in: ["em_sync.enabled", "em_sync.disabled", "em_sync.retried", "legacy_migration.applied"] }, targetId: portland } })).toBe(4);
  });
});
