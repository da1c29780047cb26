/**
 * LDAP sync against a real OpenLDAP (Debian's slapd, started here with its own config on free
 * ports, ldaps with its own certificate), on PGlite and PostgreSQL: preview, apply, group changes,
 * a person removed from the directory loses access, the schedule, and the tenant boundary.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { builtinRoleId } from "../authz/roles";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { checkSession, createSession } from "../sessions/sessions";
import { startSlapd, slapdAvailable, type Slapd } from "../testing/slapd";
import { seedDemoData } from "../../prisma/seed";
import { directoryInputSchema, previewSync, runDueSyncs, runSync, saveDirectory, summary } from "./ldap";
import { addMapping } from "./provision";

const policy = { idleMinutes: 30, absoluteHours: 12 };

/** A fresh directory per database run: each run changes it (a removal, a group move). */
async function loadedSlapd(): Promise<Slapd> {
  const slapd = await startSlapd();
  const b = slapd.baseDn;
  await slapd.add(`ou=people,${b}`, { objectClass: "organizationalUnit", ou: "people" });
  await slapd.add(`ou=groups,${b}`, { objectClass: "organizationalUnit", ou: "groups" });
  const person = (uid: string, cn: string, mail: string) => slapd.add(`uid=${uid},ou=people,${b}`, { objectClass: "inetOrgPerson", uid, cn, sn: cn.split(" ").pop()!, mail });
  await person("tara", "Tara Therapist", "therapist@lakeside.test");
  await person("lena", "Lena Ldap", "lena.ldap@lakeside.test");
  await person("omar", "Omar Ldap", "omar.ldap@lakeside.test");
  await person("visitor", "Vera Visitor", "vera@elsewhere.test");
  await slapd.add(`cn=Therapists,ou=groups,${b}`, { objectClass: "groupOfNames", cn: "Therapists", member: [`uid=tara,ou=people,${b}`, `uid=lena,ou=people,${b}`, `uid=omar,ou=people,${b}`] });
  await slapd.add(`cn=Reception,ou=groups,${b}`, { objectClass: "groupOfNames", cn: "Reception", member: [`uid=visitor,ou=people,${b}`] });
  return slapd;
}

