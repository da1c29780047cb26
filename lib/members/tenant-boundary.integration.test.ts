/**
 * The tenant boundary for accounts (issue: "a stranger who creates a care profile can reach other
 * tenants' people"), through the real entry points: REST route specs and Settings > Users server
 * actions, run as real callers (runAs) on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as usersActions from "./actions";
import * as profilesRoute from "../../app/api/profiles/route";
import * as profileRoute from "../../app/api/profiles/[id]/route";
import * as membersRoute from "../../app/api/profiles/[id]/members/route";
import * as memberRoute from "../../app/api/profiles/[id]/members/[userId]/route";
import { runAs, type Caller, type Spec } from "../api/handler";
import { AppError } from "../api/errors";
import { sharedLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import * as passwordRoute from "../../app/api/account/password/route";
import { DEFAULT_SECURITY_SETTINGS, tenantRolesOf, userPolicy } from "../security/settings";
import { tenantAdmins } from "../security/account-admin";
import { acceptInvitation } from "../invitations/invitations";
import { issueToken } from "../security/tokens";
import { seedDemoData } from "../../prisma/seed";

type AnySpec = Spec<never, unknown>;
const specOf = (entry: unknown) => (entry as { spec: AnySpec }).spec;

/** Runs an entry point as a caller: the data, or the AppError it answered with. */
async function call(entry: unknown, raw: unknown, caller: Caller): Promise<{ ok: true; data: unknown } | { ok: false; code: string; message: string; fields?: Record<string, string[]> }> {
  try {
    return { ok: true, data: await runAs(specOf(entry), raw, caller) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, message: err.message, fields: err.fields };
    throw err;
  }
}

