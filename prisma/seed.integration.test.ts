import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SubjectLoader } from "../lib/authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../lib/db/testing";
import { membershipsOf } from "../lib/members/memberships";
import { DEMO_ACCOUNTS } from "./demo-accounts";
import { seedDemoData } from "./seed";

/** Where each demo account belongs and as what: the table in the README, checked against the data. */
const EXPECTED: Record<string, string[]> = {
  "owner@northwind.test": ["Northwind Dental Group · Owner"],
  "west.admin@northwind.test": ["West Region · Admin"],
  "manager@northwind.test": ["Portland Practice · Front Desk", "Seattle Practice · Manager"],
  "dr.lee@northwind.test": ["Seattle Practice · Provider"],
  "dr.patel@northwind.test": ["Seattle Practice · Provider"],
  "frontdesk@northwind.test": ["Boston Practice · Front Desk"],
  "billing@northwind.test": ["Northwind Dental Group · Billing"],
  "inventory@northwind.test": ["Seattle Practice · Inventory Manager"],
  "ai.handler@northwind.test": ["Seattle Practice · AI Assistant Handler"],
  "consultant@northwind.test": ["East Region · Consultant"],
  "psm@careaccess.test": ["Northwind Dental Group · Platform support (PSM)"],
  "owner@lakeside.test": ["Lakeside Physio · Owner"],
  "therapist@lakeside.test": ["Lakeside Downtown · Provider"],
  "dr.okafor@northwind.test": ["Boston Practice · Provider"],
  "rob@family.test": ["Community Care · Member", "Mom's Care · Admin", "Neighbor's Care · Viewer", "Rob's Care · Owner"],
  "luann@family.test": ["Mom's Care · Owner", "Rob's Care · Admin"],
  "marta@family.test": ["Mom's Care · Admin", "Rob's Care · Admin"],
  "jim@family.test": ["Rob's Care · Member"],
  "carol@community.test": ["Community Care · Owner"],
  "ned@neighbor.test": ["Neighbor's Care · Owner"],
};

describe.each(TEST_DATABASES)("demo data ($name)", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    expect(await seedDemoData(db.prisma)).toEqual({ seeded: true });
  });
  afterAll(async () => db?.destroy());

  test("every listed account exists, active, with a password", async () => {
    const users = await db.prisma.user.findMany({ select: { email: true, status: true, passwordHash: true } });
    expect(users.map((u) => u.email).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.email).sort());
    for (const u of users) {
      expect(u.status).toBe("ACTIVE");
      expect(u.passwordHash).toMatch(/^\$argon2id\$/);
    }
  });

  test.each(Object.entries(EXPECTED))("%s belongs where the README says", async (email, expected) => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email } });
    const subject = await new SubjectLoader(db.prisma).load(user.id);
    expect(membershipsOf(subject).map((m) => `${m.nodeName} · ${m.role}`).sort()).toEqual(expected);
  });

  test("the two Seattle providers each have their own patients and share one", async () => {
    const rows = await db.prisma.patient.findMany({
      where: { primaryProvider: { email: { in: ["dr.lee@northwind.test", "dr.patel@northwind.test"] } } },
      include: { primaryProvider: true, assignments: { include: { user: true } } },
    });
    const byProvider = (email: string) => rows.filter((p) => p.primaryProvider?.email === email).length;
    expect(byProvider("dr.lee@northwind.test")).toBeGreaterThanOrEqual(3);
    expect(byProvider("dr.patel@northwind.test")).toBeGreaterThanOrEqual(3);
    const shared = rows.filter((p) => p.assignments.length > 0);
    expect(shared.map((p) => [p.primaryProvider?.email, p.assignments.map((a) => a.user.email)])).toEqual([
      ["dr.lee@northwind.test", ["dr.patel@northwind.test"]],
    ]);
  });

  test("Rob's Care has a week of shifts (Jim's, Marta's, Luann's, one open), Jim's availability and a care log with one sensitive entry", async () => {
    const robs = await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Rob's Care" } });
    const shifts = await db.prisma.careShift.findMany({ where: { profileId: robs.id }, select: { assignee: { select: { email: true } } } });
    const by = (email: string | null) => shifts.filter((s) => (s.assignee?.email ?? null) === email).length;
    expect(shifts).toHaveLength(8);
    expect([by("jim@family.test"), by("marta@family.test"), by("luann@family.test"), by(null)]).toEqual([3, 2, 2, 1]);
    const jim = await db.prisma.user.findUniqueOrThrow({ where: { email: "jim@family.test" } });
    expect(await db.prisma.careAvailability.count({ where: { profileId: robs.id, userId: jim.id } })).toBe(4);
    const events = await db.prisma.careEvent.findMany({ where: { profileId: robs.id }, select: { sensitive: true, author: { select: { email: true } } } });
    expect(events.map((e) => e.author.email).sort()).toEqual(["jim@family.test", "marta@family.test", "marta@family.test", "marta@family.test"]);
    expect(events.filter((e) => e.sensitive).map((e) => e.author.email)).toEqual(["marta@family.test"]);
    const moms = await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Mom's Care" } });
    expect(await db.prisma.careShift.count({ where: { profileId: moms.id } })).toBe(3);
  });

  test("seeding again adds nothing (idempotent)", async () => {
    const count = async () => ({
      users: await db.prisma.user.count(),
      nodes: await db.prisma.orgNode.count(),
      closure: await db.prisma.orgNodeClosure.count(),
      bindings: await db.prisma.roleBinding.count(),
      patients: await db.prisma.patient.count(),
      roles: await db.prisma.role.count(),
      careShifts: await db.prisma.careShift.count(),
      careAvailability: await db.prisma.careAvailability.count(),
      careEvents: await db.prisma.careEvent.count(),
    });
    const before = await count();
    expect(await seedDemoData(db.prisma)).toEqual({ seeded: false });
    expect(await count()).toEqual(before);
  });

  test("the closure table answers ancestors and subtrees in one query each", async () => {
    const { ancestorsOf, subtreeOf } = await import("../lib/orgs/nodes");
    const seattle = await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Seattle Downtown" } });
    expect((await ancestorsOf(db.prisma, seattle.id)).map((n) => n.name)).toEqual([
      "Seattle Downtown", "Seattle Practice", "West Region", "Northwind Dental Group",
    ]);
    const west = await db.prisma.orgNode.findFirstOrThrow({ where: { name: "West Region" } });
    expect((await subtreeOf(db.prisma, west.id)).map((n) => n.name).sort()).toEqual([
      "Portland Pearl District", "Portland Practice", "Seattle Downtown", "Seattle Northgate", "Seattle Practice", "West Region",
    ]);
  });
});