describe.skipIf(!slapdAvailable() && !process.env.CI)("slapd", () => {
  describe.each(TEST_DATABASES)("LDAP sync ($name)", (kind) => {
    let db: TestDatabase;
    let lakeside: string, northwind: string, directoryId: string;
    let actor: { userId: string; ip: string | null };
    const config = () => ({ url: slapd.ldapsUrl, bindDn: slapd.adminDn, baseDn: `ou=people,${slapd.baseDn}`, groupBaseDn: `ou=groups,${slapd.baseDn}`, tlsCaCert: slapd.caCert });

    let slapd: Slapd;
    beforeAll(async () => {
      slapd = await loadedSlapd();
      db = await createTestDatabase(kind);
      await seedDemoData(db.prisma);
      const nodes = new Map((await db.prisma.orgNode.findMany({ select: { id: true, name: true } })).map((n) => [n.name, n.id]));
      lakeside = nodes.get("Lakeside Physio")!;
      northwind = nodes.get("Northwind Dental Group")!;
      actor = { userId: (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@lakeside.test" } })).id, ip: null };
      await db.prisma.$transaction(async (tx) => {
        await addMapping(tx, lakeside, { groupName: "Therapists", roleId: builtinRoleId("provider"), nodeId: nodes.get("Lakeside Downtown")! }, actor);
        await addMapping(tx, lakeside, { groupName: "Reception", roleId: builtinRoleId("front_desk"), nodeId: nodes.get("Lakeside Harbor")! }, actor);
        directoryId = (await saveDirectory(tx, lakeside, null, directoryInputSchema.parse({ name: "Lakeside AD", config: config(), bindPassword: slapd.adminPassword }), actor)).id;
      });
    });
    afterAll(async () => {
      await slapd?.stop();
      await db?.destroy();
    });

    const roles = async (email: string) => (await db.prisma.roleBinding.findMany({ where: { user: { email } }, select: { roleId: true, node: { select: { name: true } } } })).map((b) => `${b.roleId}@${b.node.name}`).sort();

    test("the bind password is stored encrypted", async () => {
      const row = await db.prisma.ldapDirectory.findUniqueOrThrow({ where: { id: directoryId } });
      expect(row.bindPasswordEnc).toMatch(/^v1\./);
      expect(row.bindPasswordEnc).not.toContain(slapd.adminPassword);
    });

    test("preview (over LDAPS) lists adds and skips, and writes nothing", async () => {
      const users = await db.prisma.user.count();
      const plan = await previewSync(db.prisma, lakeside, directoryId);
      expect(plan.adds.map((a) => a.email).sort()).toEqual(["lena.ldap@lakeside.test", "omar.ldap@lakeside.test", "therapist@lakeside.test"]);
      expect(plan.adds.find((a) => a.email === "therapist@lakeside.test")!.existingAccount).toBe(true);
      expect(plan.skipped).toEqual([{ email: "vera@elsewhere.test", reason: "elsewhere.test isn't a verified domain of this organisation" }]);
      expect(await db.prisma.user.count()).toBe(users);
      expect(await db.prisma.externalIdentity.count()).toBe(0);
    });

    test("apply creates the accounts (managed by Lakeside) with their groups' roles", async () => {
      const plan = await runSync(db.prisma, lakeside, directoryId, actor);
      expect(summary(plan)).toMatchObject({ adds: 3, removals: 0, skipped: 1 });
      expect(await db.prisma.user.findUniqueOrThrow({ where: { email: "lena.ldap@lakeside.test" } })).toMatchObject({ name: "Lena Ldap", managedByTenantId: lakeside, status: "ACTIVE" });
      expect(await roles("lena.ldap@lakeside.test")).toEqual(["builtin:provider@Lakeside Downtown"]);
      expect(await db.prisma.user.findUnique({ where: { email: "vera@elsewhere.test" } })).toBeNull();
      expect(summary(await previewSync(db.prisma, lakeside, directoryId))).toMatchObject({ adds: 0, changes: 0, removals: 0, unchanged: 3 });
    });

    test("a group change in the directory shows in the preview and moves the role", async () => {
      const b = slapd.baseDn;
      await slapd.modify(`cn=Therapists,ou=groups,${b}`, "member", "delete", [`uid=omar,ou=people,${b}`]);
      await slapd.modify(`cn=Reception,ou=groups,${b}`, "member", "add", [`uid=omar,ou=people,${b}`]);
      expect((await previewSync(db.prisma, lakeside, directoryId)).changes).toEqual([{ email: "omar.ldap@lakeside.test", what: ["groups → Reception"] }]);
      await runSync(db.prisma, lakeside, directoryId, actor);
      expect(await roles("omar.ldap@lakeside.test")).toEqual(["builtin:front_desk@Lakeside Harbor"]);
    });

    test("a person removed from the directory loses access: roles gone, account disabled, sessions ended", async () => {
      const lena = await db.prisma.user.findUniqueOrThrow({ where: { email: "lena.ldap@lakeside.test" } });
      const sessionId = await createSession(db.prisma, { userId: lena.id }, policy);
      await slapd.remove(`uid=lena,ou=people,${slapd.baseDn}`);
      expect((await previewSync(db.prisma, lakeside, directoryId)).removals).toEqual([{ email: "lena.ldap@lakeside.test", userId: lena.id }]);
      await runSync(db.prisma, lakeside, directoryId, actor);
      expect(await roles("lena.ldap@lakeside.test")).toEqual([]);
      expect((await db.prisma.user.findUniqueOrThrow({ where: { id: lena.id } })).status).toBe("DISABLED");
      expect((await checkSession(db.prisma, sessionId, policy)).ok).toBe(false);
      expect(await db.prisma.auditEvent.count({ where: { tenantId: lakeside, action: "member.deprovisioned", targetId: lena.id } })).toBe(1);
      // The therapist's own (seeded, hand-given) role was never the directory's to take.
      expect(await roles("therapist@lakeside.test")).toEqual(["builtin:provider@Lakeside Downtown"]);
    });

    test("a wrong bind password and an untrusted LDAPS certificate are clear refusals", async () => {
      await db.prisma.$transaction((tx) => saveDirectory(tx, lakeside, directoryId, directoryInputSchema.parse({ name: "Lakeside AD", config: config(), bindPassword: "wrong" }), actor));
      await expect(previewSync(db.prisma, lakeside, directoryId)).rejects.toMatchObject({ code: "invalid", message: "The directory refused the bind DN and password." });
      await db.prisma.$transaction((tx) => saveDirectory(tx, lakeside, directoryId, directoryInputSchema.parse({ name: "Lakeside AD", config: { ...config(), tlsCaCert: "" }, bindPassword: slapd.adminPassword }), actor));
      await expect(previewSync(db.prisma, lakeside, directoryId)).rejects.toMatchObject({ code: "unavailable" });
      await db.prisma.$transaction((tx) => saveDirectory(tx, lakeside, directoryId, directoryInputSchema.parse({ name: "Lakeside AD", config: config(), bindPassword: slapd.adminPassword, scheduleMinutes: 60 }), actor));
    });

    test("the schedule: a due directory is synced once by the worker", async () => {
      await db.prisma.ldapDirectory.update({ where: { id: directoryId }, data: { nextSyncAt: new Date(Date.now() - 1000) } });
      await runDueSyncs(db.prisma);
      const row = await db.prisma.ldapDirectory.findUniqueOrThrow({ where: { id: directoryId } });
      expect(row.lastSyncResult).toMatchObject({ adds: 0, removals: 0 });
      expect(row.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    });

    test("another tenant's directory full of Lakeside people provisions none of them", async () => {
      const nwActor = { userId: (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@northwind.test" } })).id, ip: null };
      const id = (await db.prisma.$transaction((tx) => saveDirectory(tx, northwind, null, directoryInputSchema.parse({ name: "Grab", config: config(), bindPassword: slapd.adminPassword }), nwActor))).id;
      const before = await db.prisma.user.findUniqueOrThrow({ where: { email: "therapist@lakeside.test" } });
      const plan = await runSync(db.prisma, northwind, id, nwActor);
      expect(summary(plan)).toMatchObject({ adds: 0, changes: 0, skipped: 3 });
      expect(await db.prisma.user.findUniqueOrThrow({ where: { email: "therapist@lakeside.test" } })).toEqual(before);
      expect(await db.prisma.roleBinding.count({ where: { node: { rootId: northwind }, user: { email: { endsWith: "@lakeside.test" } } } })).toBe(0);
    });
  });
});
