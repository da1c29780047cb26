/**
 * Break-glass emergency access (issue 11) through the real server actions and the patient route
 * (runAs), on PGlite and, with TEST_DATABASE_URL, PostgreSQL, with a controllable clock (fake Date):
 * declared with a reason → access at once, to that patient only, for the tenant's window, refused one
 * second after its end; owners/admins alerted in-app and by email; the read audited "via emergency
 * access" with the reason; a second person must review it (never the holder); a role the tenant
 * doesn't allow: 403; another tenant: 404; bad input: 400 with the field; nothing written on refusal.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as accessActions from "./actions";
import * as patientRoute from "../../app/api/patients/[patientId]/route";
import { builtinRoleId, decide, where } from "../authz";
import { sharedLoader } from "../authz/load";
import { listEmergencies } from "./emergency";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";

const T0 = Date.parse("2026-12-14T16:00:00.000Z");
const MIN = 60_000;

describe.each(TEST_DATABASES)("break-glass emergency access ($name)", (kind) => {
  let db: TestDatabase;
  const ids = new Map<string, string>();
  const nodes = new Map<string, string>();
  const patients = new Map<string, string>();
  const as = (email: string) => callerFor(db, email);
  const at = (ms: number) => vi.setSystemTime(ms);
  const declare = async (email: string, input: Record<string, unknown>) => callEntry(accessActions.declareEmergencyAccess, input, await as(email));
  const review = async (email: string, emergencyId: string, outcome: string, note = "Checked the chart and the call log.") => callEntry(accessActions.reviewEmergencyAccess, { emergencyId, outcome, note }, await as(email));
  const subjectOf = (email: string) => sharedLoader(db.prisma).load(ids.get(email)!);
  const patientRef = async (name: string) => {
    const p = await db.prisma.patient.findUniqueOrThrow({ where: { id: patients.get(name)! }, include: { assignments: { select: { userId: true } } } });
    return { nodeId: p.nodeId, ownerId: p.primaryProviderId, assigneeIds: p.assignments.map((a) => a.userId), patientId: p.id };
  };
  const reads = async (email: string, name: string) => decide(await subjectOf(email), "patients.read", await patientRef(name));

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    for (const p of await db.prisma.patient.findMany({ select: { id: true, lastName: true } })) patients.set(p.lastName, p.id);
  }, 120_000);
  afterAll(async () => db?.destroy());
  afterEach(() => vi.useRealTimers());

  test("bad input: 400 with the field; another tenant: 404; a role not allowed: 403; nothing written", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const noReason = await declare("dr.lee@northwind.test", { patientId: patients.get("Johnson"), reason: "help" });
    expect(noReason).toMatchObject({ ok: false, code: "invalid", fields: { reason: ["Say what the emergency is (at least 10 characters)."] } });
    expect(await declare("dr.lee@northwind.test", { reason: "Patient collapsed in the waiting room." })).toMatchObject({ ok: false, code: "invalid", fields: { nodeId: ["Choose a place or give a patient's record ID."] } });
    expect(await declare("dr.lee@northwind.test", { patientId: "not-an-id", reason: "Patient collapsed in the waiting room." })).toMatchObject({ ok: false, code: "invalid", fields: { patientId: [expect.stringContaining("record ID")] } });
    // A stranger (another tenant's owner) and a patient that doesn't exist: the same 404.
    expect(await declare("owner@lakeside.test", { patientId: patients.get("Johnson"), reason: "Patient collapsed in the waiting room." })).toMatchObject({ ok: false, code: "not_found" });
    expect(await declare("owner@lakeside.test", { nodeId: nodes.get("Portland Practice"), reason: "Patient collapsed in the waiting room." })).toMatchObject({ ok: false, code: "not_found" });
    expect(await declare("dr.lee@northwind.test", { patientId: "00000000-0000-4000-8000-000000000000", reason: "Patient collapsed in the waiting room." })).toMatchObject({ ok: false, code: "not_found" });
    // Front Desk isn't among the roles Northwind allows (default: Provider).
    expect(await declare("frontdesk@northwind.test", { nodeId: nodes.get("Portland Practice"), reason: "Patient collapsed in the waiting room." })).toMatchObject({ ok: false, code: "forbidden", message: expect.stringContaining("can't use emergency access") });
    // Already visible: nothing to break.
    expect(await declare("dr.lee@northwind.test", { patientId: patients.get("Lovelace"), reason: "Patient collapsed in the waiting room." })).toMatchObject({ ok: false, code: "conflict" });
    expect(await db.prisma.emergencyAccess.count()).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { action: "emergency_access.used" } })).toBe(0);
  });

  test("a patient: access at once to that patient only, alerted, read audited via emergency, refused one second after the window", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    expect(await reads("dr.lee@northwind.test", "Johnson")).toBe(false);
    const caller = await as("dr.lee@northwind.test");
    expect(await callEntry(patientRoute.GET, { patientId: patients.get("Johnson") }, caller)).toMatchObject({ ok: false, code: "not_found" });

    const declared = await declare("dr.lee@northwind.test", { patientId: patients.get("Johnson"), reason: "Unconscious patient, Dr Patel unreachable." });
    expect(declared).toMatchObject({ ok: true, data: { minutes: 60, endsAt: new Date(T0 + 60 * MIN).toISOString() } });
    const id = declared.ok ? declared.data.id : "";
    expect(await reads("dr.lee@northwind.test", "Johnson")).toBe(true);
    // That patient only: Dr Patel's other patient at the same place stays closed, in decide() and in the SQL list filter.
    expect(await reads("dr.lee@northwind.test", "Liskov")).toBe(false);
    const listed = await db.prisma.patient.findMany({ where: where(await subjectOf("dr.lee@northwind.test"), "patients.read", "patient"), select: { lastName: true } });
    expect(listed.map((p) => p.lastName)).toContain("Johnson");
    expect(listed.map((p) => p.lastName)).not.toContain("Liskov");

    // Owners and admins: an in-app alert and an email.
    const alert = await db.prisma.auditAlert.findFirstOrThrow({ where: { kind: "emergency_access" } });
    const lee = (await db.prisma.user.findUniqueOrThrow({ where: { email: "dr.lee@northwind.test" } })).name;
    expect(alert.title).toBe(`${lee} used emergency access to patient Katherine Johnson at Seattle Downtown`);
    const mail = await db.prisma.emailOutbox.findFirst({ where: { to: "owner@northwind.test", kind: "security_alert", subject: { contains: "used emergency access" } } });
    expect(mail?.subject).toContain("Katherine Johnson");

    // The read itself is audited as usual, saying how and why.
    const opened = await callEntry(patientRoute.GET, { patientId: patients.get("Johnson") }, caller);
    expect(opened).toMatchObject({ ok: true, data: { fields: { lastName: "Johnson" } } });
    const read = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "patient.read", targetId: patients.get("Johnson") }, orderBy: { id: "desc" } });
    expect(read.details).toMatchObject({ via: "emergency_access", emergencyAccessId: id, reason: "Unconscious patient, Dr Patel unreachable." });

    at(T0 + 60 * MIN - 1);
    expect(await reads("dr.lee@northwind.test", "Johnson")).toBe(true);
    at(T0 + 60 * MIN + 1000);
    expect(await reads("dr.lee@northwind.test", "Johnson")).toBe(false);
    expect(await callEntry(patientRoute.GET, { patientId: patients.get("Johnson") }, await as("dr.lee@northwind.test"))).toMatchObject({ ok: false, code: "not_found" });

    // The review: required, never by the holder, only by an Owner/Admin, only in the tenant.
    expect(await review("dr.lee@northwind.test", id, "justified")).toMatchObject({ ok: false, code: "forbidden", message: expect.stringContaining("your own") });
    expect(await review("dr.patel@northwind.test", id, "justified")).toMatchObject({ ok: false, code: "forbidden" });
    expect(await review("owner@lakeside.test", id, "justified")).toMatchObject({ ok: false, code: "not_found" });
    expect(await review("owner@northwind.test", id, "maybe")).toMatchObject({ ok: false, code: "invalid", fields: { outcome: [expect.any(String)] } });
    expect(await review("owner@northwind.test", id, "justified", "")).toMatchObject({ ok: false, code: "invalid", fields: { note: [expect.any(String)] } });
    expect((await db.prisma.emergencyAccess.findUniqueOrThrow({ where: { id } })).reviewStatus).toBe("PENDING");
    const ownerView = await listEmergencies(db.prisma, await subjectOf("owner@northwind.test"), nodes.get("Northwind Dental Group")!);
    expect(ownerView.pending.map((v) => v.id)).toEqual([id]);
    expect((await listEmergencies(db.prisma, await subjectOf("dr.lee@northwind.test"), nodes.get("Northwind Dental Group")!)).pending).toEqual([]);
    expect(await review("owner@northwind.test", id, "justified", "Confirmed with the ER log.")).toMatchObject({ ok: true, data: { outcome: "justified", endedByReview: false } });
    expect(await review("west.admin@northwind.test", id, "not_justified")).toMatchObject({ ok: false, code: "conflict" });
    const row = await db.prisma.emergencyAccess.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ reviewStatus: "JUSTIFIED", reviewedById: ids.get("owner@northwind.test"), reviewNote: "Confirmed with the ER log." });
    const trail = await db.prisma.auditEvent.findMany({ where: { OR: [{ action: { startsWith: "emergency_access." } }] }, orderBy: { id: "asc" }, select: { action: true, actorId: true } });
    expect(trail.map((a) => a.action)).toEqual(["emergency_access.used", "emergency_access.reviewed"]);
  });

  test("a place: the tenant's window and roles (set by an Owner, audited); a review while it runs ends it at once", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0 + 2 * 60 * MIN);
    const root = nodes.get("Northwind Dental Group")!;
    const settings = { tenantId: root, breakGlassEnabled: true, breakGlassMinutes: 15, breakGlassRoleIds: [builtinRoleId("provider"), builtinRoleId("front_desk")], inactivityDays: null, inactivityWarnDays: 7 };
    const save = async (email: string, input: Record<string, unknown>) => callEntry(accessActions.saveAccessSettings, input, await as(email));
    expect(await save("owner@lakeside.test", settings)).toMatchObject({ ok: false, code: "not_found" });
    expect(await save("dr.lee@northwind.test", settings)).toMatchObject({ ok: false, code: "not_found" }); // no role at the root
    expect(await save("billing@northwind.test", settings)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await save("owner@northwind.test", { ...settings, breakGlassMinutes: 2 })).toMatchObject({ ok: false, code: "invalid", fields: { breakGlassMinutes: ["The window is at least 5 minutes."] } });
    expect(await db.prisma.accessSettings.count()).toBe(0);
    expect(await save("owner@northwind.test", settings)).toMatchObject({ ok: true, data: { breakGlassMinutes: 15 } });
    expect(await db.prisma.auditEvent.count({ where: { action: "access_settings.changed", actorId: ids.get("owner@northwind.test") } })).toBe(1);

    const portlandPatient = await patientRef("Allen");
    const frontDeskReads = async () => decide(await subjectOf("frontdesk@northwind.test"), "patients.read", portlandPatient);
    expect(await frontDeskReads()).toBe(false);
    const declared = await declare("frontdesk@northwind.test", { nodeId: nodes.get("Portland Practice"), reason: "Walk-in emergency, Portland short-staffed." });
    expect(declared).toMatchObject({ ok: true, data: { minutes: 15 } });
    expect(await frontDeskReads()).toBe(true);
    // The place is enterable now (the wrapper's 404 check reaches it), read-only: nothing to edit.
    const s = await subjectOf("frontdesk@northwind.test");
    expect(decide(s, "patients.edit", portlandPatient)).toBe(false);
    expect(decide(s, "members.manage_roles", { nodeId: nodes.get("Portland Practice")! })).toBe(false);

    at(T0 + 2 * 60 * MIN + 5 * MIN);
    const id = declared.ok ? declared.data.id : "";
    expect(await review("owner@northwind.test", id, "not_justified", "Not an emergency: book a normal shift.")).toMatchObject({ ok: true, data: { endedByReview: true } });
    expect(await frontDeskReads()).toBe(false);
  });
});
