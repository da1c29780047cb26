/**
 * Patients and clinical notes (issue 10) through the real REST specs (runAs) on PGlite and, with
 * TEST_DATABASE_URL, PostgreSQL, on the demo data: who sees which patients and which fields (masks
 * in the JSON), keyset pages and search, audit rows for reads/lists/exports, exports refused without
 * patients.export, strangers 404, lower roles 403 with nothing changed, broken input 400.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as NOTES_GET, POST as NOTES_POST } from "@/app/api/patients/[patientId]/notes/route";
import { DELETE as PATIENT_DELETE, GET as PATIENT_GET, PATCH as PATIENT_PATCH } from "@/app/api/patients/[patientId]/route";
import { GET as EXPORT_GET } from "@/app/api/patients/export/route";
import { GET as LIST_GET, POST as LIST_POST } from "@/app/api/patients/route";
import { AppError } from "../api/errors";
import { runAs, type Caller, type Spec } from "../api/handler";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import { editNoteAction, sharePatientAction } from "./actions";
import { COUNT_CAP, patientCountLabel, type PatientView } from "./patients";

type AnySpec = Spec<never, unknown>;
const specOf = (entry: unknown) => (entry as { spec: AnySpec }).spec;
type Outcome = { ok: true; data: any } | { ok: false; code: string; fields?: Record<string, string[]>; message: string };

describe.each(TEST_DATABASES)("patients and clinical notes ($name)", (kind) => {
  let db: TestDatabase;
  const nodes = new Map<string, string>();
  const patients = new Map<string, string>();
  const callers = new Map<string, Caller>();
  const users = new Map<string, string>();

  const call = async (entry: unknown, email: string, raw: unknown): Promise<Outcome> => {
    try {
      return { ok: true, data: await runAs(specOf(entry), raw as never, callers.get(email)!) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, code: err.code, fields: err.fields, message: err.message };
      throw err;
    }
  };
  const list = async (email: string, node: string, extra: Record<string, unknown> = {}) => {
    const r = await call(LIST_GET, email, { nodeId: nodes.get(node), take: "100", ...extra });
    if (!r.ok) throw new Error(`${email} list: ${r.code}`);
    return r.data as { rows: PatientView[]; total: number; totalCapped: boolean; next: string | null };
  };
  const lastNames = (rows: PatientView[]) => rows.map((r) => r.fields.lastName).sort();
  const lastAudit = (action: string) => db.prisma.auditEvent.findFirst({ where: { action }, orderBy: { id: "desc" } });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    for (const p of await db.prisma.patient.findMany({ select: { id: true, lastName: true } })) patients.set(p.lastName, p.id);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) {
      users.set(u.email, u.id);
      callers.set(u.email, await callerFor(db, u.email));
    }
  });
  afterAll(async () => db?.destroy());

  const NORTHWIND = ["Allen", "Backus", "Dijkstra", "Goldwasser", "Hamilton", "Hopper", "Johnson", "Knuth", "Lamport", "Liskov", "Lovelace", "Perlman", "Turing"];

  test.each([
    // who, where, last names they see, fields they see
    ["owner@northwind.test", "Northwind Dental Group", NORTHWIND, ["firstName", "lastName", "dateOfBirth", "phone", "email", "address", "ssn", "insuranceMemberId"]],
    ["billing@northwind.test", "Northwind Dental Group", NORTHWIND, ["firstName", "lastName", "dateOfBirth", "phone", "email", "address", "ssn", "insuranceMemberId"]],
    ["manager@northwind.test", "Seattle Practice", ["Dijkstra", "Hamilton", "Hopper", "Johnson", "Knuth", "Liskov", "Lovelace", "Turing"], ["firstName", "lastName", "dateOfBirth", "phone", "email", "address", "ssn", "insuranceMemberId"]],
    ["dr.lee@northwind.test", "Seattle Practice", ["Hamilton", "Hopper", "Lovelace", "Turing"], ["firstName", "lastName", "dateOfBirth", "phone", "email", "address", "ssn", "insuranceMemberId"]],
    ["dr.patel@northwind.test", "Seattle Practice", ["Dijkstra", "Hamilton", "Johnson", "Liskov"], ["firstName", "lastName", "dateOfBirth", "phone", "email", "address", "ssn", "insuranceMemberId"]],
    ["frontdesk@northwind.test", "Boston Practice", ["Lamport", "Perlman"], ["firstName", "lastName", "phone", "email", "address"]],
    ["manager@northwind.test", "Portland Practice", ["Allen", "Backus"], ["firstName", "lastName", "phone", "email", "address"]],
    ["inventory@northwind.test", "Seattle Practice", [], []],
    ["ai.handler@northwind.test", "Seattle Practice", [], []],
  ] as const)("%s at %s sees %j with fields %j", async (email, node, names, fields) => {
    const { rows, total } = await list(email, node);
    expect(lastNames(rows)).toEqual([...names]);
    expect(total).toBe(names.length);
    for (const r of rows) expect(Object.keys(r.fields).sort()).toEqual([...fields].sort());
    const json = JSON.stringify(rows);
    if (!fields.includes("ssn" as never)) {
      // Masked fields are absent from the JSON, not blanked: no SSN, insurance id or birth date values anywhere.
      expect(json).not.toMatch(/900-00-|INS-|"dateOfBirth":|"ssn":/);
      expect(rows.every((r) => r.primaryProvider === null && r.sharedWith.length === 0)).toBe(true);
    }
  });

  test("a list is audited as patient.list with the ids shown; keyset pages cover every row once; search by name", async () => {
    const first = await list("owner@northwind.test", "Northwind Dental Group", { take: "5" });
    const audit = await lastAudit("patient.list");
    expect((audit?.details as { ids: string[] }).ids).toEqual(first.rows.map((r) => r.id));
    expect(audit?.actorId).toBe(users.get("owner@northwind.test"));
    const seen = [...first.rows];
    let next = first.next;
    while (next) {
      const page = await list("owner@northwind.test", "Northwind Dental Group", { take: "5", after: next });
      seen.push(...page.rows);
      next = page.next;
    }
    expect(seen.map((r) => r.fields.lastName)).toEqual(NORTHWIND);
    expect(lastNames((await list("owner@northwind.test", "Northwind Dental Group", { q: "LOVE" })).rows)).toEqual(["Lovelace"]);
    expect(lastNames((await list("dr.lee@northwind.test", "Seattle Practice", { q: "ada love" })).rows)).toEqual(["Lovelace"]);
    // Search never widens: Dr. Lee searching for Dr. Patel's patient finds nothing.
    expect((await list("dr.lee@northwind.test", "Seattle Practice", { q: "Johnson" })).total).toBe(0);
  });

  test("broken list input is a 400 with the field named; a place outside the caller's tenants is 404", async () => {
    expect(await call(LIST_GET, "owner@northwind.test", { nodeId: nodes.get("Seattle Practice"), after: "not a cursor!" })).toMatchObject({ ok: false, code: "invalid", fields: { after: expect.any(Array) } });
    expect(await call(LIST_GET, "owner@northwind.test", { nodeId: nodes.get("Seattle Practice"), after: "bm9wZQ" })).toMatchObject({ ok: false, code: "invalid", fields: { after: expect.any(Array) } });
    expect(await call(LIST_GET, "owner@lakeside.test", { nodeId: nodes.get("Seattle Practice") })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(LIST_GET, "frontdesk@northwind.test", { nodeId: nodes.get("Seattle Practice") })).toMatchObject({ ok: false, code: "not_found" });
  });

  test("viewing a patient: masked per role, audited as patient.read; someone else's patient and a stranger get 404", async () => {
    const boston = patients.get("Perlman")!;
    const desk = await call(PATIENT_GET, "frontdesk@northwind.test", { patientId: boston });
    expect(desk.ok && Object.keys(desk.data.fields).sort()).toEqual(["address", "email", "firstName", "lastName", "phone"]);
    expect(JSON.stringify(desk)).not.toMatch(/900-00-|INS-/);
    const audit = await lastAudit("patient.read");
    expect(audit).toMatchObject({ targetId: boston, actorId: users.get("frontdesk@northwind.test") });
    expect(await call(PATIENT_GET, "dr.lee@northwind.test", { patientId: patients.get("Johnson") })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(PATIENT_GET, "owner@lakeside.test", { patientId: boston })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(PATIENT_GET, "inventory@northwind.test", { patientId: patients.get("Lovelace") })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(PATIENT_GET, "owner@northwind.test", { patientId: "nope" })).toMatchObject({ ok: false, code: "not_found" });
    const lee = await call(PATIENT_GET, "dr.lee@northwind.test", { patientId: patients.get("Hamilton") });
    expect(lee.ok && lee.data.fields.ssn).toMatch(/^900-00-/);
    expect(lee.ok && lee.data.sharedWith.map((s: { name: string }) => s.name)).toEqual(["Dr. Priya Patel"]);
  });

  test("export: owner gets every visible row as CSV, audited {format,count}; roles without patients.export get 403", async () => {
    const res = await runAs(specOf(EXPORT_GET), { nodeId: nodes.get("Seattle Practice") } as never, callers.get("owner@northwind.test")!);
    expect(res).toBeInstanceOf(Response);
    const text = await (res as Response).text();
    expect(text.split("\r\n")[0]).toBe("id,location,First name,Last name,Date of birth,Phone,Email,Address,SSN,Insurance member ID");
    expect(text.trim().split("\r\n")).toHaveLength(1 + 8);
    expect((await lastAudit("patient.export"))?.details).toEqual({ format: "csv", count: 8 });
    const before = await db.prisma.auditEvent.count({ where: { action: "patient.export" } });
    for (const email of ["manager@northwind.test", "dr.lee@northwind.test", "billing@northwind.test", "inventory@northwind.test"]) {
      expect(await call(EXPORT_GET, email, { nodeId: nodes.get("Seattle Practice") })).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(await call(EXPORT_GET, "frontdesk@northwind.test", { nodeId: nodes.get("Boston Practice") })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(EXPORT_GET, "owner@lakeside.test", { nodeId: nodes.get("Seattle Practice") })).toMatchObject({ ok: false, code: "not_found" });
    expect(await db.prisma.auditEvent.count({ where: { action: "patient.export" } })).toBe(before);
  });

  test("editing: lower roles 403 and nothing changes; bad input 400 with field messages; a provider edits their own patient", async () => {
    const ada = patients.get("Lovelace")!;
    const before = await db.prisma.patient.findUniqueOrThrow({ where: { id: ada } });
    expect(await call(PATIENT_PATCH, "billing@northwind.test", { patientId: ada, phone: "+1 555 0000" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(PATIENT_PATCH, "dr.patel@northwind.test", { patientId: ada, phone: "+1 555 0000" })).toMatchObject({ ok: false, code: "not_found" });
    const perlman = patients.get("Perlman")!;
    expect(await call(PATIENT_PATCH, "frontdesk@northwind.test", { patientId: perlman, phone: "+1 555 0000" })).toMatchObject({ ok: false, code: "forbidden" });
    const bad = await call(PATIENT_PATCH, "dr.lee@northwind.test", { patientId: ada, ssn: "123", email: "nope", dateOfBirth: "2090-01-01", role: "x" });
    expect(bad).toMatchObject({ ok: false, code: "invalid" });
    expect(!bad.ok && Object.keys(bad.fields!).sort()).toEqual(["dateOfBirth", "email", "role", "ssn"]);
    expect(await db.prisma.patient.findUniqueOrThrow({ where: { id: ada } })).toEqual(before);
    const ok = await call(PATIENT_PATCH, "dr.lee@northwind.test", { patientId: ada, phone: "+1 206 555 9999", ssn: "123-45-6789" });
    expect(ok.ok && ok.data.fields.phone).toBe("+1 206 555 9999");
    const audit = await lastAudit("patient.updated");
    expect(audit?.details).toEqual({ fields: ["phone", "ssn"] });
    expect(JSON.stringify(audit?.details)).not.toContain("123-45-6789");
  });

  test("create and delete: managers add patients but can't delete them; the owner deletes", async () => {
    const node = nodes.get("Seattle Downtown");
    expect(await call(LIST_POST, "frontdesk@northwind.test", { nodeId: nodes.get("Boston Back Bay"), firstName: "A", lastName: "B" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(LIST_POST, "manager@northwind.test", { nodeId: node, firstName: "", lastName: "B" })).toMatchObject({ ok: false, code: "invalid", fields: { firstName: ["Enter the first name."] } });
    const made = await call(LIST_POST, "manager@northwind.test", { nodeId: node, firstName: "Ida", lastName: "Rhodes", ssn: "900-11-2222" });
    expect(made.ok).toBe(true);
    const id = made.ok ? (made.data.id as string) : "";
    expect(await call(PATIENT_DELETE, "manager@northwind.test", { patientId: id })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(PATIENT_DELETE, "owner@lakeside.test", { patientId: id })).toMatchObject({ ok: false, code: "not_found" });
    expect(await db.prisma.patient.count({ where: { id } })).toBe(1);
    expect(await call(PATIENT_DELETE, "owner@northwind.test", { patientId: id })).toEqual({ ok: true, data: { deleted: true } });
    expect(await db.prisma.patient.count({ where: { id } })).toBe(0);
  });

  test("sharing with a second provider: they see the patient afterwards; someone who isn't a provider is refused with a reason", async () => {
    const grace = patients.get("Hopper")!;
    expect(lastNames((await list("dr.patel@northwind.test", "Seattle Practice")).rows)).not.toContain("Hopper");
    const refused = await call(sharePatientAction, "dr.lee@northwind.test", { patientId: grace, userId: users.get("inventory@northwind.test") });
    expect(refused).toMatchObject({ ok: false, code: "invalid", fields: { userId: ["That person isn't a provider who can see patients at this location."] } });
    expect(await call(sharePatientAction, "frontdesk@northwind.test", { patientId: patients.get("Perlman"), userId: users.get("dr.lee@northwind.test") })).toMatchObject({ ok: false, code: "forbidden" });
    const shared = await call(sharePatientAction, "dr.lee@northwind.test", { patientId: grace, userId: users.get("dr.patel@northwind.test") });
    expect(shared.ok && shared.data.sharedWith.map((s: { name: string }) => s.name)).toEqual(["Dr. Priya Patel"]);
    expect(lastNames((await list("dr.patel@northwind.test", "Seattle Practice")).rows)).toContain("Hopper");
    expect((await lastAudit("patient.shared"))?.targetId).toBe(grace);
  });

  test("clinical notes: providers write on their patients and edit only their own; Manager reads; Front Desk, Billing never", async () => {
    const ada = patients.get("Lovelace")!;
    const wrote = await call(NOTES_POST, "dr.lee@northwind.test", { patientId: ada, body: "Tooth 14: watch the filling." });
    expect(wrote.ok).toBe(true);
    const noteId = wrote.ok ? (wrote.data.id as string) : "";
    const leeNotes = await call(NOTES_GET, "dr.lee@northwind.test", { patientId: ada });
    expect(leeNotes.ok && leeNotes.data.map((n: { body: string }) => n.body)).toEqual(["Tooth 14: watch the filling.", "Initial assessment for Ada Lovelace."]);
    expect((await lastAudit("clinical_note.read"))?.details).toEqual({ ids: leeNotes.ok ? leeNotes.data.map((n: { id: string }) => n.id) : [] });
    const manager = await call(NOTES_GET, "manager@northwind.test", { patientId: ada });
    expect(manager.ok && manager.data).toHaveLength(2);
    expect(manager.ok && manager.data.every((n: { canEdit: boolean }) => !n.canEdit)).toBe(true);
    expect(await call(NOTES_POST, "manager@northwind.test", { patientId: ada, body: "x" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(NOTES_GET, "billing@northwind.test", { patientId: ada })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(NOTES_GET, "frontdesk@northwind.test", { patientId: patients.get("Perlman") })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(NOTES_GET, "dr.patel@northwind.test", { patientId: ada })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(NOTES_POST, "dr.lee@northwind.test", { patientId: ada, body: "   " })).toMatchObject({ ok: false, code: "invalid", fields: { body: ["Write the note."] } });
    // Margaret Hamilton is shared with Dr. Patel: she reads Dr. Lee's note but can't change it.
    const hamilton = patients.get("Hamilton")!;
    const patelView = await call(NOTES_GET, "dr.patel@northwind.test", { patientId: hamilton });
    expect(patelView.ok && patelView.data.map((n: { author: { name: string } }) => n.author.name)).toEqual(["Dr. Daniel Lee", "Dr. Daniel Lee"]);
    const leesNote = patelView.ok ? patelView.data.find((n: { body: string }) => n.body.startsWith("Initial assessment")).id : "";
    expect(await call(editNoteAction, "dr.patel@northwind.test", { noteId: leesNote, body: "changed" })).toMatchObject({ ok: false, code: "forbidden" });
    expect((await db.prisma.clinicalNote.findUniqueOrThrow({ where: { id: leesNote } })).body).toBe("Initial assessment for Margaret Hamilton.");
    expect(await call(editNoteAction, "dr.lee@northwind.test", { noteId, body: "Tooth 14: filling replaced." })).toMatchObject({ ok: true });
    expect(await call(editNoteAction, "owner@lakeside.test", { noteId, body: "x" })).toMatchObject({ ok: false, code: "not_found" });
  });

  // Last: it adds 10,000 patients. A place with more than COUNT_CAP visible patients says "10,000+"
  // (the count stops at COUNT_CAP + 1 rows); smaller places and other tenants keep their exact count.
  test("a count past 10,000 is capped and shown as 10,000+; smaller places keep the exact count", async () => {
    expect(await list("owner@northwind.test", "Northwind Dental Group")).toMatchObject({ total: NORTHWIND.length, totalCapped: false });
    const pearl = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Portland Pearl District" }, select: { id: true, rootId: true } }));
    const filler = Array.from({ length: COUNT_CAP }, (_, i) => ({ tenantId: pearl.rootId, nodeId: pearl.id, firstName: "Test", lastName: `Zz${String(i).padStart(5, "0")}` }));
    for (let i = 0; i < filler.length; i += 2_500) await db.prisma.patient.createMany({ data: filler.slice(i, i + 2_500) });
    const owner = await list("owner@northwind.test", "Northwind Dental Group");
    expect(owner).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(patientCountLabel(owner)).toBe("10,000+ patients");
    // The first page is still the first 100 by last name, and the next page exists.
    expect(owner.rows.slice(0, NORTHWIND.length).map((r) => r.fields.lastName)).toEqual(NORTHWIND);
    expect(owner.rows).toHaveLength(100);
    expect(owner.next).not.toBeNull();
    // Portland: its 2 patients + 10,000 = 10,002, capped; Boston and Lakeside unchanged and exact.
    expect(await list("manager@northwind.test", "Portland Practice")).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    const boston = await list("frontdesk@northwind.test", "Boston Practice");
    expect(boston).toMatchObject({ total: 2, totalCapped: false });
    expect(patientCountLabel(boston)).toBe("2 patients");
    expect(patientCountLabel({ total: 1, totalCapped: false })).toBe("1 patient");
    expect(await list("owner@lakeside.test", "Lakeside Physio")).toMatchObject({ totalCapped: false });
    // Dr. Lee's assigned scope is unaffected by the new unassigned patients.
    expect(await list("dr.lee@northwind.test", "Seattle Practice")).toMatchObject({ total: 4, totalCapped: false });
  }, 120_000);
});
