import type { Db, Tx } from "../lib/db/client";
import { builtinRoleId } from "../lib/authz/roles";
import type { NodeKind } from "../lib/authz/tree";
import { hashPassword } from "../lib/auth/password";
import { createNode } from "../lib/orgs/nodes";
import { syncBuiltinRoles } from "../lib/roles/builtin";
import { addDays, localDate, weekOf, zonedToUtc } from "../lib/care/time";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo-accounts";
import { seedIdentityDemo } from "./seed-identity";
import { seedClinicalDemo } from "./seed-clinical";
import { seedBillingDemo } from "./seed-billing";
import { seedClinicDemo } from "./seed-clinic-demo";

export { DEMO_ACCOUNTS, DEMO_PASSWORD };

/**
 * The demo data: Northwind Dental Group (an enterprise of two regions), Lakeside Physio (a single
 * practice) and four family care profiles, with the accounts listed in the README.
 * Idempotent: it runs in one transaction, and does nothing if the demo owner already exists.
 */
type Tree = { kind: NodeKind; name: string; timeZone?: string; flags?: Record<string, boolean>; children?: Tree[] };

const ORGS: Tree[] = [
  {
    kind: "ENTERPRISE",
    name: "Northwind Dental Group",
    timeZone: "America/Los_Angeles",
    flags: { enterpriseManagement: true, emSync: true },
    children: [
      {
        kind: "REGION",
        name: "West Region",
        children: [
          { kind: "PRACTICE", name: "Seattle Practice", children: [{ kind: "LOCATION", name: "Seattle Downtown" }, { kind: "LOCATION", name: "Seattle Northgate" }] },
          { kind: "PRACTICE", name: "Portland Practice", children: [{ kind: "LOCATION", name: "Portland Pearl District" }] },
        ],
      },
      {
        kind: "REGION",
        name: "East Region",
        timeZone: "America/New_York",
        children: [
          { kind: "PRACTICE", name: "Boston Practice", children: [{ kind: "LOCATION", name: "Boston Back Bay" }] },
          { kind: "PRACTICE", name: "New York Practice", children: [{ kind: "LOCATION", name: "New York Midtown" }] },
        ],
      },
    ],
  },
  {
    kind: "PRACTICE",
    name: "Lakeside Physio",
    timeZone: "America/Chicago",
    children: [{ kind: "LOCATION", name: "Lakeside Downtown" }, { kind: "LOCATION", name: "Lakeside Harbor" }],
  },
  { kind: "CARE_PROFILE", name: "Rob's Care", timeZone: "America/Denver" },
  { kind: "CARE_PROFILE", name: "Mom's Care", timeZone: "America/Denver" },
  { kind: "CARE_PROFILE", name: "Community Care", timeZone: "America/Denver" },
  { kind: "CARE_PROFILE", name: "Neighbor's Care", timeZone: "America/Denver" },
];

// who, where, role (built-in key)
const BINDINGS: [string, string, string][] = [
  ["owner@northwind.test", "Northwind Dental Group", "owner"],
  ["west.admin@northwind.test", "West Region", "admin"],
  ["manager@northwind.test", "Seattle Practice", "manager"],
  ["manager@northwind.test", "Portland Practice", "front_desk"],
  ["dr.lee@northwind.test", "Seattle Practice", "provider"],
  ["dr.patel@northwind.test", "Seattle Practice", "provider"],
  ["frontdesk@northwind.test", "Boston Practice", "front_desk"],
  ["dr.okafor@northwind.test", "Boston Practice", "provider"],
  ["billing@northwind.test", "Northwind Dental Group", "billing"],
  ["inventory@northwind.test", "Seattle Practice", "inventory_manager"],
  ["ai.handler@northwind.test", "Seattle Practice", "ai_assistant_handler"],
  ["consultant@northwind.test", "East Region", "consultant"],
  ["psm@careaccess.test", "Northwind Dental Group", "psm"],
  ["owner@lakeside.test", "Lakeside Physio", "owner"],
  ["therapist@lakeside.test", "Lakeside Downtown", "provider"],
  ["rob@family.test", "Rob's Care", "care_owner"],
  ["rob@family.test", "Mom's Care", "care_admin"],
  ["rob@family.test", "Community Care", "care_member"],
  ["rob@family.test", "Neighbor's Care", "care_viewer"],
  ["luann@family.test", "Mom's Care", "care_owner"],
  ["luann@family.test", "Rob's Care", "care_admin"],
  ["marta@family.test", "Rob's Care", "care_admin"],
  ["marta@family.test", "Mom's Care", "care_admin"],
  ["jim@family.test", "Rob's Care", "care_member"],
  ["carol@community.test", "Community Care", "care_owner"],
  ["ned@neighbor.test", "Neighbor's Care", "care_owner"],
];

