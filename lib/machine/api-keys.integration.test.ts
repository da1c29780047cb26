/**
 * API keys and service accounts (issue 13) through the real route specs (runAs with a bearer, as
 * route() builds it) on PGlite and PostgreSQL: a key does exactly what it was scoped to, shrinks
 * live with its creator, and an expired, revoked or disabled one is 401 at once.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runAs, type Caller } from "../api/handler";
import { toErrorBody } from "../api/errors";
import { bumpAuthzVersion } from "../authz/load";
import { builtinRoleId } from "../authz/roles";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import * as members from "../../app/api/profiles/[id]/members/route";
import * as member from "../../app/api/profiles/[id]/members/[userId]/route";
import * as keys from "../../app/api/profiles/[id]/api-keys/route";
import * as key from "../../app/api/profiles/[id]/api-keys/[keyId]/route";
import * as rotate from "../../app/api/profiles/[id]/api-keys/[keyId]/rotate/route";
import * as accounts from "../../app/api/profiles/[id]/service-accounts/route";
import * as account from "../../app/api/profiles/[id]/service-accounts/[accountId]/route";
import * as me from "../../app/api/me/route";
import * as sessions from "../../app/api/account/sessions/route";
import * as profile from "../../app/api/profiles/[id]/route";
import { isServiceAccountEmail } from "./service-accounts";

type Spec = Parameters<typeof runAs>[0];
async function call(spec: Spec, raw: unknown, caller: Caller): Promise<{ status: number; json: any }> {
  try {
    const result = await runAs(spec, raw, caller);
    return { status: 200, json: result };
  } catch (err) {
    const { status, body } = toErrorBody(err);
    return { status, json: body };
  }
}
const bearer = (secret: string, ip = "203.0.113.7"): Caller => ({ session: null, ip, bearer: secret });

describe.each(TEST_DATABASES)("API keys and service accounts ($name)", (kind) => {
  let db: TestDatabase;
  let owner: Caller, westAdmin: Caller;
  let northwind: string, west: string, seattle: string, lakeside: string, drLee: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    useDatabase(db);
    await seedDemoData(db.prisma);
    const nodes = new Map((await db.prisma.orgNode.findMany({ select: { id: true, name: true } })).map((n) => [n.name, n.id]));
    [northwind, west, seattle, lakeside] = ["Northwind Dental Group", "West Region", "Seattle Practice", "Lakeside Physio"].map((n) => nodes.get(n)!);
    drLee = (await db.prisma.user.findUniqueOrThrow({ where: { email: "dr.lee@northwind.test" } })).id;
    owner = await callerFor(db, "owner@northwind.test");
    westAdmin = await callerFor(db, "west.admin@northwind.test");
  });
  afterAll(async () => db?.destroy());

  const newKey = async (caller: Caller, body: Record<string, unknown>, at = northwind) => {
    const res = await call(keys.POST.spec as Spec, { id: at, ...body }, caller);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json as { id: string; prefix: string; secret: string };
  };

  test("a key scoped to members.read lists members and does nothing else", async () => {
    const k = await newKey(owner, { name: "Directory script", permissions: ["members.read"] });
    expect(k.secret).toMatch(/^cak_[A-Za-z0-9_-]{43}$/);
    expect(k.prefix).toBe(k.secret.slice(0, 12));
    // Only the hash is stored.
    expect(await db.prisma.apiKey.count({ where: { secretHash: k.secret } })).toBe(0);

    const list = await call(members.GET.spec as Spec, { id: northwind }, bearer(k.secret));
    expect(list.status).toBe(200);
    expect(list.json.rows.length).toBeGreaterThan(3);
    // members.read_contact is outside the key's scope: names and emails are masked although the owner sees them.
    expect(list.json.rows[0].email).toBeUndefined();
    expect((await call(members.GET.spec as Spec, { id: northwind }, owner)).json.rows[0].email).toBeDefined();
    expect((await call(member.GET.spec as Spec, { id: northwind, userId: drLee }, bearer(k.secret))).status).toBe(200);

    // Everything else: 403 inside the tenant, 404 outside it, 403 on the person's own account routes.
    expect((await call(members.POST.spec as Spec, { id: northwind, email: "x@northwind.test", name: "X", roleId: builtinRoleId("front_desk") }, bearer(k.secret))).status).toBe(403);
    expect((await call(keys.GET.spec as Spec, { id: northwind }, bearer(k.secret))).status).toBe(403);
    expect((await call(keys.POST.spec as Spec, { id: northwind, name: "more", permissions: ["members.read"] }, bearer(k.secret))).status).toBe(403);
    expect((await call(members.GET.spec as Spec, { id: lakeside }, bearer(k.secret))).status).toBe(404);
    expect((await call(sessions.GET.spec as Spec, {}, bearer(k.secret))).status).toBe(403);
    // Bad input is still 400 with field messages; /api/me answers who the key acts as.
    const bad = await call(members.GET.spec as Spec, { id: northwind, pageSize: "lots" }, bearer(k.secret));
    expect(bad.status).toBe(400);
    expect((await call(me.GET.spec as Spec, {}, bearer(k.secret))).json.user.email).toBe("owner@northwind.test");

    // Counted per hour: requests and errors; last use recorded with its address.
    const usage = await db.prisma.apiKeyUsage.findMany({ where: { keyId: k.id } });
    expect(usage.reduce((n, u) => n + u.requests, 0)).toBe(9);
    expect(usage.reduce((n, u) => n + u.errors, 0)).toBe(6);
    expect(await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } })).toMatchObject({ lastUsedIp: "203.0.113.7" });
  });

  test("unknown, malformed and missing keys are 401", async () => {
    for (const secret of ["", "cak_" + "x".repeat(43), "not-a-key", "cak_short"]) {
      expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(secret))).status).toBe(401);
    }
  });

  test("a key can't be given more than its creator has (403), nor bad input (400)", async () => {
    const beyond = await call(keys.POST.spec as Spec, { id: west, name: "too much", permissions: ["tenant.delete"] }, westAdmin);
    expect(beyond.status).toBe(403);
    expect(beyond.json.error.fields.permissions[0]).toContain("tenant.delete");
    const bad = await call(keys.POST.spec as Spec, { id: northwind, name: "", permissions: ["nope.read"], ipRanges: ["300.1.1.1/8"] }, owner);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.fields).sort()).toEqual(["ipRanges.0", "name", "permissions.0"]);
    // A stranger's tenant: 404.
    expect((await call(keys.POST.spec as Spec, { id: lakeside, name: "x", permissions: ["members.read"] }, owner)).status).toBe(404);
  });

  test("a service account's key shrinks live when its creator loses a permission", async () => {
    const created = await call(accounts.POST.spec as Spec, { id: west, name: "Phone system", roleId: builtinRoleId("manager"), nodeId: west }, westAdmin);
    expect(created.status, JSON.stringify(created.json)).toBe(200);

    const sa = await db.prisma.user.findUniqueOrThrow({ where: { id: created.json.userId } });
    expect(sa.passwordHash).toBeNull();
    expect(isServiceAccountEmail(sa.email)).toBe(true);
    const k = await newKey(westAdmin, { name: "Phone key", permissions: ["members.read"], serviceAccountId: created.json.id }, west);
    expect((await call(members.GET.spec as Spec, { id: seattle }, bearer(k.secret))).status).toBe(200);
    expect((await call(me.GET.spec as Spec, {}, bearer(k.secret))).json.user.name).toBe("Phone system");
    // Outside the service account's own place (the owner's tenant root): 404, like a person bound at West.
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(k.secret))).status).toBe(404);

    const binding = await db.prisma.roleBinding.findFirstOrThrow({ where: { user: { email: "west.admin@northwind.test" }, nodeId: west } });
    await db.prisma.roleBinding.update({ where: { id: binding.id }, data: { adjustments: { remove: ["members.read"] } } });
    await bumpAuthzVersion(db.prisma as never, northwind);
    expect((await call(members.GET.spec as Spec, { id: seattle }, bearer(k.secret))).status).toBe(403);

    await db.prisma.roleBinding.update({ where: { id: binding.id }, data: { adjustments: {} } });
    await bumpAuthzVersion(db.prisma as never, northwind);
    expect((await call(members.GET.spec as Spec, { id: seattle }, bearer(k.secret))).status).toBe(200);

    // Disabled like a member: 401 at once; enabled again: works; removed: 401 and gone from the list.
    expect((await call(account.PATCH.spec as Spec, { id: northwind, accountId: created.json.id, status: "DISABLED" }, owner)).status).toBe(200);
    expect((await call(members.GET.spec as Spec, { id: seattle }, bearer(k.secret))).status).toBe(401);
    expect((await call(account.PATCH.spec as Spec, { id: northwind, accountId: created.json.id, status: "ACTIVE" }, owner)).status).toBe(200);
    expect((await call(members.GET.spec as Spec, { id: seattle }, bearer(k.secret))).status).toBe(200);
    expect((await call(account.DELETE.spec as Spec, { id: northwind, accountId: created.json.id }, owner)).status).toBe(200);
    expect((await call(members.GET.spec as Spec, { id: seattle }, bearer(k.secret))).status).toBe(401);
    const listed = await call(keys.GET.spec as Spec, { id: northwind }, owner);
    expect(listed.json.serviceAccounts.map((a: { name: string }) => a.name)).not.toContain("Phone system");
    expect(await db.prisma.auditEvent.count({ where: { tenantId: northwind, action: { startsWith: "service_account." } } })).toBe(4);
  });

  test("expired and revoked keys are 401 at once; IP ranges are enforced", async () => {
    const k = await newKey(owner, { name: "Short-lived", permissions: ["members.read"], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(k.secret))).status).toBe(200);
    await db.prisma.apiKey.update({ where: { id: k.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(k.secret))).status).toBe(401);

    const r = await newKey(owner, { name: "Revoked", permissions: ["members.read"] });
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(r.secret))).status).toBe(200);
    expect((await call(key.DELETE.spec as Spec, { id: northwind, keyId: r.id }, owner)).status).toBe(200);
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(r.secret))).status).toBe(401);
    // Revoking again, or another tenant's key: 404.
    expect((await call(key.DELETE.spec as Spec, { id: northwind, keyId: r.id }, owner)).status).toBe(404);

    const ranged = await newKey(owner, { name: "Office only", permissions: ["members.read"], ipRanges: ["198.51.100.0/24", "2001:db8::/32"] });
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(ranged.secret, "198.51.100.9"))).status).toBe(200);
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(ranged.secret, "::ffff:198.51.100.10"))).status).toBe(200);
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(ranged.secret, "203.0.113.1"))).status).toBe(401);
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(ranged.secret, ""))).status).toBe(401);
    // The profile (memberOf) is readable by any key reaching it.
    expect((await call(profile.GET.spec as Spec, { id: northwind }, bearer(ranged.secret, "198.51.100.9"))).status).toBe(200);
  });

  test("rotation: a new secret with the same scope; the old key works for the overlap, then stops", async () => {
    const old = await newKey(owner, { name: "Phone system", permissions: ["members.read"], ipRanges: ["203.0.113.0/24"] });
    const lakesideOwner = await callerFor(db, "owner@lakeside.test");
    // Another tenant's owner: 404; a key can't rotate itself (no api_keys.create); bad overlap: 400 with its field. Nothing changes.
    expect((await call(rotate.POST.spec as Spec, { id: northwind, keyId: old.id }, lakesideOwner)).status).toBe(404);
    expect((await call(rotate.POST.spec as Spec, { id: lakeside, keyId: old.id }, lakesideOwner)).status).toBe(404);
    expect((await call(rotate.POST.spec as Spec, { id: northwind, keyId: old.id }, bearer(old.secret))).status).toBe(403);
    const bad = await call(rotate.POST.spec as Spec, { id: northwind, keyId: old.id, overlapHours: 500 }, owner);
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.overlapHours[0]).toMatch(/At most 168 hours/);
    expect(await db.prisma.apiKey.count({ where: { name: "Phone system" } })).toBe(1);

    const before = Date.now();
    const rotated = await call(rotate.POST.spec as Spec, { id: northwind, keyId: old.id }, owner);
    expect(rotated.status, JSON.stringify(rotated.json)).toBe(200);
    const fresh = rotated.json as { id: string; prefix: string; secret: string; oldKeyWorksUntil: Date };
    expect(fresh.secret).not.toBe(old.secret);
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: fresh.id } });
    expect(row).toMatchObject({ name: "Phone system", permissions: ["members.read"], ipRanges: ["203.0.113.0/24"] });
    const oldRow = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: old.id } });
    expect(oldRow.expiresAt!.getTime() - before).toBeGreaterThanOrEqual(24 * 3_600_000 - 5_000);
    expect(oldRow.expiresAt!.getTime() - before).toBeLessThanOrEqual(24 * 3_600_000 + 5_000);
    // During the overlap both work; the new one has the same scope (no more).
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(old.secret))).status).toBe(200);
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(fresh.secret))).status).toBe(200);
    expect((await call(keys.GET.spec as Spec, { id: northwind }, bearer(fresh.secret))).status).toBe(403);
    // The overlap ends: the old key is 401, the new one goes on.
    await db.prisma.apiKey.update({ where: { id: old.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(old.secret))).status).toBe(401);
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(fresh.secret))).status).toBe(200);
    // An expired key can't be rotated; with no overlap the old key stops at once.
    expect((await call(rotate.POST.spec as Spec, { id: northwind, keyId: old.id }, owner)).status).toBe(404);
    const again = await call(rotate.POST.spec as Spec, { id: northwind, keyId: fresh.id, overlapHours: 0 }, owner);
    expect(again.status).toBe(200);
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(fresh.secret))).status).toBe(401);
    expect((await call(members.GET.spec as Spec, { id: northwind }, bearer(again.json.secret))).status).toBe(200);
    expect(await db.prisma.auditEvent.count({ where: { action: "api_key.rotated", targetId: { in: [old.id, fresh.id] } } })).toBe(2);
  });
});