describe.each(TEST_DATABASES)("the tenant boundary for accounts ($name)", (kind) => {
  let db: TestDatabase;
  const ids = new Map<string, string>();
  const nodes = new Map<string, string>();
  const as = (email: string, opts?: { mustChangePassword?: boolean }) => callerFor(db, email, opts);
  /** What another tenant would notice about an account: everything on its row, its sessions, tokens and profile. */
  const accountState = async (email: string) => {
    const user = await db.prisma.user.findUniqueOrThrow({
      where: { email },
      select: { id: true, name: true, phone: true, status: true, passwordHash: true, lockedUntil: true, failedLoginCount: true, deletedAt: true, managedByTenantId: true, providerProfile: true },
    });
    return {
      user,
      liveSessions: await db.prisma.session.count({ where: { userId: user.id, revokedAt: null } }),
      resetTokens: await db.prisma.accountToken.count({ where: { userId: user.id, kind: "RESET" } }),
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
  });
  afterAll(async () => db?.destroy());

  test("finding 1: a throwaway care profile can't change, disable, rename, reset, unlock or end sessions of an account it doesn't manage", async () => {
    const jim = await as("jim@family.test");
    const created = await call(profilesRoute.POST, { kind: "CARE_PROFILE", name: "Jim's trap", timeZone: "UTC" }, jim);
    expect(created.ok).toBe(true);
    const trap = (created as { data: { id: string } }).data.id;
    const therapist = ids.get("therapist@lakeside.test")!;
    // The therapist is locked out after failed sign-ins, with a live session: the attack's targets.
    await db.prisma.user.update({ where: { id: therapist }, data: { lockedUntil: new Date(Date.now() + 3_600_000), failedLoginCount: 5 } });
    await as("therapist@lakeside.test");
    const before = await accountState("therapist@lakeside.test");

    // Adding an existing account only offers a role: nothing is bound until the person accepts.
    const invited = await call(membersRoute.POST, { id: trap, email: "therapist@lakeside.test", roleId: "builtin:care_member" }, jim);
    expect(invited).toEqual({ ok: true, data: { email: "therapist@lakeside.test", message: "Invitation sent to therapist@lakeside.test. Their access starts when they accept it." } });
    expect(await db.prisma.roleBinding.findMany({ where: { userId: therapist, node: { rootId: trap } }, select: { pending: true } })).toEqual([{ pending: true }]);

    const target = { nodeId: trap, userId: therapist };
    const attempts: [string, unknown, unknown][] = [
      ["rename", usersActions.updateDetails, { ...target, name: "Owned", phone: "+1 555 0000" }],
      ["reset password", usersActions.resetPassword, target],
      ["unlock", usersActions.unlockUser, target],
      ["end sessions", usersActions.endUserSessions, target],
      ["provider profile", usersActions.saveProvider, { ...target, credentials: "Fake", specialties: [], licenseNumber: null, bio: "x" }],
    ];
    for (const [what, entry, input] of attempts) {
      const r = await call(entry, input, jim);
      // Refused: she hasn't accepted (409), and even then the account isn't Jim's tenant's (403).
      expect(r, what).toMatchObject({ ok: false });
      expect(["forbidden", "conflict"], what).toContain((r as { code: string }).code);
    }
    // "Disable" from a tenant that doesn't manage the account suspends the membership here only.
    expect(await call(usersActions.setStatus, { ...target, status: "DISABLED" }, jim)).toEqual({ ok: true, data: { scope: "membership" } });
    expect(await call(usersActions.removeUser, { ...target, confirmation: "therapist@lakeside.test" }, jim)).toEqual({ ok: true, data: { accountDeleted: false } });

    expect(await accountState("therapist@lakeside.test")).toEqual(before);
    // Lakeside's owner still sees an active (locked) provider with her role there.
    const lakeside = await call(membersRoute.GET, { id: nodes.get("Lakeside Physio")!, q: "therapist" }, await as("owner@lakeside.test"));
    expect(lakeside).toMatchObject({ ok: true, data: { total: 1, rows: [{ email: "therapist@lakeside.test", status: "ACTIVE", managed: true, locked: true }] } });
  });

  test("finding 1: an owner account can't be bound or locked out by a stranger; the REST API refuses the same", async () => {
    const marta = await as("marta@family.test");
    const created = await call(profilesRoute.POST, { kind: "CARE_PROFILE", name: "Marta's trap", timeZone: "UTC" }, marta);
    const trap = (created as { data: { id: string } }).data.id;
    const owner = ids.get("owner@lakeside.test")!;
    const before = await accountState("owner@lakeside.test");
    await call(membersRoute.POST, { id: trap, email: "owner@lakeside.test", roleId: "builtin:care_admin" }, marta);
    // Still pending: Marta's profile has no live hold on the account, whatever she does with the role.
    expect(await call(memberRoute.PUT, { id: trap, userId: owner, assignments: [{ nodeId: trap, roleId: "builtin:care_viewer", expiresAt: null }] }, marta)).toEqual({ ok: true, data: { ok: true } });
    expect(await db.prisma.roleBinding.findFirst({ where: { userId: owner, nodeId: trap }, select: { pending: true } })).toEqual({ pending: true });
    expect(await call(usersActions.resetPassword, { nodeId: trap, userId: owner }, marta)).toMatchObject({ ok: false, code: "conflict" });
    expect(await accountState("owner@lakeside.test")).toEqual(before);
    // Lakeside can still sign its owner in: nothing about the account changed, and Marta's offer grants nothing.
    const subject = await sharedLoader(db.prisma).load(owner);
    expect(subject.bindings.map((b) => b.nodeName)).toEqual(["Lakeside Physio"]);
  });

  test("the managing tenant keeps its powers: Lakeside resets, unlocks and disables its own provider", async () => {
    const owner = await as("owner@lakeside.test");
    const target = { nodeId: nodes.get("Lakeside Physio")!, userId: ids.get("therapist@lakeside.test")! };
    expect(await call(usersActions.unlockUser, target, owner)).toMatchObject({ ok: true });
    expect(await call(usersActions.resetPassword, target, owner)).toMatchObject({ ok: true });
    expect(await call(usersActions.setStatus, { ...target, status: "DISABLED" }, owner)).toEqual({ ok: true, data: { scope: "account" } });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: target.userId } })).status).toBe("DISABLED");
    expect(await call(usersActions.setStatus, { ...target, status: "ACTIVE" }, owner)).toEqual({ ok: true, data: { scope: "account" } });
  });

  test("finding 3: member detail shows only this tenant's side of the person", async () => {
    const rob = await as("rob@family.test");
    const luann = ids.get("luann@family.test")!;
    const r = await call(memberRoute.GET, { id: nodes.get("Rob's Care")!, userId: luann }, rob);
    expect(r.ok).toBe(true);
    const roles = (r as { data: { roles: { nodeName: string }[] } }).data.roles.map((x) => x.nodeName);
    expect(roles).toEqual(["Rob's Care"]); // not "Mom's Care", where she is Owner
  });

  test("finding 4: an Admin can't act on an Owner (details, reset, end sessions, disable)", async () => {
    const admin = await as("west.admin@northwind.test");
    const target = { nodeId: nodes.get("West Region")!, userId: ids.get("owner@northwind.test")! };
    // The enterprise owner isn't a member of the region itself: 404, nothing learned.
    expect(await call(usersActions.resetPassword, target, admin)).toMatchObject({ ok: false, code: "not_found" });
    // Luann (Admin of Rob's Care) on Rob (its Owner).
    const luann = await as("luann@family.test");
    const rob = { nodeId: nodes.get("Rob's Care")!, userId: ids.get("rob@family.test")! };
    const before = await accountState("rob@family.test");
    for (const [entry, input] of [
      [usersActions.updateDetails, { ...rob, name: "Not Rob" }],
      [usersActions.resetPassword, rob],
      [usersActions.endUserSessions, rob],
      [usersActions.setStatus, { ...rob, status: "DISABLED" }],
      [usersActions.removeUser, { ...rob, confirmation: "rob@family.test" }],
      [memberRoute.DELETE, { id: rob.nodeId, userId: rob.userId }],
    ] as const) {
      expect(await call(entry, input, luann)).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(await accountState("rob@family.test")).toEqual(before);
  });

  test("finding 5: the sole owner can't end their own ownership with an expiry, in the past or the future", async () => {
    const luann = await as("luann@family.test");
    const moms = nodes.get("Mom's Care")!;
    const me = ids.get("luann@family.test")!;
    // An end in the past is refused as input (issue 11's date checks); one in the future by the owner rule.
    const past = await call(memberRoute.PUT, { id: moms, userId: me, assignments: [{ nodeId: moms, roleId: "builtin:care_owner", expiresAt: new Date(Date.now() - 60_000).toISOString() }] }, luann);
    expect(past).toMatchObject({ ok: false, code: "invalid", message: "The end date has already passed." });
    const future = await call(memberRoute.PUT, { id: moms, userId: me, assignments: [{ nodeId: moms, roleId: "builtin:care_owner", expiresAt: new Date(Date.now() + 86_400_000).toISOString() }] }, luann);
    expect(future).toMatchObject({ ok: false, code: "conflict", message: "This is the only owner: add another owner before removing, changing or ending this one." });
    expect(await db.prisma.roleBinding.findFirst({ where: { userId: me, nodeId: moms }, select: { expiresAt: true } })).toEqual({ expiresAt: null });
  });

  test("finding 5: two owners demoting each other at the same moment never leave the tenant without an owner", async () => {
    const rob = await as("rob@family.test");
    const jim = await as("jim@family.test");
    const created = await call(profilesRoute.POST, { kind: "CARE_PROFILE", name: "Two owners", timeZone: "UTC" }, rob);
    const place = (created as { data: { id: string } }).data.id;
    const jimId = ids.get("jim@family.test")!;
    const robId = ids.get("rob@family.test")!;
    await db.prisma.roleBinding.create({ data: { userId: jimId, nodeId: place, roleId: "builtin:care_owner" } });
    await db.prisma.orgNode.update({ where: { id: place }, data: { authzVersion: { increment: 1 } } });
    const demote = (caller: Caller, userId: string) => call(memberRoute.PUT, { id: place, userId, assignments: [{ nodeId: place, roleId: "builtin:care_member" }] }, caller);
    const results = await Promise.all([demote(rob, jimId), demote(jim, robId)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toMatchObject([{ code: "conflict" }]);
    expect(await db.prisma.roleBinding.count({ where: { nodeId: place, roleId: "builtin:care_owner" } })).toBe(1);
  });

  test("finding 7: the invite answer is the same for a new email, an existing account and a disabled one", async () => {
    const owner = await as("owner@lakeside.test");
    const lakeside = nodes.get("Lakeside Physio")!;
    await db.prisma.user.update({ where: { email: "consultant@northwind.test" }, data: { status: "DISABLED" } });
    const answers = [];
    for (const email of ["brand.new@example.org", "rob@family.test", "consultant@northwind.test"]) {
      const r = await call(usersActions.inviteUser, { nodeId: lakeside, email, assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }] }, owner);
      answers.push(JSON.stringify(r).replace(email, "EMAIL").replace(email, "EMAIL"));
    }
    expect(new Set(answers).size).toBe(1);
    await db.prisma.user.update({ where: { email: "consultant@northwind.test" }, data: { status: "ACTIVE" } });
  });

  test("finding 9: a pending password change blocks routes and actions alike", async () => {
    const manager = await as("manager@northwind.test", { mustChangePassword: true });
    const r = await call(membersRoute.GET, { id: nodes.get("Seattle Practice")! }, manager);
    expect(r).toMatchObject({ ok: false, code: "forbidden", message: "Change your password before doing anything else." });
    expect(await call(usersActions.inviteUser, { nodeId: nodes.get("Seattle Practice")!, email: "x@example.org", assignments: [] }, manager)).toMatchObject({ ok: false, code: "forbidden" });
  });

  test("finding 17: an archived profile and an expired role reach nothing (404)", async () => {
    const rob = await as("rob@family.test");
    const created = await call(profilesRoute.POST, { kind: "CARE_PROFILE", name: "Soon gone", timeZone: "UTC" }, rob);
    const place = (created as { data: { id: string } }).data.id;
    expect(await call(profileRoute.DELETE, { id: place }, rob)).toMatchObject({ ok: true });
    expect(await call(membersRoute.GET, { id: place }, rob)).toMatchObject({ ok: false, code: "not_found" });
    // Rob's Viewer role at Neighbor's Care, expired a minute ago.
    const neighbor = nodes.get("Neighbor's Care")!;
    await db.prisma.roleBinding.updateMany({ where: { userId: ids.get("rob@family.test")!, nodeId: neighbor }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    await db.prisma.orgNode.update({ where: { id: neighbor }, data: { authzVersion: { increment: 1 } } });
    expect(await call(membersRoute.GET, { id: neighbor }, rob)).toMatchObject({ ok: false, code: "not_found" });
  });

  test("finding 17: a caller without members.read_contact gets members without their contact fields", async () => {
    const seattle = nodes.get("Seattle Practice")!;
    const manager = await as("manager@northwind.test");
    const names = async () => ((await call(membersRoute.GET, { id: seattle }, manager)) as { data: { rows: Record<string, unknown>[] } }).data.rows;
    expect((await names())[0]).toHaveProperty("email");
    // The manager's role at Seattle narrowed: members.read stays, members.read_contact goes.
    await db.prisma.roleBinding.updateMany({ where: { userId: ids.get("manager@northwind.test")!, nodeId: seattle }, data: { adjustments: { remove: ["members.read_contact"] } } });
    await db.prisma.orgNode.update({ where: { id: nodes.get("Northwind Dental Group")! }, data: { authzVersion: { increment: 1 } } });
    const rows = await names();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toHaveProperty("status");
      expect(row).not.toHaveProperty("email");
      expect(row).not.toHaveProperty("name");
      expect(row).not.toHaveProperty("phone");
    }
    const one = await call(memberRoute.GET, { id: seattle, userId: ids.get("dr.lee@northwind.test")! }, manager);
    expect(one).toMatchObject({ ok: true });
    expect((one as { data: object }).data).not.toHaveProperty("email");
    await db.prisma.roleBinding.updateMany({ where: { userId: ids.get("manager@northwind.test")!, nodeId: seattle }, data: { adjustments: {} } });
    await db.prisma.orgNode.update({ where: { id: nodes.get("Northwind Dental Group")! }, data: { authzVersion: { increment: 1 } } });
  });

  test("finding 18: for a place the caller can't see, every request is 404 whatever its body", async () => {
    const jim = await as("jim@family.test");
    const lakeside = nodes.get("Lakeside Physio")!;
    for (const body of [{}, { email: "not-an-email" }, { email: "a@b.co", roleId: "", locations: ["nope"] }, { extra: true }]) {
      expect(await call(membersRoute.POST, { id: lakeside, ...body }, jim)).toMatchObject({ ok: false, code: "not_found" });
    }
    expect(await call(usersActions.inviteUser, { nodeId: lakeside, email: "broken" }, jim)).toMatchObject({ ok: false, code: "not_found" });
    // Inside, the same broken body is a 400 with the field named.
    const owner = await as("owner@lakeside.test");
    expect(await call(membersRoute.POST, { id: lakeside, email: "not-an-email", roleId: "builtin:front_desk" }, owner)).toMatchObject({ ok: false, code: "invalid", fields: { email: expect.any(Array) } });
  });

  test("review: an unaccepted invitation lets the stranger impose nothing (IP ranges, 2FA, lockout, alerts)", async () => {
    const jim = await as("jim@family.test");
    const trap = ((await call(profilesRoute.POST, { kind: "CARE_PROFILE", name: "Policy trap", timeZone: "UTC" }, jim)) as { data: { id: string } }).data.id;
    const therapist = ids.get("therapist@lakeside.test")!;
    const before = await userPolicy(db.prisma, therapist);
    await call(membersRoute.POST, { id: trap, email: "therapist@lakeside.test", roleId: "builtin:care_admin" }, jim);
    const settings = {
      ...DEFAULT_SECURITY_SETTINGS,
      ipAllowlist: { enabled: true, ranges: [{ cidr: "203.0.113.5/32" }] },
      lockout: { ...DEFAULT_SECURITY_SETTINGS.lockout, maxAttempts: 3, lockMinutes: 1440 },
    };
    // What PUT /api/settings/security would store (it needs a request for the caller's IP).
    await db.prisma.securitySettings.create({ data: { tenantId: trap, settings } });
    expect([...(await tenantRolesOf(db.prisma, therapist)).keys()]).not.toContain(trap);
    expect(await userPolicy(db.prisma, therapist)).toEqual(before);
    // Alerts about the tenant's people go only to admins who joined and aren't suspended.
    const lakeside = nodes.get("Lakeside Physio")!;
    await call(usersActions.inviteUser, { nodeId: lakeside, email: "rob@family.test", assignments: [{ nodeId: lakeside, roleId: "builtin:admin" }] }, await as("owner@lakeside.test"));
    expect((await tenantAdmins(db.prisma, lakeside)).map((a) => a.email)).toEqual(["owner@lakeside.test"]);
  });

  test("review: a role change never turns an invitation into live access without consent", async () => {
    const marta = await as("marta@family.test");
    const trap = ((await call(profilesRoute.POST, { kind: "CARE_PROFILE", name: "Role trap", timeZone: "UTC" }, marta)) as { data: { id: string } }).data.id;
    const victim = ids.get("owner@northwind.test")!;
    await call(membersRoute.POST, { id: trap, email: "owner@northwind.test", roleId: "builtin:care_viewer" }, marta);
    const r = await call(memberRoute.PUT, { id: trap, userId: victim, assignments: [{ nodeId: trap, roleId: null }, { nodeId: trap, roleId: "builtin:care_admin" }] }, marta);
    expect(r.ok).toBe(true);
    expect(await db.prisma.roleBinding.findMany({ where: { userId: victim, nodeId: trap }, select: { roleId: true, pending: true } })).toEqual([{ roleId: "builtin:care_admin", pending: true }]);
    const subject = await sharedLoader(db.prisma).load(victim);
    expect(subject.bindings.some((b) => b.rootId === trap)).toBe(false);
  });

  test("review: inviting an email shows only that email until the person joins: no name, phone, lock, status or existence", async () => {
    const jim = await as("jim@family.test");
    const trap = ((await call(profilesRoute.POST, { kind: "CARE_PROFILE", name: "Lookup trap", timeZone: "UTC" }, jim)) as { data: { id: string } }).data.id;
    await db.prisma.user.update({ where: { email: "dr.lee@northwind.test" }, data: { lockedUntil: new Date(Date.now() + 3_600_000) } });
    for (const email of ["dr.lee@northwind.test", "nobody.yet@example.org"]) {
      await call(membersRoute.POST, { id: trap, email, name: "Typed Name", roleId: "builtin:care_member" }, jim);
    }
    const page = (await call(membersRoute.GET, { id: trap, pageSize: 50 }, jim)) as { data: { rows: Record<string, unknown>[] } };
    const shape = (row: Record<string, unknown>) => JSON.stringify({ ...row, id: "ID", email: "EMAIL", name: row.name === row.email ? "EMAIL" : row.name, roles: "ROLES" });
    const invitees = page.data.rows.filter((r) => r.email !== "jim@family.test");
    expect(invitees).toHaveLength(2);
    expect(shape(invitees[0])).toBe(shape(invitees[1]));
    expect(invitees[0]).toMatchObject({ status: "INVITED", managed: false, locked: false, phone: null });
    // Neither the lock nor the real name can be searched for.
    for (const query of [{ status: "LOCKED" }, { q: "Daniel" }, { status: "DISABLED" }]) {
      const r = (await call(membersRoute.GET, { id: trap, ...query }, jim)) as { data: { total: number } };
      expect(r.data.total, JSON.stringify(query)).toBe(0);
    }
    await db.prisma.user.update({ where: { email: "dr.lee@northwind.test" }, data: { lockedUntil: null } });
  });

  test("review: a stranger's invitation of a new address gives no hold on the account; its real employer's link does", async () => {
    const jim = await as("jim@family.test");
    const trap = ((await call(profilesRoute.POST, { kind: "CARE_PROFILE", name: "Claim trap", timeZone: "UTC" }, jim)) as { data: { id: string } }).data.id;
    await call(membersRoute.POST, { id: trap, email: "new.hire@lakeside.test", roleId: "builtin:care_member" }, jim);
    const hire = (await db.prisma.user.findUniqueOrThrow({ where: { email: "new.hire@lakeside.test" } })).id;
    expect(await call(usersActions.setStatus, { nodeId: trap, userId: hire, status: "DISABLED" }, jim)).toEqual({ ok: true, data: { scope: "membership" } });
    expect(await call(usersActions.updateDetails, { nodeId: trap, userId: hire, name: "Renamed" }, jim)).toMatchObject({ ok: false, code: "conflict" });
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: hire }, select: { status: true, managedByTenantId: true } })).toEqual({ status: "INVITED", managedByTenantId: null });
    // Lakeside invites the same address; the person activates through Lakeside's link: Lakeside manages the account.
    const lakeside = nodes.get("Lakeside Physio")!;
    await call(usersActions.inviteUser, { nodeId: lakeside, email: "new.hire@lakeside.test", assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }] }, await as("owner@lakeside.test"));
    const { token } = await issueToken(db.prisma, { userId: hire, kind: "INVITE", ttlMs: 3_600_000, tenantId: lakeside });
    await db.prisma.$transaction((tx) => acceptInvitation(tx, { token, password: "A-long-enough-passphrase-42", confirm: "A-long-enough-passphrase-42" }));
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: hire }, select: { status: true, managedByTenantId: true } })).toEqual({ status: "ACTIVE", managedByTenantId: lakeside });
    expect(await call(usersActions.resetPassword, { nodeId: trap, userId: hire }, jim)).toMatchObject({ ok: false });
  });

  test("review: an admin-chosen password only for addresses in a domain the organization verified; the forced change is reachable", async () => {
    const jim = await as("jim@family.test");
    const trap = ((await call(profilesRoute.POST, { kind: "CARE_PROFILE", name: "Password trap", timeZone: "UTC" }, jim)) as { data: { id: string } }).data.id;
    const add = (caller: Caller, nodeId: string, email: string) =>
      call(usersActions.addUser, { nodeId, email, name: "New Person", password: "A-long-enough-passphrase-42", assignments: [{ nodeId, roleId: nodeId === trap ? "builtin:care_member" : "builtin:front_desk" }] }, caller);
    expect(await add(jim, trap, "new.doc@northwind.test")).toMatchObject({ ok: false, code: "invalid", fields: { password: [expect.stringContaining("verified")] } });
    expect(await db.prisma.user.count({ where: { email: "new.doc@northwind.test" } })).toBe(0);
    const lakeside = nodes.get("Lakeside Physio")!;
    expect(await add(await as("owner@lakeside.test"), lakeside, "new.desk@lakeside.test")).toMatchObject({ ok: true });
    expect(specOf(passwordRoute.POST).allowDuringPasswordChange).toBe(true);
  });
});