// first, last, location, primary provider (email or null), shared with
const PATIENTS: [string, string, string, string | null, string[]][] = [
  ["Ada", "Lovelace", "Seattle Downtown", "dr.lee@northwind.test", []],
  ["Grace", "Hopper", "Seattle Downtown", "dr.lee@northwind.test", []],
  ["Alan", "Turing", "Seattle Northgate", "dr.lee@northwind.test", []],
  ["Katherine", "Johnson", "Seattle Downtown", "dr.patel@northwind.test", []],
  ["Edsger", "Dijkstra", "Seattle Northgate", "dr.patel@northwind.test", []],
  ["Barbara", "Liskov", "Seattle Downtown", "dr.patel@northwind.test", []],
  ["Margaret", "Hamilton", "Seattle Downtown", "dr.lee@northwind.test", ["dr.patel@northwind.test"]],
  ["Donald", "Knuth", "Seattle Northgate", null, []],
  ["Frances", "Allen", "Portland Pearl District", null, []],
  ["John", "Backus", "Portland Pearl District", null, []],
  ["Radia", "Perlman", "Boston Back Bay", null, []],
  ["Leslie", "Lamport", "Boston Back Bay", null, []],
  ["Shafi", "Goldwasser", "New York Midtown", null, []],
  ["Tim", "Berners-Lee", "Lakeside Downtown", "therapist@lakeside.test", []],
  ["Hedy", "Lamarr", "Lakeside Harbor", null, []],
];

export async function isSeeded(db: Db | Tx): Promise<boolean> {
  return (await db.user.count({ where: { email: DEMO_ACCOUNTS[0].email } })) > 0;
}

/** `bulk`: also the few hundred generated Northwind patients of seed-clinic-demo.ts (`npm start`; tests count the hand-made ones). */
export async function seedDemoData(db: Db, opts: { bulk?: boolean } = {}): Promise<{ seeded: boolean }> {
  await syncBuiltinRoles(db);
  if (await isSeeded(db)) return { seeded: false };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(
    async (tx) => {
      const nodes = new Map<string, { id: string; rootId: string }>();
      const walk = async (tree: Tree, parentId: string | null, timeZone: string) => {
        const tz = tree.timeZone ?? timeZone;
        const node = await createNode(tx, { kind: tree.kind, name: tree.name, parentId, timeZone: tz, featureFlags: tree.flags });
        nodes.set(tree.name, node);
        for (const child of tree.children ?? []) await walk(child, node.id, tz);
      };
      for (const org of ORGS) await walk(org, null, "UTC");

      const users = new Map<string, string>();
      for (const a of DEMO_ACCOUNTS) {
        const user = await tx.user.create({
          data: { email: a.email, name: a.name, passwordHash, isPlatformStaff: a.email.endsWith("@careaccess.test") },
        });
        users.set(a.email, user.id);
      }
      // Accounts belong to people; the two clinics created their staff's accounts and verified their
      // email domains, so they manage them. The family accounts are their own (README, Security).
      const MANAGED: Record<string, string> = { "northwind.test": "Northwind Dental Group", "lakeside.test": "Lakeside Physio" };
      for (const [domain, org] of Object.entries(MANAGED)) {
        const tenantId = nodes.get(org)!.id;
        await tx.tenantDomain.create({ data: { tenantId, domain, verifiedAt: new Date() } });
        await tx.user.updateMany({ where: { email: { endsWith: `@${domain}` } }, data: { managedByTenantId: tenantId } });
      }
      const owner = users.get("owner@northwind.test")!;
      await tx.roleBinding.createMany({
        data: BINDINGS.map(([email, node, role]) => ({
          userId: users.get(email)!,
          nodeId: nodes.get(node)!.id,
          roleId: builtinRoleId(role),
          grantedById: role === "psm" ? owner : null,
          reason: role === "psm" ? "Support access granted by the enterprise owner" : null,
          // Platform support is time-boxed (issue 11): staff hold nothing in a tenant without an end date.
          expiresAt: role === "psm" ? new Date(Date.now() + 30 * 86_400_000) : null,
        })),
      });

      await seedCareTeam(tx, nodes, users);
      await seedIdentityDemo(tx, nodes);

      for (const [i, [firstName, lastName, location, provider, shared]] of PATIENTS.entries()) {
        const node = nodes.get(location)!;
        const patient = await tx.patient.create({
          data: {
            tenantId: node.rootId,
            nodeId: node.id,
            firstName,
            lastName,
            dateOfBirth: new Date(Date.UTC(1950 + i * 3, i % 12, 1 + i)),
            phone: `+1 206 555 01${String(i).padStart(2, "0")}`,
            email: `${firstName.toLowerCase()}.${lastName.toLowerCase().replace(/[^a-z]/g, "")}@example.com`,
            address: `${100 + i} Main Street`,
            ssn: `900-00-${String(1000 + i).slice(-4)}`,
            insuranceMemberId: `INS-${100200 + i}`,
            primaryProviderId: provider ? users.get(provider)! : null,
          },
        });
        for (const s of shared) await tx.patientAssignment.create({ data: { patientId: patient.id, userId: users.get(s)! } });
        if (provider) {
          await tx.clinicalNote.create({
            data: { patientId: patient.id, nodeId: node.id, authorId: users.get(provider)!, body: `Initial assessment for ${firstName} ${lastName}.` },
          });
          await tx.appointment.create({
            data: {
              patientId: patient.id,
              nodeId: node.id,
              providerId: users.get(provider)!,
              startsAt: new Date(Date.UTC(2026, 11, 1 + i, 16, 0)),
              reason: "Follow-up",
            },
          });
        }
      }
      await seedClinicalDemo(tx, nodes, users);
      await seedBillingDemo(tx, nodes, users);
      await seedClinicDemo(tx, nodes, users, { bulk: opts.bulk ?? false });
    },
    { timeout: 60_000 },
  );
  return { seeded: true };
}

