/**
 * SCIM 2.0 (RFC 7644) core operations, run by a SCIM client against the real /scim/v2 entry points
 * on PGlite and PostgreSQL: discovery, create, read, filter, paginate, replace, patch, deactivate
 * (sessions end at once), delete, groups and their members → roles; and the tenant boundary.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { builtinRoleId } from "../authz/roles";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { ScimClient } from "../testing/scim-client";
import { useDatabase } from "../testing/callers";
import { checkSession, createSession } from "../sessions/sessions";
import { seedDemoData } from "../../prisma/seed";
import { addMapping } from "./provision";
import { createScimToken, revokeScimToken } from "./scim-tokens";

const policy = { idleMinutes: 30, absoluteHours: 12 };
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe.each(TEST_DATABASES)("SCIM 2.0 at /scim/v2 ($name)", (kind) => {
  let db: TestDatabase;
  let lakeside: ScimClient, northwind: ScimClient;
  let lakesideId: string, northwindId: string, downtown: string, harbor: string;
  let lakesideTokenId: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    useDatabase(db);
    await seedDemoData(db.prisma);
    const nodes = new Map((await db.prisma.orgNode.findMany({ select: { id: true, name: true } })).map((n) => [n.name, n.id]));
    [lakesideId, northwindId, downtown, harbor] = ["Lakeside Physio", "Northwind Dental Group", "Lakeside Downtown", "Lakeside Harbor"].map((n) => nodes.get(n)!);
    const actor = { userId: (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@lakeside.test" } })).id, ip: null };
    const tokens = await db.prisma.$transaction(async (tx) => {
      await addMapping(tx, lakesideId, { groupName: "Therapists", roleId: builtinRoleId("provider"), nodeId: downtown }, actor);
      await addMapping(tx, lakesideId, { groupName: "Reception", roleId: builtinRoleId("front_desk"), nodeId: harbor }, actor);
      return [await createScimToken(tx, lakesideId, "Lakeside IdP", actor), await createScimToken(tx, northwindId, "Northwind IdP", actor)];
    });
    lakesideTokenId = tokens[0].id;
    lakeside = new ScimClient(tokens[0].token);
    northwind = new ScimClient(tokens[1].token);
    // Only the hash is stored.
    expect(await db.prisma.scimToken.count({ where: { tokenHash: tokens[0].token } })).toBe(0);
  });
  afterAll(async () => db?.destroy());

  const newUser = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER], userName, name: { givenName: "Sam", familyName: "Scim" }, emails: [{ value: userName, primary: true, type: "work" }], active: true, ...extra });
  const roles = async (userId: string) => (await db.prisma.roleBinding.findMany({ where: { userId }, select: { roleId: true, node: { select: { name: true } } } })).map((b) => `${b.roleId}@${b.node.name}`).sort();

  test("discovery: ServiceProviderConfig and ResourceTypes", async () => {
    const spc = await lakeside.get("/ServiceProviderConfig");
    expect(spc.status).toBe(200);
    expect(spc.json).toMatchObject({ patch: { supported: true }, filter: { supported: true }, bulk: { supported: false } });
    expect((await lakeside.get("/ResourceTypes")).json.Resources.map((r: { id: string }) => r.id)).toEqual(["User", "Group"]);
  });

  test("no token, a wrong token or a revoked one: 401 in SCIM's error format", async () => {
    for (const client of [new ScimClient(null), new ScimClient("scim_not-a-real-token")]) {
      const res = await client.get("/Users");
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
    }
  });

  let sam: string;
  test("create (201), read, and a second create of the same userName is 409 uniqueness", async () => {
    const created = await lakeside.post("/Users", newUser("sam.scim@lakeside.test", { externalId: "ext-sam" }));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ schemas: [USER], userName: "sam.scim@lakeside.test", displayName: "Sam Scim", active: true, externalId: "ext-sam", meta: { resourceType: "User" } });
    sam = created.json.id;
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: sam } })).toMatchObject({ managedByTenantId: lakesideId, passwordHash: null });
    expect((await lakeside.get(`/Users/${sam}`)).json.userName).toBe("sam.scim@lakeside.test");
    const again = await lakeside.post("/Users", newUser("sam.scim@lakeside.test"));
    expect(again).toMatchObject({ status: 409, json: { scimType: "uniqueness" } });
    expect(await db.prisma.auditEvent.count({ where: { tenantId: lakesideId, action: "member.provisioned", targetId: sam } })).toBe(1);
  });

  test("an email outside the tenant's verified domains can't be provisioned (400), and nothing is created", async () => {
    const before = await db.prisma.user.count();
    const res = await lakeside.post("/Users", newUser("someone@northwind.test"));
    expect(res.status).toBe(400);
    expect(res.json.detail).toContain("isn't a verified domain");
    expect(await db.prisma.user.count()).toBe(before);
  });

  test("an existing account in the tenant's domain is linked (the therapist), not duplicated", async () => {
    const res = await lakeside.post("/Users", newUser("therapist@lakeside.test", { name: { formatted: "Tara Therapist" } }));
    expect(res.status).toBe(201);
    expect(res.json.id).toBe((await db.prisma.user.findUniqueOrThrow({ where: { email: "therapist@lakeside.test" } })).id);
  });

  test("filter (eq, sw, and/or, bad filter 400) and pagination (startIndex, count, totalResults)", async () => {
    for (const n of [1, 2, 3]) expect((await lakeside.post("/Users", newUser(`page${n}@lakeside.test`))).status).toBe(201);
    expect((await lakeside.get('/Users?filter=userName eq "SAM.SCIM@lakeside.test"')).json).toMatchObject({ totalResults: 1, Resources: [{ id: sam }] });
    expect((await lakeside.get('/Users?filter=externalId eq "ext-sam"')).json.totalResults).toBe(1);
    expect((await lakeside.get('/Users?filter=userName sw "page" and active eq true')).json.totalResults).toBe(3);
    expect((await lakeside.get('/Users?filter=userName eq "page1@lakeside.test" or userName eq "page2@lakeside.test"')).json.totalResults).toBe(2);
    const page = await lakeside.get("/Users?startIndex=2&count=2");
    expect(page.json).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect((await lakeside.get('/Users?filter=userName zz "x"')).json).toMatchObject({ status: "400", scimType: "invalidFilter" });
  });

  test("PUT replaces; PATCH replaces attributes (with and without a path)", async () => {
    const put = await lakeside.put(`/Users/${sam}`, newUser("sam.scim@lakeside.test", { name: { formatted: "Samuel Scim" }, externalId: "ext-sam" }));
    expect(put.json.displayName).toBe("Samuel Scim");
    const patch = await lakeside.patch(`/Users/${sam}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "name.givenName", value: "Sammy" }, { op: "Replace", value: { externalId: "ext-sam-2" } }] });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({ displayName: "Sammy Scim", externalId: "ext-sam-2" });
    expect((await lakeside.patch(`/Users/${sam}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "nickName", value: "x" }] })).json).toMatchObject({ status: "400", scimType: "invalidPath" });
  });

  test("groups: create with members, the mapped role follows; PATCH add/remove members; rename", async () => {
    const g = await lakeside.post("/Groups", { schemas: [GROUP], displayName: "Therapists", members: [{ value: sam }] });
    expect(g.status).toBe(201);
    expect(await roles(sam)).toEqual(["builtin:provider@Lakeside Downtown"]);
    const reception = await lakeside.post("/Groups", { schemas: [GROUP], displayName: "Reception", members: [] });
    await lakeside.patch(`/Groups/${reception.json.id}`, { schemas: [PATCH], Operations: [{ op: "add", path: "members", value: [{ value: sam }] }] });
    expect(await roles(sam)).toEqual(["builtin:front_desk@Lakeside Harbor", "builtin:provider@Lakeside Downtown"]);
    expect((await lakeside.get(`/Users/${sam}`)).json.groups.map((x: { display: string }) => x.display).sort()).toEqual(["Reception", "Therapists"]);
    await lakeside.patch(`/Groups/${g.json.id}`, { schemas: [PATCH], Operations: [{ op: "remove", path: `members[value eq "${sam}"]` }] });
    expect(await roles(sam)).toEqual(["builtin:front_desk@Lakeside Harbor"]);
    // Renamed to a name with no mapping: its members' mapped role goes.
    await lakeside.patch(`/Groups/${reception.json.id}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "displayName", value: "Front office" }] });
    expect(await roles(sam)).toEqual([]);
    expect((await lakeside.get('/Groups?filter=displayName eq "Front office"')).json.totalResults).toBe(1);
    expect((await lakeside.post("/Groups", { schemas: [GROUP], displayName: "Front office" })).json.scimType).toBe("uniqueness");
    expect((await lakeside.delete(`/Groups/${reception.json.id}`)).status).toBe(204);
  });

  test("deactivation (active=false) disables the account and ends its sessions at once; reactivation", async () => {
    const sessionId = await createSession(db.prisma, { userId: sam }, policy);
    expect((await checkSession(db.prisma, sessionId, policy)).ok).toBe(true);
    const res = await lakeside.patch(`/Users/${sam}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: "False" }] });
    expect(res.json.active).toBe(false);
    expect(await checkSession(db.prisma, sessionId, policy)).toEqual({ ok: false, reason: "revoked" });
    expect(await db.prisma.auditEvent.count({ where: { tenantId: lakesideId, action: "member.deactivated", targetId: sam } })).toBe(1);
    expect((await lakeside.patch(`/Users/${sam}`, { schemas: [PATCH], Operations: [{ op: "replace", value: { active: true } }] })).json.active).toBe(true);
  });

  test("Lakeside's owner can't be deactivated through SCIM", async () => {
    const owner = await lakeside.post("/Users", newUser("owner@lakeside.test"));
    const res = await lakeside.patch(`/Users/${owner.json.id}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: false }] });
    expect(res).toMatchObject({ status: 403, json: { scimType: "mutability" } });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@lakeside.test" } })).status).toBe("ACTIVE");
  });

  test("another tenant's token: Lakeside's people are 404 to read, change or delete, and unchanged; no group can take them", async () => {
    const before = await db.prisma.user.findUniqueOrThrow({ where: { id: sam } });
    expect((await northwind.get("/Users")).json.totalResults).toBe(0);
    expect((await northwind.get(`/Users/${sam}`)).status).toBe(404);
    expect((await northwind.put(`/Users/${sam}`, newUser("sam.scim@lakeside.test", { active: false }))).status).toBe(404);
    expect((await northwind.patch(`/Users/${sam}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: false }] })).status).toBe(404);
    expect((await northwind.delete(`/Users/${sam}`)).status).toBe(404);
    expect((await northwind.post("/Groups", { schemas: [GROUP], displayName: "Grab", members: [{ value: sam }] })).status).toBe(400);
    expect((await northwind.get(`/Groups?filter=members.value eq "${sam}"`)).json.totalResults).toBe(0);
    // Northwind can't provision into Lakeside's domain either.
    expect((await northwind.post("/Users", newUser("new@lakeside.test"))).status).toBe(400);
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: sam } })).toEqual(before);
  });

  test("DELETE removes the person from the tenant: identity roles gone, account disabled, sessions ended", async () => {
    const g = await lakeside.post("/Groups", { schemas: [GROUP], displayName: "Therapists 2", members: [] });
    await db.prisma.identityGroupMapping.create({ data: { tenantId: lakesideId, groupName: "Therapists 2", roleId: builtinRoleId("provider"), nodeId: harbor } });
    await lakeside.patch(`/Groups/${g.json.id}`, { schemas: [PATCH], Operations: [{ op: "add", value: { members: [{ value: sam }] } }] });
    expect(await roles(sam)).toEqual(["builtin:provider@Lakeside Harbor"]);
    const sessionId = await createSession(db.prisma, { userId: sam }, policy);
    expect((await lakeside.delete(`/Users/${sam}`)).status).toBe(204);
    expect(await roles(sam)).toEqual([]);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: sam } })).status).toBe("DISABLED");
    expect((await checkSession(db.prisma, sessionId, policy)).ok).toBe(false);
    expect((await lakeside.get(`/Users/${sam}`)).status).toBe(404);
  });

  test("a revoked token stops working at once", async () => {
    const actor = { userId: (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@lakeside.test" } })).id, ip: null };
    await db.prisma.$transaction((tx) => revokeScimToken(tx, lakesideId, lakesideTokenId, actor));
    expect((await lakeside.get("/Users")).status).toBe(401);
  });
});
