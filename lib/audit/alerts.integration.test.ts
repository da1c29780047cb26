/**
 * Alerts over the audit log (issue 9), on PGlite and, with TEST_DATABASE_URL, PostgreSQL: rules per
 * tenant, evaluated inside the writing transaction (a rollback raises nothing), one alert per burst,
 * emails to owners and admins through the outbox, acknowledgement with a note.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { AppError } from "../api/errors";
import { runAs, type Spec } from "../api/handler";
import { signInWithPassword } from "../auth/sign-in";
import { builtinRoleId } from "../authz";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { resetAllLimits } from "../security/rate-limit";
import { callerFor, useDatabase } from "../testing/callers";
import { DEMO_PASSWORD, seedDemoData } from "../../prisma/seed";
import { acknowledgeAlertAction, saveAlertRulesAction } from "./actions";
import { recordAudit, recordAuditNow } from "./audit";
import { DEFAULT_RULES, listAlerts, openAlertCount } from "./alerts";
import { networkRange } from "./networks";

const policy = { idleMinutes: 30, absoluteHours: 12 };
const meta = { ip: "203.0.113.50", userAgent: "Vitest" };

describe.each(TEST_DATABASES)("audit alerts ($name)", (kind) => {
  let db: TestDatabase;
  let tenant: string;
  let lakeside: string;
  const call = async (entry: unknown, email: string, input: Record<string, unknown>) => {
    try {
      return { ok: true as const, data: await runAs((entry as { spec: Spec<never, unknown> }).spec, input, await callerFor(db, email)) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false as const, code: err.code, fields: err.fields };
      throw err;
    }
  };
  const rules = (threshold: number) => (Object.keys(DEFAULT_RULES) as (keyof typeof DEFAULT_RULES)[]).map((k) => ({ ...DEFAULT_RULES[k], threshold: k === "large_export" ? 1000 : threshold, windowMinutes: 10 }));
  const titles = async () => (await listAlerts(db.prisma, tenant)).map((a) => a.title);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    tenant = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Northwind Dental Group" } })).id;
    lakeside = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Lakeside Physio" } })).id;
  });
  beforeEach(() => resetAllLimits());
  afterAll(async () => db?.destroy());

  test("rules are the tenant's: the owner saves thresholds; a region admin or a stranger can't; bad thresholds are 400", async () => {
    expect(await call(saveAlertRulesAction, "owner@northwind.test", { tenantId: tenant, rules: rules(3) })).toMatchObject({ ok: true });
    expect(await call(saveAlertRulesAction, "west.admin@northwind.test", { tenantId: tenant, rules: rules(100) })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(saveAlertRulesAction, "owner@lakeside.test", { tenantId: tenant, rules: rules(100) })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(saveAlertRulesAction, "owner@northwind.test", { tenantId: tenant, rules: [{ kind: "failed_sign_ins", enabled: true, threshold: 0, windowMinutes: 10 }] })).toMatchObject({
      ok: false,
      code: "invalid",
      fields: { "rules.0.threshold": ["The threshold must be at least 1."] },
    });
    const row = await db.prisma.auditAlertRule.findUniqueOrThrow({ where: { tenantId_kind: { tenantId: tenant, kind: "failed_sign_ins" } } });
    expect(row.threshold).toBe(3);
    expect((await db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant, action: "audit_alert_rules.changed" } })).details).toMatchObject({ before: { failed_sign_ins: "on, 5 / 10 min" }, after: { failed_sign_ins: "on, 3 / 10 min" } });
  });

  test("a burst of failed sign-ins raises one alert, emailed to the owners and admins", async () => {
    const emailsBefore = await db.prisma.emailOutbox.count({ where: { kind: "security_alert", subject: { startsWith: "Security alert: 3 failed" } } });
    for (let i = 0; i < 2; i++) await signInWithPassword(db.prisma, { email: "frontdesk@northwind.test", password: "wrong-password-1" }, meta, policy);
    expect(await titles()).toEqual([]);
    await signInWithPassword(db.prisma, { email: "frontdesk@northwind.test", password: "wrong-password-1" }, meta, policy);
    await signInWithPassword(db.prisma, { email: "frontdesk@northwind.test", password: "wrong-password-1" }, meta, policy);
    expect(await titles()).toEqual(["3 failed sign-ins within 10 minutes"]);
    const emails = await db.prisma.emailOutbox.findMany({ where: { kind: "security_alert", subject: { startsWith: "Security alert: 3 failed" } }, select: { to: true } });
    expect(emails.length - emailsBefore).toBeGreaterThan(0);
    expect(emails.map((e) => e.to)).toContain("owner@northwind.test");
    expect(emails.map((e) => e.to)).not.toContain("frontdesk@northwind.test");
    // The failed sign-in rows themselves carry the browser (sign-in runs outside the wrapper).
    expect((await db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant, action: "auth.sign_in_failed" } })).userAgent).toBe("Vitest");
    expect(await openAlertCount(db.prisma, [tenant])).toBe(1);
    expect(await openAlertCount(db.prisma, [lakeside])).toBe(0);
  });

  test("a rolled-back change raises nothing; grants, exports and emergency access raise alerts", async () => {
    const before = (await titles()).length;
    const owner = await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@northwind.test" } });
    const lee = await db.prisma.user.findUniqueOrThrow({ where: { email: "dr.lee@northwind.test" } });
    await expect(
      db.prisma.$transaction(async (tx) => {
        await recordAudit(tx, { tenantId: tenant, actorId: owner.id, action: "member.role_added", targetType: "user", targetId: lee.id, details: { to: builtinRoleId("owner") } });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect((await titles()).length).toBe(before);
    // Not privileged: nothing.
    await recordAuditNow(db.prisma, { tenantId: tenant, actorId: owner.id, action: "member.role_added", targetType: "user", targetId: lee.id, details: { to: builtinRoleId("provider") } });
    await recordAuditNow(db.prisma, { tenantId: tenant, actorId: owner.id, action: "member.role_changed", targetType: "user", targetId: lee.id, details: { from: builtinRoleId("provider"), to: builtinRoleId("admin") } });
    await recordAuditNow(db.prisma, { tenantId: tenant, actorId: owner.id, action: "audit_log.export", details: { format: "csv", count: 999 } });
    await recordAuditNow(db.prisma, { tenantId: tenant, actorId: owner.id, action: "audit_log.export", details: { format: "csv", count: 5000 } });
    await recordAuditNow(db.prisma, { tenantId: tenant, actorId: lee.id, action: "emergency_access.used", targetType: "patient", targetId: "p-9" });
    for (let i = 0; i < 4; i++) await recordAuditNow(db.prisma, { tenantId: tenant, actorId: lee.id, action: "patient.read", targetType: "patient", targetId: `p-${i}` });
    expect((await titles()).slice(0, (await titles()).length - before)).toEqual([
      "Dr. Daniel Lee opened 3 patient records within 10 minutes",
      "Dr. Daniel Lee used emergency access to patient p-9",
      "Olivia Northwind exported 5000 rows (audit_log.export)",
      "Dr. Daniel Lee was made an Admin by Olivia Northwind",
    ]);
  });

  test("acknowledging: a note is required, strangers and region admins can't, twice is a conflict, and it is audited", async () => {
    const [alert] = await listAlerts(db.prisma, tenant);
    expect(await call(acknowledgeAlertAction, "owner@lakeside.test", { alertId: alert.id, note: "seen" })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(acknowledgeAlertAction, "west.admin@northwind.test", { alertId: alert.id, note: "seen" })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(acknowledgeAlertAction, "frontdesk@northwind.test", { alertId: alert.id, note: "seen" })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(acknowledgeAlertAction, "owner@northwind.test", { alertId: alert.id, note: "  " })).toMatchObject({ ok: false, code: "invalid", fields: { note: ["Write what you checked or did."] } });
    expect(await call(acknowledgeAlertAction, "owner@northwind.test", { alertId: alert.id, note: "Called Dr. Lee: audit prep." })).toMatchObject({ ok: true });
    expect(await call(acknowledgeAlertAction, "owner@northwind.test", { alertId: alert.id, note: "again" })).toMatchObject({ ok: false, code: "conflict" });
    const [after] = await listAlerts(db.prisma, tenant);
    expect(after.acknowledged).toMatchObject({ by: "Olivia Northwind", note: "Called Dr. Lee: audit prep." });
    expect((await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "audit_alert.acknowledged" } })).details).toMatchObject({ note: "Called Dr. Lee: audit prep." });
  });

  test("a sign-in from a network range never seen for that person in that tenant raises one alert; the rule can be turned off", async () => {
    const newNetworkTitles = async () => (await titles()).filter((t) => t.includes("new network"));
    const signIn = (ip: string) => signInWithPassword(db.prisma, { email: "dr.lee@northwind.test", password: DEMO_PASSWORD }, { ip, userAgent: "Vitest" }, policy);
    expect(networkRange("2001:db8:abcd:12::1")).toBe("2001:db8:abcd::/48");
    expect(networkRange("::ffff:198.51.100.7")).toBe("198.51.100.0/24");
    // The first range is the baseline; the same /24 again is known.
    expect(await signIn("198.51.100.7")).toMatchObject({ ok: true });
    expect(await signIn("198.51.100.200")).toMatchObject({ ok: true });
    expect(await newNetworkTitles()).toEqual([]);
    expect(await signIn("192.0.2.10")).toMatchObject({ ok: true });
    expect(await newNetworkTitles()).toEqual(["Dr. Daniel Lee signed in from a new network (192.0.2.0/24)"]);
    const emails = await db.prisma.emailOutbox.findMany({ where: { kind: "security_alert", subject: { contains: "new network (192.0.2.0/24)" } }, select: { to: true } });
    expect(emails.map((e) => e.to)).toContain("owner@northwind.test");
    // Known now: no second alert. IPv6 in another /48 is new.
    expect(await signIn("192.0.2.99")).toMatchObject({ ok: true });
    expect(await signIn("2001:db8:abcd:12::1")).toMatchObject({ ok: true });
    expect(await signIn("2001:db8:abcd:ff::2")).toMatchObject({ ok: true });
    expect(await newNetworkTitles()).toEqual(["Dr. Daniel Lee signed in from a new network (2001:db8:abcd::/48)", "Dr. Daniel Lee signed in from a new network (192.0.2.0/24)"]);
    // Off for this tenant: a new range is remembered but raises nothing.
    const off = rules(3).map((r) => (r.kind === "new_network" ? { ...r, enabled: false } : r));
    expect(await call(saveAlertRulesAction, "owner@northwind.test", { tenantId: tenant, rules: off })).toMatchObject({ ok: true });
    expect(await signIn("100.64.1.1")).toMatchObject({ ok: true });
    expect((await newNetworkTitles()).length).toBe(2);
    expect(await db.prisma.auditKnownNetwork.count({ where: { tenantId: tenant, network: "100.64.1.0/24" } })).toBe(1);
    // Another tenant's chain is untouched by Northwind's memory.
    expect(await db.prisma.auditAlert.count({ where: { tenantId: lakeside, kind: "new_network" } })).toBe(0);
  });
});