// Care team demo data (docs/care-team.md): the current week in the profile's time zone, so the
// schedule is never empty on a fresh database. [day of week from Monday, start, end, title, who | null]
const CARE_SHIFTS: Record<string, [number, string, string, string, string | null][]> = {
  "Rob's Care": [
    [0, "08:00", "12:00", "Morning care", "jim@family.test"],
    [0, "17:00", "20:00", "Evening meal and medication", "marta@family.test"],
    [1, "08:00", "12:00", "Morning care", "jim@family.test"],
    [2, "09:00", "13:00", "Physio appointment", "luann@family.test"],
    [3, "08:00", "12:00", "Morning care", "jim@family.test"],
    [4, "17:00", "20:00", "Evening meal and medication", "marta@family.test"],
    [5, "10:00", "14:00", "Weekend help", null],
    [6, "10:00", "13:00", "Lunch and a walk", "luann@family.test"],
  ],
  "Mom's Care": [
    [1, "10:00", "14:00", "Groceries and lunch", "luann@family.test"],
    [3, "09:00", "11:00", "Doctor visit", "marta@family.test"],
    [5, "09:00", "12:00", "Housekeeping", null],
  ],
};
// [profile, who, weekday 0-6, start, end]
const CARE_AVAILABILITY: [string, string, number, string, string][] = [
  ["Rob's Care", "jim@family.test", 1, "07:30", "13:00"],
  ["Rob's Care", "jim@family.test", 2, "07:30", "13:00"],
  ["Rob's Care", "jim@family.test", 4, "07:30", "13:00"],
  ["Rob's Care", "jim@family.test", 6, "09:00", "12:00"],
];
// [profile, who, days ago (always in the past), time, kind, note, sensitive]
const CARE_EVENTS: [string, string, number, string, string, string, boolean][] = [
  ["Rob's Care", "jim@family.test", 1, "08:30", "meal", "Breakfast: oatmeal with berries and coffee. Ate everything.", false],
  ["Rob's Care", "marta@family.test", 1, "18:15", "medication", "Evening medication given: lisinopril 10 mg and metformin 500 mg.", true],
  ["Rob's Care", "marta@family.test", 2, "14:00", "visit", "Visited for the afternoon; went through the week's appointments together.", false],
  ["Rob's Care", "marta@family.test", 2, "16:30", "note", "Picked up the new wheelchair cushion from the pharmacy.", false],
  ["Mom's Care", "luann@family.test", 1, "11:00", "note", "Mom enjoyed the garden walk; asked about the family dinner on Sunday.", false],
];

const zoneOf = (profileName: string) => ORGS.find((o) => o.name === profileName)?.timeZone ?? "UTC";

async function seedCareTeam(tx: Tx, nodes: Map<string, { id: string }>, users: Map<string, string>, now = new Date()) {
  for (const [profileName, shifts] of Object.entries(CARE_SHIFTS)) {
    const profile = nodes.get(profileName)!;
    const timeZone = zoneOf(profileName);
    const week = weekOf(timeZone, null, now);
    const owner = BINDINGS.find(([, node, role]) => node === profileName && role === "care_owner")![0];
    await tx.careShift.createMany({
      data: shifts.map(([day, start, end, title, who]) => ({
        profileId: profile.id,
        assigneeId: who ? users.get(who)! : null,
        startsAt: zonedToUtc(week.days[day], start, timeZone),
        endsAt: zonedToUtc(week.days[day], end, timeZone),
        title,
        createdById: users.get(owner)!,
      })),
    });
  }
  await tx.careAvailability.createMany({
    data: CARE_AVAILABILITY.map(([profileName, who, weekday, start, end]) => ({ profileId: nodes.get(profileName)!.id, userId: users.get(who)!, weekday, start, end })),
  });
  await tx.careEvent.createMany({
    data: CARE_EVENTS.map(([profileName, who, daysAgo, time, kind, note, sensitive]) => ({
      profileId: nodes.get(profileName)!.id,
      authorId: users.get(who)!,
      occurredAt: zonedToUtc(addDays(localDate(now, zoneOf(profileName)), -daysAgo), time, zoneOf(profileName)),
      kind,
      note,
      sensitive,
    })),
  });
}
