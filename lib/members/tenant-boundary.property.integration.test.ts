/**
 * Property (fast-check): for random tenants, memberships, actors and member actions run through
 * the real entry points, no action changes any row outside what its actor administers: bindings
 * and suspensions only in tenants where the actor manages people, account rows, sessions and
 * reset links only of accounts those tenants manage (or the actor's own).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as usersActions from "./actions";
import * as profilesRoute from "../../app/api/profiles/route";
import * as membersRoute from "../../app/api/profiles/[id]/members/route";
import * as memberRoute from "../../app/api/profiles/[id]/members/[userId]/route";
import { runAs, type Caller, type Spec } from "../api/handler";
import { AppError } from "../api/errors";
import { SubjectLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import { emailDomain } from "./accounts";

const specOf = (entry: unknown) => (entry as { spec: Spec<never, unknown> }).spec;
const MANAGING = ["members.create", "members.edit", "members.delete", "members.manage_roles"] as const;
const ROLES = ["builtin:care_owner", "builtin:care_admin", "builtin:care_member", "builtin:care_viewer", "builtin:owner", "builtin:admin", "builtin:provider", "builtin:front_desk"];

describe.each(TEST_DATABASES)("no action reaches outside what its actor administers ($name)", (kind) => {
  let db: TestDatabase;
  const callers = new Map<string, Caller>();
  let emails: string[] = [];
  let places: string[] = [];
  /** Where each person has a role: actions are aimed there half the time, so most aren't plain 404s. */
  const own = new Map<string, string[]>();
  /** Who has a role at each place: targets are picked from there half the time. */
  const people = new Map<string, string[]>();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    emails = (await db.prisma.user.findMany({ select: { email: true }, orderBy: { email: "asc" } })).map((u) => u.email);
    for (const email of emails) callers.set(email, await callerFor(db, email));
    // Strangers with a tenant of their own, one request old.
    for (const [email, name] of [["jim@family.test", "Jim's own"], ["therapist@lakeside.test", "Therapist's own"], ["marta@family.test", "Marta's own"]]) {
      await runAs(specOf(profilesRoute.POST), { kind: "CARE_PROFILE", name, timeZone: "UTC" }, callers.get(email)!);
    }
    places = (await db.prisma.orgNode.findMany({ select: { id: true }, orderBy: { name: "asc" } })).map((n) => n.id);
    for (const b of await db.prisma.roleBinding.findMany({ select: { nodeId: true, user: { select: { email: true } } }, orderBy: { nodeId: "asc" } })) {
      own.set(b.user.email, [...(own.get(b.user.email) ?? []), b.nodeId]);
      people.set(b.nodeId, [...(people.get(b.nodeId) ?? []), b.user.email]);
    }
  });
  afterAll(async () => db?.destroy());

  /** Everything another tenant could notice, keyed so a diff names what changed. */
  async function snapshot() {
    const [users, bindings, suspensions, sessions, tokens] = await Promise.all([
      db.prisma.user.findMany({ select: { id: true, email: true, name: true, phone: true, status: true, passwordHash: true, lockedUntil: true, deletedAt: true, managedByTenantId: true } }),
      db.prisma.roleBinding.findMany({ select: { id: true, userId: true, nodeId: true, roleId: true, expiresAt: true, pending: true, adjustments: true, node: { select: { rootId: true } } } }),
      db.prisma.tenantSuspension.findMany({ select: { tenantId: true, userId: true } }),
      db.prisma.session.findMany({ select: { id: true, userId: true, revokedAt: true } }),
      db.prisma.accountToken.findMany({ select: { id: true, userId: true, kind: true, tenantId: true } }),
    ]);
    return {
      users: new Map(users.map((u) => [u.id, u])),
      bindings: new Map(bindings.map((b) => [b.id, b])),
      suspensions: new Map(suspensions.map((s) => [`${s.tenantId}|${s.userId}`, s])),
      sessions: new Map(sessions.map((s) => [s.id, s])),
      tokens: new Map(tokens.map((t) => [t.id, t])),
    };
  }
  type Snapshot = Awaited<ReturnType<typeof snapshot>>;

  /** Tenants where the actor (as they are before the action) may manage people, and the accounts those tenants manage. */
  async function reachOf(actorEmail: string, before: Snapshot) {
    // By id: an earlier step may have deleted the actor's account (its email is then a tombstone's).
    const actor = before.users.get(callers.get(actorEmail)!.session!.user.id)!;
    const subject = await new SubjectLoader(db.prisma).load(actor.id);
    const tenants = new Set(subject.bindings.filter((b) => b.expiresAt > Date.now() && MANAGING.some((p) => b.grants.has(p))).map((b) => b.rootId));
    const domains = await db.prisma.tenantDomain.findMany({ where: { tenantId: { in: [...tenants] }, verifiedAt: { not: null } } });
    const verified = new Set(domains.map((d) => d.domain));
    const manages = (userId: string) => {
      const u = before.users.get(userId);
      return userId === actor.id || !u || (u.managedByTenantId !== null && tenants.has(u.managedByTenantId)) || verified.has(emailDomain(u.email));
    };
    return { tenants, manages };
  }

  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  function outsideReach(before: Snapshot, after: Snapshot, reach: Awaited<ReturnType<typeof reachOf>>): string[] {
    const problems: string[] = [];
    for (const id of new Set([...before.bindings.keys(), ...after.bindings.keys()])) {
      const [a, b] = [before.bindings.get(id), after.bindings.get(id)];
      if (!same(a, b) && !reach.tenants.has((a ?? b)!.node.rootId)) problems.push(`binding ${id} in another tenant`);
    }
    for (const key of new Set([...before.suspensions.keys(), ...after.suspensions.keys()])) {
      if (before.suspensions.has(key) !== after.suspensions.has(key) && !reach.tenants.has(key.split("|")[0])) problems.push(`suspension ${key}`);
    }
    for (const [id, u] of after.users) if (!same(before.users.get(id), u) && !reach.manages(id)) problems.push(`account ${u.email}`);
    for (const [id, s] of after.sessions) if (!same(before.sessions.get(id), s) && !reach.manages(s.userId)) problems.push(`session of ${s.userId}`);
    for (const [id, t] of after.tokens) {
      if (before.tokens.has(id)) continue;
      const ok = t.kind === "INVITE" ? t.tenantId !== null && reach.tenants.has(t.tenantId) : reach.manages(t.userId);
      if (!ok) problems.push(`${t.kind} link for ${t.userId}`);
    }
    return problems;
  }

  /** Built after the database is seeded: the emails and places come from it. */
  const actions = () => {
  const anEmail = () => fc.constantFrom(...emails);
  const aPlace = () => fc.constantFrom(...places);
  const member = anEmail().chain((actor) =>
    (own.has(actor) ? fc.oneof(fc.constantFrom(...own.get(actor)!), aPlace()) : aPlace()).chain((place) =>
      fc.record({ actor: fc.constant(actor), place: fc.constant(place), target: people.has(place) ? fc.oneof(fc.constantFrom(...people.get(place)!), anEmail()) : anEmail() }),
    ),
  );
  return fc.oneof(
    member.map((m) => ({ ...m, name: "invite", entry: membersRoute.POST, raw: (p: string, _t: string, email: string) => ({ id: p, email, roleId: "builtin:care_member" }) })),
    fc.record({ m: member, status: fc.constantFrom("ACTIVE", "DISABLED") }).map(({ m, status }) => ({ ...m, name: `status ${status}`, entry: usersActions.setStatus, raw: (p: string, t: string) => ({ nodeId: p, userId: t, status }) })),
    member.map((m) => ({ ...m, name: "rename", entry: usersActions.updateDetails, raw: (p: string, t: string) => ({ nodeId: p, userId: t, name: "Renamed", phone: "+1 555 0100" }) })),
    member.map((m) => ({ ...m, name: "reset", entry: usersActions.resetPassword, raw: (p: string, t: string) => ({ nodeId: p, userId: t }) })),
    member.map((m) => ({ ...m, name: "unlock", entry: usersActions.unlockUser, raw: (p: string, t: string) => ({ nodeId: p, userId: t }) })),
    member.map((m) => ({ ...m, name: "end sessions", entry: usersActions.endUserSessions, raw: (p: string, t: string) => ({ nodeId: p, userId: t }) })),
    member.map((m) => ({ ...m, name: "delete", entry: usersActions.removeUser, raw: (p: string, t: string, email: string) => ({ nodeId: p, userId: t, confirmation: email }) })),
    member.map((m) => ({ ...m, name: "remove (REST)", entry: memberRoute.DELETE, raw: (p: string, t: string) => ({ id: p, userId: t }) })),
    fc.record({ m: member, role: fc.constantFrom(...ROLES, null), expired: fc.boolean() }).map(({ m, role, expired }) => ({
      ...m,
      name: `role ${role}${expired ? " (expired)" : ""}`,
      entry: memberRoute.PUT,
      raw: (p: string, t: string) => ({ id: p, userId: t, assignments: [{ nodeId: p, roleId: role, expiresAt: expired ? new Date(Date.now() - 1000).toISOString() : null }] }),
    })),
  );
  };

  test("for random actors, targets, places and actions", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actions(), { minLength: 1, maxLength: 4 }), async (steps) => {
        for (const step of steps) {
          const before = await snapshot();
          const targetId = [...before.users.values()].find((u) => u.email === step.target)?.id ?? "00000000-0000-4000-8000-000000000000";
          const reach = await reachOf(step.actor, before);
          try {
            await runAs(specOf(step.entry), step.raw(step.place, targetId, step.target), callers.get(step.actor)!);
          } catch (err) {
            if (!(err instanceof AppError)) throw err; // a 500 is a failure too
          }
          const problems = outsideReach(before, await snapshot(), reach);
          expect(problems, `${step.actor} ${step.name} → ${step.target}`).toEqual([]);
        }
      }),
      { numRuns: kind.url ? 20 : 40 },
    );
  });
});
