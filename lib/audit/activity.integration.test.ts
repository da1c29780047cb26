/**
 * Settings > Activity log (issue 9) through its real entry points (runAs) on PGlite and, with
 * TEST_DATABASE_URL, PostgreSQL: tenant and subtree scoping in SQL, filters, keyset pages,
 * exports (themselves audited), chain verification naming the first broken link.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as listRoute } from "../../app/api/activity/[nodeId]/route";
import { GET as exportRoute } from "../../app/api/activity/[nodeId]/export/route";
import { POST as verifyRoute } from "../../app/api/activity/[nodeId]/verify/route";
import { AppError } from "../api/errors";
import { runAs, type Spec } from "../api/handler";
import { withRequestContext } from "../api/request-context";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { renameLocationAction } from "../orgs/actions";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import { recordAuditNow } from "./audit";
import { COUNT_CAP, activityWhere, countActivity, totalLabel, type ActivityRow } from "./activity";
import { complianceReport, patientAccessHistory, patientHere, personHere, personHistory } from "./history";

type Page = { rows: ActivityRow[]; nextCursor: string | null; total: { count: number; capped: boolean } };
const specOf = <R,>(entry: unknown) => (entry as { spec: Spec<never, R> }).spec;

describe.each(TEST_DATABASES)("the activity log ($name)", (kind) => {
  let db: TestDatabase;
  const nodes = new Map<string, string>();
  const id = (name: string) => nodes.get(name)!;
  let ownerId: string;
  const call = async <R,>(entry: unknown, email: string, input: Record<string, unknown>) => {
    try {
      return { ok: true as const, data: await runAs(specOf<R>(entry), input, await callerFor(db, email)) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false as const, code: err.code, fields: err.fields };
      throw err;
    }
  };
  const list = (email: string, input: Record<string, unknown>) => call<Page>(listRoute, email, input);
  const actionsSeen = (r: Awaited<ReturnType<typeof list>>) => (r.ok ? r.data.rows.map((e) => e.action) : r.code);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    ownerId = (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@northwind.test" } })).id;
    const t = id("Northwind Dental Group");
    const at = (node: string | null, action: string, extra: Record<string, unknown> = {}) =>
      withRequestContext({ actorId: ownerId, sessionId: "s-owner", ip: "198.51.100.7", userAgent: "Firefox/140", via: "session", nodeId: node }, () =>
        recordAuditNow(db.prisma, { tenantId: t, actorId: ownerId, action, targetType: "patient", targetId: "p-1", ...extra }),
      );
    await at(id("Seattle Practice"), "zz.seattle_read");
    await at(id("Seattle Downtown"), "zz.downtown_read");
    await at(id("Boston Practice"), "zz.boston_read");
    await at(null, "zz.tenant_wide");
    await at(id("Seattle Practice"), "zz.sign_in_failed", { details: { before: { mfa: false }, after: { mfa: true } } });
    // Another tenant's event, which no Northwind filter may ever show.
    await recordAuditNow(db.prisma, { tenantId: id("Lakeside Physio"), actorId: null, action: "zz.lakeside" });
  });
  afterAll(async () => db?.destroy());

  test("the owner sees the whole tenant, newest first, and nothing of another tenant", async () => {
    const r = await list("owner@northwind.test", { nodeId: id("Northwind Dental Group"), action: "zz." });
    expect(actionsSeen(r)).toEqual(["zz.sign_in_failed", "zz.tenant_wide", "zz.boston_read", "zz.downtown_read", "zz.seattle_read"]);
    const row = r.ok ? r.data.rows[0] : null;
    expect(row).toMatchObject({ outcome: "failure", ip: "198.51.100.7", userAgent: "Firefox/140", sessionId: "s-owner", place: { name: "Seattle Practice" }, actor: { email: "owner@northwind.test" } });
  });

  test("a region admin sees only events about places in their region", async () => {
    expect(actionsSeen(await list("west.admin@northwind.test", { nodeId: id("West Region"), action: "zz." }))).toEqual(["zz.sign_in_failed", "zz.downtown_read", "zz.seattle_read"]);
    // Narrowing to a place inside works; a place outside the region is refused, not widened.
    expect(actionsSeen(await list("west.admin@northwind.test", { nodeId: id("West Region"), action: "zz.", place: id("Seattle Downtown") }))).toEqual(["zz.downtown_read"]);
    expect(await list("west.admin@northwind.test", { nodeId: id("West Region"), place: id("Boston Practice") })).toMatchObject({ ok: false, code: "invalid", fields: { place: ["Choose a place inside this one."] } });
    // The tenant root is not theirs: 404, as for anything they can't reach.
    expect(await list("west.admin@northwind.test", { nodeId: id("Northwind Dental Group") })).toMatchObject({ ok: false, code: "not_found" });
  });

  test("a stranger gets 404, a role without the log 403, a bad filter 400 with the field's message", async () => {
    expect(await list("owner@lakeside.test", { nodeId: id("Northwind Dental Group") })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(exportRoute, "owner@lakeside.test", { nodeId: id("Northwind Dental Group") })).toMatchObject({ ok: false, code: "not_found" });
    expect(await list("frontdesk@northwind.test", { nodeId: id("Boston Practice") })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(exportRoute, "frontdesk@northwind.test", { nodeId: id("Boston Practice") })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await list("owner@northwind.test", { nodeId: id("Northwind Dental Group"), from: "2026-13-45" })).toMatchObject({ ok: false, code: "invalid", fields: { from: ["From must be a real date."] } });
    expect(await list("owner@northwind.test", { nodeId: id("Northwind Dental Group"), from: "2026-05-02", to: "2026-05-01" })).toMatchObject({ ok: false, code: "invalid", fields: { to: ["From must be on or before To."] } });
    expect(await list("owner@northwind.test", { nodeId: id("Northwind Dental Group"), outcome: "maybe" })).toMatchObject({ ok: false, code: "invalid" });
    expect(await list("owner@northwind.test", { nodeId: id("Northwind Dental Group"), actor: "' OR 1=1 --" })).toMatchObject({ ok: false, code: "invalid", fields: { actor: ["Person must be an id."] } });
  });

  test("filters combine: person, outcome, resource, date range", async () => {
    const root = id("Northwind Dental Group");
    expect(actionsSeen(await list("owner@northwind.test", { nodeId: root, action: "zz.", outcome: "failure" }))).toEqual(["zz.sign_in_failed"]);
    expect(actionsSeen(await list("owner@northwind.test", { nodeId: root, action: "zz.", outcome: "success", place: id("Seattle Practice") }))).toEqual(["zz.downtown_read", "zz.seattle_read"]);
    expect(actionsSeen(await list("owner@northwind.test", { nodeId: root, targetType: "patient", targetId: "p-1", actor: ownerId }))).toHaveLength(5);
    expect(actionsSeen(await list("owner@northwind.test", { nodeId: root, action: "zz.", to: "2020-01-01" }))).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(actionsSeen(await list("owner@northwind.test", { nodeId: root, action: "zz.", from: today, to: today }))).toHaveLength(5);
  });

  test("the page carries the count of matching events, exact up to 10,000 and '10,000+' past it", async () => {
    const r = await list("owner@northwind.test", { nodeId: id("Northwind Dental Group"), action: "zz.", limit: 2 });
    expect(r.ok && r.data.total).toEqual({ count: 5, capped: false });
    expect(r.ok && r.data.rows).toHaveLength(2);
    const failed = await list("owner@northwind.test", { nodeId: id("Northwind Dental Group"), action: "zz.", outcome: "failure" });
    expect(failed.ok && totalLabel(failed.data.total)).toBe("1 event");
    // A tenant with more events than the cap: counting stops at COUNT_CAP + 1 rows and says so.
    const big = "00000000-0000-4000-8000-00000000c0c0";
    await db.sql.query(
      `INSERT INTO audit_events (tenant_id, action, details, created_at, prev_hash, hash) SELECT $1::uuid, CASE WHEN g % 2 = 0 THEN 'auth.sign_in_failed' ELSE 'patient.read' END, '{}', now(), md5('p' || g), md5('h' || g) || $1 FROM generate_series(1, $2::int) g`,
      [big, COUNT_CAP * 2 + 4],
    );
    const place = { id: big, tenantId: big };
    const total = await countActivity(db.prisma, await activityWhere(db.prisma, place, {}));
    expect(total).toEqual({ count: COUNT_CAP, capped: true });
    expect(totalLabel(total)).toBe("10,000+ events");
    expect(await countActivity(db.prisma, await activityWhere(db.prisma, place, { outcome: "failure" }))).toEqual({ count: COUNT_CAP, capped: true });
    expect(await countActivity(db.prisma, await activityWhere(db.prisma, place, { action: "patient.", to: "2000-01-01" }))).toEqual({ count: 0, capped: false });
  });

  test("outcome is 'failure' exactly for actions ending in _failed, _refused, _denied or _locked, on append and for every action seen", async () => {
    // The rule as the page documents it; the generated column (migration 20261206130000_audit_outcome) is the only implementation.
    const documented = (action: string) => (/_(failed|refused|denied|locked)$/.test(action) ? "failure" : "success");
    const t = "00000000-0000-4000-8000-00000000c0c1";
    const edge = ["auth.sign_in_failed", "x.refused", "patient.access_denied", "auth.account_locked", "auth.failed_attempt", "x.failed.y", "x_failedx", "x.FAILED", "x.denied", "x.unlocked", "auth.sign_in"];
    for (const action of edge) await recordAuditNow(db.prisma, { tenantId: t, actorId: null, action });
    const appended = await db.prisma.auditEvent.findMany({ where: { tenantId: t }, orderBy: { id: "asc" }, select: { action: true, outcome: true } });
    expect(appended.map((r) => [r.action, r.outcome])).toEqual(edge.map((a) => [a, documented(a)]));
    // Every action the seed and the tests above wrote, as the page shows it.
    const all = await db.prisma.auditEvent.groupBy({ by: ["action", "outcome"] });
    expect(all.length).toBeGreaterThan(edge.length);
    for (const r of all) expect([r.action, r.outcome]).toEqual([r.action, documented(r.action)]);
    const page = await list("owner@northwind.test", { nodeId: id("Northwind Dental Group"), action: "zz." });
    expect(page.ok && page.data.rows.map((r) => [r.action, r.outcome])).toEqual(page.ok ? page.data.rows.map((r) => [r.action, documented(r.action)]) : []);
    expect(page.ok && page.data.rows.some((r) => r.outcome === "failure")).toBe(true);
  });

  test("keyset pages walk every event once", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const r = await list("owner@northwind.test", { nodeId: id("Northwind Dental Group"), action: "zz.", limit: "2", ...(cursor ? { cursor } : {}) });
      if (!r.ok) throw new Error(r.code);
      seen.push(...r.data.rows.map((e) => e.action));
      if (!r.data.nextCursor) break;
      cursor = r.data.nextCursor;
    }
    expect(seen).toEqual(["zz.sign_in_failed", "zz.tenant_wide", "zz.boston_read", "zz.downtown_read", "zz.seattle_read"]);
  });

  test("an export is the filtered view, as CSV or JSON, and is itself audited", async () => {
    const root = id("Northwind Dental Group");
    const csv = await call<Response>(exportRoute, "owner@northwind.test", { nodeId: root, action: "zz.", place: id("Seattle Practice"), format: "csv" });
    if (!csv.ok) throw new Error(csv.code);
    const text = await csv.data.text();
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe("id,at,action,outcome,actorName,actorEmail,targetType,targetId,place,ip,userAgent,sessionId,via,details");
    expect(lines.slice(1).map((l) => l.split(",")[2])).toEqual(["zz.sign_in_failed", "zz.downtown_read", "zz.seattle_read"]);
    expect(csv.data.headers.get("content-type")).toMatch(/text\/csv/);
    const json = await call<Response>(exportRoute, "west.admin@northwind.test", { nodeId: id("West Region"), format: "json" });
    if (!json.ok) throw new Error(json.code);
    const body = await json.data.json();
    expect(body.events.some((e: ActivityRow) => e.action === "zz.boston_read" || e.action === "zz.tenant_wide")).toBe(false);
    const exports = await db.prisma.auditEvent.findMany({ where: { tenantId: root, action: "audit_log.export" }, orderBy: { id: "asc" } });
    expect(exports.map((e) => e.details)).toEqual([
      { format: "csv", count: 3, filters: { action: "zz.", place: id("Seattle Practice") } },
      { format: "json", count: body.count, filters: {} },
    ]);
    expect(exports[1].nodeId).toBe(id("West Region"));
  });

  test("a change made through the wrapper records the place it acted on", async () => {
    const r = await call(renameLocationAction, "owner@northwind.test", { nodeId: id("Portland Pearl District"), name: "Portland Pearl" });
    expect(r.ok).toBe(true);
    const row = await db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: id("Northwind Dental Group") }, orderBy: { id: "desc" } });
    expect(row).toMatchObject({ nodeId: id("Portland Pearl District"), actorId: ownerId, via: "session" });
    expect(row.sessionId).toMatch(/^test-/);
    expect(actionsSeen(await list("west.admin@northwind.test", { nodeId: id("West Region"), place: id("Portland Practice") }))).toEqual([row.action]);
  });

  test("Verify chain names the first broken link after a superuser edits a row around the trigger", async () => {
    const root = id("Northwind Dental Group");
    expect(await call(verifyRoute, "owner@northwind.test", { nodeId: root })).toMatchObject({ ok: true, data: { ok: true } });
    // Below the root the chain is not theirs to judge: the whole tenant's chain needs the root.
    expect(await call(verifyRoute, "west.admin@northwind.test", { nodeId: id("West Region") })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(verifyRoute, "owner@lakeside.test", { nodeId: root })).toMatchObject({ ok: false, code: "not_found" });
    const victim = await db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: root, action: "zz.boston_read" } });
    await db.sql.exec(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await db.sql.exec(`UPDATE audit_events SET actor_id = NULL WHERE id = ${victim.id}`);
    await db.sql.exec(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    expect(await call(verifyRoute, "owner@northwind.test", { nodeId: root })).toMatchObject({ ok: true, data: { ok: false, brokenAt: victim.id.toString(), action: "zz.boston_read" } });
  });

  test("a patient's access history: who opened the chart or saw it in a list, under which role; outside the viewer's places it doesn't exist", async () => {
    const root = id("Northwind Dental Group");
    const ada = await db.prisma.patient.findFirstOrThrow({ where: { firstName: "Ada" } });
    const grace = await db.prisma.patient.findFirstOrThrow({ where: { firstName: "Grace" } });
    const lee = await db.prisma.user.findUniqueOrThrow({ where: { email: "dr.lee@northwind.test" } });
    const as = (action: string, extra: Record<string, unknown>) =>
      withRequestContext({ actorId: lee.id, sessionId: "s-lee", ip: "192.0.2.44", userAgent: "Safari/18", via: "session", nodeId: ada.nodeId }, () => recordAuditNow(db.prisma, { tenantId: root, actorId: lee.id, action, ...extra }));
    await as("patient.read", { targetType: "patient", targetId: ada.id });
    await as("patient.list", { details: { ids: [grace.id, ada.id] } });
    await as("patient.read", { targetType: "patient", targetId: grace.id });
    const west = { id: id("West Region"), tenantId: root };
    const h = await patientAccessHistory(db.prisma, west, ada.id);
    expect(h.rows.map((r) => [r.action, r.actor?.email, r.ip, r.userAgent])).toEqual([
      ["patient.list", "dr.lee@northwind.test", "192.0.2.44", "Safari/18"],
      ["patient.read", "dr.lee@northwind.test", "192.0.2.44", "Safari/18"],
    ]);
    expect(h.rolesOf(lee.id)).toEqual(["Provider at Seattle Practice"]);
    expect(await patientHere(db.prisma, west, ada.id)).toMatchObject({ name: "Ada Lovelace" });
    // Not under the East Region, not in Lakeside: the page is "not found".
    expect(await patientHere(db.prisma, { id: id("East Region"), tenantId: root }, ada.id)).toBeNull();
    expect(await patientHere(db.prisma, { id: id("Lakeside Physio"), tenantId: id("Lakeside Physio") }, ada.id)).toBeNull();
    // The compliance report puts them under patient-record access, the failed sign-in under security.
    const report = await complianceReport(db.prisma, { id: root, tenantId: root }, {});
    expect(report.find((s) => s.key === "patients")!.rows.filter((r) => r.actor?.id === lee.id)).toHaveLength(3);
    expect(report.find((s) => s.key === "security")!.rows.map((r) => r.action)).toContain("audit_log.export");
    // A person's history: what they did; a stranger to the tenant has none here.
    expect((await personHistory(db.prisma, west, lee.id)).did.total).toBe(3);
    expect(await personHere(db.prisma, west, (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@lakeside.test" } })).id)).toBeNull();
    // A read recorded without a place (the patient page runs outside the wrapper) is in the history too.
    await recordAuditNow(db.prisma, { tenantId: root, actorId: lee.id, action: "patient.read", targetType: "patient", targetId: ada.id, nodeId: null });
    expect((await patientAccessHistory(db.prisma, { id: id("Seattle Practice"), tenantId: root }, ada.id)).rows.map((r) => r.action)).toEqual(["patient.read", "patient.list", "patient.read"]);
  });
});
