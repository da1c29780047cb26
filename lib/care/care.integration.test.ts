/**
 * The care team against a real database (PGlite always; PostgreSQL too when TEST_DATABASE_URL is
 * set), on the demo data plus a little more:
 * - a table of who sees and changes what: Rob (Owner of Rob's Care), Marta (Admin), Jim (Member),
 *   Rob as Viewer in Neighbor's Care, and a Member of another profile who sees nothing of Rob's;
 * - the SQL filters select exactly the rows decide() allows, for every care permission and person;
 * - sensitive log entries never reach someone without care_sensitive.read, even with a role
 *   widened to read every entry;
 * - writes check the assignee, the clock and the sensitive flag, and are audited in the same transaction.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PERMISSIONS, resourceOf, type Permission } from "../authz/catalogue";
import { decide } from "../authz/decide";
import { SubjectLoader } from "../authz/load";
import { builtinRoleId } from "../authz/roles";
import type { Subject } from "../authz/subject";
import { AppError } from "../api/errors";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { seedDemoData } from "../../prisma/seed";
import { listTeamAvailability, saveMyAvailability } from "./availability";
import { careProfileOf, type CareProfile } from "./common";
import { careResource, careWhere, readableEventsWhere, type CareModel } from "./filters";
import { createEvent, listEvents } from "./log";
import { careReport } from "./reports";
import { createShift, deleteShift, exportSchedule, listShifts, updateShift } from "./schedule";
import { addDays, localDate, weekOf, zonedToUtc } from "./time";

const MODELS: Record<CareModel, "careShift" | "careEvent" | "careAvailability"> = {
  careShift: "careShift",
  careEvent: "careEvent",
  careEventSensitive: "careEvent",
  careAvailability: "careAvailability",
};
const RESOURCE: Record<CareModel, string> = { careShift: "care_schedule", careEvent: "care_events", careEventSensitive: "care_sensitive", careAvailability: "availability" };
const permissionsOf = (model: CareModel) => PERMISSIONS.filter((p) => resourceOf(p) === RESOURCE[model]);

describe.each(TEST_DATABASES)("care team ($name)", (kind) => {
  let db: TestDatabase;
  const loader = () => new SubjectLoader(db.prisma);
  const ids: Record<string, string> = {};
  const profiles: Record<string, CareProfile> = {};
  const subjects: Record<string, Subject> = {};
  const who = ["rob", "marta", "jim", "luann", "ned", "outsider", "widened"] as const;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids[u.email.split("@")[0]] = u.id;
    for (const n of await db.prisma.orgNode.findMany({ where: { kind: "CARE_PROFILE" } })) ids[n.name] = n.id;
    // A Member of another profile (Community Care), and a Member of Rob's Care whose role was widened
    // to read every log entry (but still has no care_sensitive.read).
    ids.outsider = randomUUID();
    ids.widened = randomUUID();
    await db.prisma.user.createMany({
      data: [
        { id: ids.outsider, email: "outsider@family.test", name: "Olive Outsider" },
        { id: ids.widened, email: "widened@family.test", name: "Wendy Widened" },
      ],
    });
    await db.prisma.roleBinding.createMany({
      data: [
        { userId: ids.outsider, nodeId: ids["Community Care"], roleId: builtinRoleId("care_member") },
        { userId: ids.widened, nodeId: ids["Rob's Care"], roleId: builtinRoleId("care_member"), adjustments: { add: [{ permission: "care_events.read" }, { permission: "care_schedule.read" }] } },
      ],
    });
    // Neighbor's Care gets a schedule and a log of its own (Rob only views there).
    const week = weekOf("America/Denver");
    await db.prisma.careShift.create({
      data: { profileId: ids["Neighbor's Care"], assigneeId: ids.ned, title: "Lawn and mail", startsAt: zonedToUtc(week.days[2], "10:00", "America/Denver"), endsAt: zonedToUtc(week.days[2], "11:00", "America/Denver"), createdById: ids.ned },
    });
    await db.prisma.careEvent.createMany({
      data: [
        { profileId: ids["Neighbor's Care"], authorId: ids.ned, occurredAt: new Date(Date.now() - 3_600_000), kind: "note", note: "Ned's own note." },
        { profileId: ids["Neighbor's Care"], authorId: ids.ned, occurredAt: new Date(Date.now() - 7_200_000), kind: "medication", note: "Ned's private medication.", sensitive: true },
        { profileId: ids["Community Care"], authorId: ids.outsider, occurredAt: new Date(Date.now() - 3_600_000), kind: "meal", note: "Olive's lunch note." },
      ],
    });
    await db.prisma.careAvailability.create({ data: { profileId: ids["Neighbor's Care"], userId: ids.ned, weekday: 3, start: "10:00", end: "12:00" } });
    for (const w of who) subjects[w] = await loader().load(ids[w]);
    for (const name of ["Rob's Care", "Mom's Care", "Neighbor's Care", "Community Care"]) {
      const s = Object.values(subjects).find((x) => careProfileOf(x, ids[name]));
      profiles[name] = careProfileOf(s!, ids[name])!;
    }
  });
  afterAll(async () => db?.destroy());

  const week = () => weekOf("America/Denver");
  const names = (rows: { assignee: { name: string } | null }[]) => rows.map((r) => r.assignee?.name ?? "open").sort();

  // ---------------------------------------------------------------------------------------------
  // Who sees what: the lists the pages show.
  // ---------------------------------------------------------------------------------------------
  test.each([
    // person, profile, shifts they see (by assignee), log entries they see, of which sensitive
    ["rob", "Rob's Care", ["Jim Carter", "Jim Carter", "Jim Carter", "Luann Wudlick", "Luann Wudlick", "Marta Wudlick", "Marta Wudlick", "open"], 4, 1],
    ["marta", "Rob's Care", ["Jim Carter", "Jim Carter", "Jim Carter", "Luann Wudlick", "Luann Wudlick", "Marta Wudlick", "Marta Wudlick", "open"], 4, 1],
    ["jim", "Rob's Care", ["Jim Carter", "Jim Carter", "Jim Carter"], 1, 0],
    ["widened", "Rob's Care", ["Jim Carter", "Jim Carter", "Jim Carter", "Luann Wudlick", "Luann Wudlick", "Marta Wudlick", "Marta Wudlick", "open"], 3, 0],
    ["rob", "Neighbor's Care", ["Ned Neighbor"], 0, 0],
    ["outsider", "Rob's Care", [], 0, 0],
  ] as const)("%s in %s: sees shifts of %j, %i log entries (%i sensitive)", async (person, profileName, shifts, events, sensitive) => {
    const subject = subjects[person];
    const profile = profiles[profileName];
    const seen = await listShifts(db.prisma, subject, profile, week());
    expect(names(seen)).toEqual([...shifts]);
    const log = await listEvents(db.prisma, subject, profile);
    expect(log.total).toBe(events);
    expect(log.rows.filter((r) => r.sensitive)).toHaveLength(sensitive);
  });

  test("Jim's log is only his own entries; the admin's sensitive medication entry never reaches him", async () => {
    const { rows } = await listEvents(db.prisma, subjects.jim, profiles["Rob's Care"]);
    expect(rows.map((r) => r.author.id)).toEqual([ids.jim]);
    expect(JSON.stringify(rows)).not.toContain("lisinopril");
  });

  test("availability: the team's weekly slots to everyone with availability.read, nothing across profiles", async () => {
    const team = await listTeamAvailability(db.prisma, subjects.jim, profiles["Rob's Care"]);
    expect(team.map((p) => [p.userId, p.slots.length])).toEqual([[ids.jim, 4]]);
    expect(await listTeamAvailability(db.prisma, subjects.rob, profiles["Neighbor's Care"])).toHaveLength(1);
    expect(await listTeamAvailability(db.prisma, subjects.outsider, profiles["Rob's Care"])).toEqual([]);
  });

  // ---------------------------------------------------------------------------------------------
  // Who may change what: the exact decisions the server actions make (see lib/care/actions.ts).
  // ---------------------------------------------------------------------------------------------
  const robsCare = () => ids["Rob's Care"];
  const asActions = (person: (typeof who)[number], nodeId: string) => {
    const s = subjects[person];
    const self = { nodeId, ownerId: s.userId };
    return {
      "add shift": decide(s, "care_schedule.create", { nodeId, ownerId: ids.jim }),
      "edit shift": decide(s, "care_schedule.edit", { nodeId, ownerId: ids.jim }),
      "delete shift": decide(s, "care_schedule.delete", { nodeId, ownerId: ids.jim }),
      "export schedule": decide(s, "care_schedule.export", { nodeId }),
      "update own availability": decide(s, "availability.edit", self),
      "log care": decide(s, "care_events.create", self),
      "mark sensitive": decide(s, "care_sensitive.edit", self),
      "view reports": decide(s, "care_reports.read", { nodeId }),
      "export reports": decide(s, "care_reports.export", { nodeId }),
    };
  };
  test.each([
    ["rob", "Rob's Care", { "add shift": true, "edit shift": true, "delete shift": true, "export schedule": true, "update own availability": true, "log care": true, "mark sensitive": true, "view reports": true, "export reports": true }],
    ["marta", "Rob's Care", { "add shift": true, "edit shift": true, "delete shift": true, "export schedule": true, "update own availability": true, "log care": true, "mark sensitive": false, "view reports": true, "export reports": true }],
    ["jim", "Rob's Care", { "add shift": false, "edit shift": false, "delete shift": false, "export schedule": false, "update own availability": true, "log care": true, "mark sensitive": false, "view reports": false, "export reports": false }],
    ["rob", "Neighbor's Care", { "add shift": false, "edit shift": false, "delete shift": false, "export schedule": false, "update own availability": false, "log care": false, "mark sensitive": false, "view reports": false, "export reports": false }],
    ["outsider", "Rob's Care", { "add shift": false, "edit shift": false, "delete shift": false, "export schedule": false, "update own availability": false, "log care": false, "mark sensitive": false, "view reports": false, "export reports": false }],
  ] as const)("%s in %s may: %j", (person, profileName, expected) => {
    expect(asActions(person, ids[profileName])).toEqual(expected);
  });

  test("Jim may not update someone else's availability (own scope)", () => {
    expect(decide(subjects.jim, "availability.edit", { nodeId: robsCare(), ownerId: ids.marta })).toBe(false);
  });

  // ---------------------------------------------------------------------------------------------
  // The SQL filters agree with decide(), row by row, for every care permission and person.
  // ---------------------------------------------------------------------------------------------
  test.each(Object.keys(MODELS) as CareModel[])("%s: careWhere() selects exactly the rows decide() allows", async (model) => {
    const table = MODELS[model];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const delegate = (db.prisma as any)[table];
    const all: ({ id: string } & Record<string, unknown>)[] = await delegate.findMany();
    expect(all.length).toBeGreaterThan(0);
    let checked = 0;
    for (const person of who) {
      for (const permission of permissionsOf(model) as Permission[]) {
        const expected = all
          .filter((row) => decide(subjects[person], permission, careResource(model, row as never)))
          .map((r) => r.id)
          .sort();
        const actual = (await delegate.findMany({ where: careWhere(subjects[person], permission, model), select: { id: true } })).map((r: { id: string }) => r.id).sort();
        expect(actual, `${person} ${permission}`).toEqual(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  test("readable log entries = care_events.read and, when sensitive, care_sensitive.read — for everyone", async () => {
    const all = await db.prisma.careEvent.findMany();
    expect(all.some((e) => e.sensitive)).toBe(true);
    for (const person of who) {
      const s = subjects[person];
      const expected = all
        .filter((e) => decide(s, "care_events.read", careResource("careEvent", e)) && (!e.sensitive || decide(s, "care_sensitive.read", careResource("careEventSensitive", e))))
        .map((e) => e.id)
        .sort();
      const actual = (await db.prisma.careEvent.findMany({ where: readableEventsWhere(s), select: { id: true } })).map((e) => e.id).sort();
      expect(actual, person).toEqual(expected);
      const hasSensitiveRead = all.some((e) => decide(s, "care_sensitive.read", careResource("careEventSensitive", e)));
      if (!hasSensitiveRead) expect(all.filter((e) => actual.includes(e.id) && e.sensitive), person).toEqual([]);
    }
  });

  test("an expired binding sees nothing", async () => {
    const temp = randomUUID();
    await db.prisma.user.create({ data: { id: temp, email: "temp@family.test", name: "Temp" } });
    await db.prisma.roleBinding.create({ data: { userId: temp, nodeId: robsCare(), roleId: builtinRoleId("care_admin"), expiresAt: new Date(Date.now() - 1000) } });
    const s = await loader().load(temp);
    expect(await db.prisma.careShift.count({ where: careWhere(s, "care_schedule.read", "careShift") })).toBe(0);
    expect(await db.prisma.careEvent.count({ where: readableEventsWhere(s) })).toBe(0);
  });

  // ---------------------------------------------------------------------------------------------
  // Writes.
  // ---------------------------------------------------------------------------------------------
  const actor = (person: (typeof who)[number]) => ({ subject: subjects[person], userId: ids[person], ip: "127.0.0.1" });
  const audits = (action: string) => db.prisma.auditEvent.count({ where: { action, tenantId: robsCare() } });
  const fail = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return e as AppError;
    }
    throw new Error("expected an error");
  };

  test("a shift's assignee must be on the care team; add, edit and delete are audited", async () => {
    const profile = profiles["Rob's Care"];
    const day = addDays(week().monday, 2);
    const err = await fail(db.prisma.$transaction((tx) => createShift(tx, actor("rob"), profile, { nodeId: profile.id, title: "Night", date: day, start: "20:00", end: "23:00", assigneeId: ids.ned, notes: "" })));
    expect(err).toBeInstanceOf(AppError);
    expect(err.fields?.assigneeId?.[0]).toMatch(/care team/);

    const created = await db.prisma.$transaction((tx) => createShift(tx, actor("rob"), profile, { nodeId: profile.id, title: "Night check", date: day, start: "20:00", end: "23:00", assigneeId: ids.jim, notes: "Doors locked" }));
    expect(await audits("care_shift.created")).toBe(1);
    const row = await db.prisma.careShift.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.startsAt.toISOString()).toBe(zonedToUtc(day, "20:00", "America/Denver").toISOString());
    expect((await listShifts(db.prisma, subjects.jim, profile, week())).map((s) => s.title)).toContain("Night check");

    await db.prisma.$transaction((tx) => updateShift(tx, actor("marta"), profile, created.id, { nodeId: profile.id, title: "Night check", date: day, start: "20:00", end: "22:00", assigneeId: null, notes: "" }));
    expect(await audits("care_shift.updated")).toBe(1);
    expect((await listShifts(db.prisma, subjects.jim, profile, week())).map((s) => s.title)).not.toContain("Night check");

    // The id of another profile's shift is "not found" here, whoever asks.
    const neighbors = await db.prisma.careShift.findFirstOrThrow({ where: { profileId: ids["Neighbor's Care"] } });
    expect((await fail(db.prisma.$transaction((tx) => deleteShift(tx, actor("rob"), profile, neighbors.id)))).code).toBe("not_found");

    await db.prisma.$transaction((tx) => deleteShift(tx, actor("rob"), profile, created.id));
    expect(await audits("care_shift.deleted")).toBe(1);
    expect(await db.prisma.careShift.count({ where: { id: created.id } })).toBe(0);
  });

  test("the database refuses a shift that ends before it starts", async () => {
    const at = new Date();
    await expect(
      db.prisma.careShift.create({ data: { profileId: robsCare(), title: "x", startsAt: at, endsAt: new Date(at.getTime() - 1), createdById: ids.rob } }),
    ).rejects.toThrow();
  });

  test("availability is replaced as a whole and audited", async () => {
    const profile = profiles["Rob's Care"];
    await db.prisma.$transaction((tx) => saveMyAvailability(tx, actor("jim"), profile, [{ weekday: 1, start: "08:00", end: "12:00" }, { weekday: 1, start: "14:00", end: "16:00" }]));
    expect(await db.prisma.careAvailability.findMany({ where: { profileId: profile.id, userId: ids.jim }, orderBy: { start: "asc" }, select: { weekday: true, start: true, end: true } })).toEqual([
      { weekday: 1, start: "08:00", end: "12:00" },
      { weekday: 1, start: "14:00", end: "16:00" },
    ]);
    expect(await audits("care_availability.updated")).toBe(1);
  });

  test("logging care: sensitive only with care_sensitive.edit, never in the future, audited without the note", async () => {
    const profile = profiles["Rob's Care"];
    const now = new Date();
    const today = localDate(now, profile.timeZone);
    const entry = { nodeId: profile.id, kind: "note" as const, date: today, time: "00:00", note: "Private detail", sensitive: true };
    expect((await fail(db.prisma.$transaction((tx) => createEvent(tx, actor("jim"), profile, entry)))).code).toBe("forbidden");
    expect((await fail(db.prisma.$transaction((tx) => createEvent(tx, actor("marta"), profile, entry)))).code).toBe("forbidden");
    const future = await fail(db.prisma.$transaction((tx) => createEvent(tx, actor("jim"), profile, { ...entry, sensitive: false, date: addDays(today, 2) })));
    expect(future.fields?.time?.[0]).toMatch(/future/);

    const before = await audits("care_event.logged");
    await db.prisma.$transaction((tx) => createEvent(tx, actor("rob"), profile, entry));
    await db.prisma.$transaction((tx) => createEvent(tx, actor("jim"), profile, { ...entry, sensitive: false, note: "Lunch" }));
    expect(await audits("care_event.logged")).toBe(before + 2);
    const logged = await db.prisma.auditEvent.findMany({ where: { action: "care_event.logged", tenantId: profile.id } });
    expect(JSON.stringify(logged.map((a) => a.details))).not.toContain("Private detail");
    const jims = await listEvents(db.prisma, subjects.jim, profile);
    expect(jims.rows.map((r) => r.note)).toContain("Lunch");
    expect(jims.rows.map((r) => r.note)).not.toContain("Private detail");
    expect((await listEvents(db.prisma, subjects.marta, profile)).rows.map((r) => r.note)).toContain("Private detail");
  });

  test("the schedule export holds the rows the exporter may read, and is audited as an export", async () => {
    const profile = profiles["Rob's Care"];
    const body = await db.prisma.$transaction((tx) => exportSchedule(tx, actor("marta"), profile, week()));
    const lines = body.trim().split("\r\n");
    expect(lines[0]).toBe("Date,Start,End,Hours,Shift,Assigned to,Email,Notes,Time zone");
    expect(lines).toHaveLength(1 + 8);
    expect(lines.filter((l) => l.includes("jim@family.test"))).toHaveLength(3);
    expect(lines.filter((l) => l.includes("Open shift"))).toHaveLength(1);
    expect(await audits("care_schedule.exported")).toBe(1);
  });

  test("the report: hours scheduled this week and entries logged, per person", async () => {
    const report = await careReport(db.prisma, profiles["Rob's Care"], week());
    const jim = report.rows.find((r) => r.userId === ids.jim)!;
    expect([jim.shifts, jim.minutes]).toEqual([3, 12 * 60]);
    expect(report.open).toEqual({ shifts: 1, minutes: 4 * 60 });
    expect(report.rows.find((r) => r.userId === ids.marta)).toMatchObject({ shifts: 2, minutes: 6 * 60 });
  });
});
