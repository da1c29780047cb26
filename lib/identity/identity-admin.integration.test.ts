/**
 * Settings > Security > Single sign-on through its real server actions (runAs), on PGlite and
 * PostgreSQL: domain verification by DNS TXT through a local DNS responder, one verified holder
 * per domain, and the attacker table — a stranger with a tenant made one request ago, a lower
 * role, another tenant's admin, broken input — each refused with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as profilesRoute from "../../app/api/profiles/route";
import { runAs, type Caller, type Spec } from "../api/handler";
import { AppError } from "../api/errors";
import { builtinRoleId } from "../authz/roles";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { startDnsResponder, type DnsResponder } from "../testing/dns-server";
import { seedDemoData } from "../../prisma/seed";
import * as actions from "./actions";
import { DOMAIN_HELD_ELSEWHERE, TXT_PREFIX } from "./domains";

type AnySpec = Spec<never, unknown>;
async function call(entry: unknown, raw: unknown, caller: Caller) {
  try {
    return { ok: true as const, data: (await runAs((entry as { spec: AnySpec }).spec, raw, caller)) as any };
  } catch (err) {
    if (err instanceof AppError) return { ok: false as const, code: err.code, message: err.message, fields: err.fields };
    throw err;
  }
}

describe.each(TEST_DATABASES)("enterprise identity settings ($name)", (kind) => {
  let db: TestDatabase;
  let dns: DnsResponder;
  const nodes = new Map<string, string>();
  let northwind: string, lakeside: string, seattle: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    dns = await startDnsResponder();
    process.env.DNS_RESOLVERS = dns.server;
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    [northwind, lakeside, seattle] = ["Northwind Dental Group", "Lakeside Physio", "Seattle Practice"].map((n) => nodes.get(n)!);
  });
  afterAll(async () => {
    delete process.env.DNS_RESOLVERS;
    await dns?.close();
    await db?.destroy();
  });

  /** Everything of a tenant's identity setup, to prove a refused call changed nothing. */
  const identityState = async (tenantId: string) => ({
    domains: await db.prisma.tenantDomain.findMany({ where: { tenantId }, orderBy: { domain: "asc" } }),
    connections: await db.prisma.ssoConnection.findMany({ where: { tenantId } }),
    mappings: await db.prisma.identityGroupMapping.findMany({ where: { tenantId } }),
    tokens: await db.prisma.scimToken.findMany({ where: { tenantId } }),
    directories: await db.prisma.ldapDirectory.findMany({ where: { tenantId } }),
  });

  test("a tenant verifies a domain by its DNS TXT record (local DNS responder); no record, no verification", async () => {
    const owner = await callerFor(db, "owner@northwind.test");
    const added = await call(actions.addDomainAction, { tenantId: northwind, domain: "Northwind-Dental.test" }, owner);
    expect(added.ok).toBe(true);
    const token = (added as { data: { verificationToken: string } }).data.verificationToken;
    const missing = await call(actions.verifyDomainAction, { tenantId: northwind, domain: "northwind-dental.test" }, owner);
    expect(missing).toEqual({ ok: true, data: { verified: false, error: "No TXT records found for northwind-dental.test yet. DNS changes can take a while to appear." } });
    dns.records.set("northwind-dental.test", ["v=spf1 -all", `${TXT_PREFIX}${token}`]);
    expect(await call(actions.verifyDomainAction, { tenantId: northwind, domain: "northwind-dental.test" }, owner)).toEqual({ ok: true, data: { verified: true, error: null } });
    expect((await db.prisma.tenantDomain.findUniqueOrThrow({ where: { tenantId_domain: { tenantId: northwind, domain: "northwind-dental.test" } } })).verifiedDomain).toBe("northwind-dental.test");
    expect(await db.prisma.auditEvent.count({ where: { tenantId: northwind, action: "domain.verified", targetId: "northwind-dental.test" } })).toBe(1);
  });

  test("two tenants claim one domain: the first to verify holds it, the second is refused (409), even with its own TXT record", async () => {
    const nw = await callerFor(db, "owner@northwind.test");
    const lk = await callerFor(db, "owner@lakeside.test");
    const a = (await call(actions.addDomainAction, { tenantId: northwind, domain: "shared.test" }, nw)) as { data: { verificationToken: string } };
    const b = (await call(actions.addDomainAction, { tenantId: lakeside, domain: "shared.test" }, lk)) as { data: { verificationToken: string } };
    dns.records.set("shared.test", [`${TXT_PREFIX}${a.data.verificationToken}`, `${TXT_PREFIX}${b.data.verificationToken}`]);
    expect((await call(actions.verifyDomainAction, { tenantId: northwind, domain: "shared.test" }, nw)).ok).toBe(true);
    expect(await call(actions.verifyDomainAction, { tenantId: lakeside, domain: "shared.test" }, lk)).toMatchObject({ ok: false, code: "conflict", message: DOMAIN_HELD_ELSEWHERE });
    // The database itself refuses a second verified holder, whatever code writes it.
    await expect(db.prisma.tenantDomain.update({ where: { tenantId_domain: { tenantId: lakeside, domain: "shared.test" } }, data: { verifiedAt: new Date() } })).rejects.toThrow();
  });

  test("a stranger who created a tenant one request ago can't take northwind.test or lakeside.test, nor touch those tenants' settings", async () => {
    const jim = await callerFor(db, "jim@family.test");
    const created = await call(profilesRoute.POST, { kind: "PRACTICE", name: "Totally Northwind", timeZone: "UTC" }, jim);
    const trap = (created as { data: { id: string } }).data.id;
    const before = { northwind: await identityState(northwind), lakeside: await identityState(lakeside) };

    // Claiming is allowed (it proves nothing); verifying is not, even with the record published.
    const claim = (await call(actions.addDomainAction, { tenantId: trap, domain: "northwind.test" }, jim)) as { data: { verificationToken: string } };
    dns.records.set("northwind.test", [`${TXT_PREFIX}${claim.data.verificationToken}`]);
    expect(await call(actions.verifyDomainAction, { tenantId: trap, domain: "northwind.test" }, jim)).toMatchObject({ ok: false, code: "conflict" });
    // An unverified domain can't be used for SSO.
    const conn = await call(actions.saveConnectionAction, { tenantId: trap, kind: "oidc", name: "Fake IdP", config: { issuer: "https://idp.example.com", clientId: "x" }, clientSecret: "y" }, jim);
    expect(conn.ok).toBe(true);
    expect(await call(actions.setDomainSsoAction, { tenantId: trap, domain: "northwind.test", connectionId: (conn as { data: { id: string } }).data.id, requireSso: true }, jim)).toMatchObject({ ok: false, code: "conflict" });

    // Every action against Lakeside's or Northwind's tenant: 404, whatever the input.
    for (const tenantId of [lakeside, northwind]) {
      for (const [entry, input] of [
        [actions.addDomainAction, { domain: "x.test" }],
        [actions.verifyDomainAction, { domain: "lakeside.test" }],
        [actions.removeDomainAction, { domain: "lakeside.test" }],
        [actions.setDomainSsoAction, { domain: "lakeside.test", connectionId: null, requireSso: false }],
        [actions.saveConnectionAction, { kind: "oidc", name: "x", config: { issuer: "https://a.example", clientId: "c" }, clientSecret: "s" }],
        [actions.addMappingAction, { groupName: "admins", roleId: builtinRoleId("admin"), nodeId: tenantId }],
        [actions.createScimTokenAction, { name: "mine" }],
        [actions.saveDirectoryAction, { name: "d", config: { url: "ldap://127.0.0.1:1", bindDn: "cn=x", baseDn: "dc=x" }, bindPassword: "p" }],
        [actions.addDomainAction, { domain: "not a domain" }],
      ] as const) {
        expect(await call(entry, { tenantId, ...input }, jim), `${tenantId} ${JSON.stringify(input)}`).toMatchObject({ ok: false, code: "not_found" });
      }
    }
    expect({ northwind: await identityState(northwind), lakeside: await identityState(lakeside) }).toEqual(before);
  });

  test.each([
    ["another tenant's owner", "owner@lakeside.test", "not_found"],
    ["a person whose role is below the tenant root (Manager at Seattle)", "manager@northwind.test", "not_found"],
    ["a role at the root without settings.edit (Billing)", "billing@northwind.test", "forbidden"],
  ])("%s can't change Northwind's SSO settings (%s), and nothing changes", async (_, email, code) => {
    const caller = await callerFor(db, email);
    const before = await identityState(northwind);
    expect(await call(actions.addMappingAction, { tenantId: northwind, groupName: "admins", roleId: builtinRoleId("admin"), nodeId: seattle }, caller)).toMatchObject({ ok: false, code });
    expect(await call(actions.createScimTokenAction, { tenantId: northwind, name: "mine" }, caller)).toMatchObject({ ok: false, code });
    expect(await identityState(northwind)).toEqual(before);
  });

  test("broken input is a 400 with the field's message; Owner can't come from an IdP; a stale password check asks again", async () => {
    const owner = await callerFor(db, "owner@northwind.test");
    const before = await identityState(northwind);
    expect(await call(actions.addDomainAction, { tenantId: northwind, domain: "https://northwind.test" }, owner)).toMatchObject({ ok: false, code: "invalid", fields: { domain: ["Enter a domain name only, like clinic.example (no @, no https://)."] } });
    expect(await call(actions.addMappingAction, { tenantId: northwind, groupName: "", roleId: builtinRoleId("admin"), nodeId: seattle }, owner)).toMatchObject({ ok: false, code: "invalid", fields: { groupName: ["Enter the group name."] } });
    expect(await call(actions.addMappingAction, { tenantId: northwind, groupName: "owners", roleId: builtinRoleId("owner"), nodeId: seattle }, owner)).toMatchObject({ ok: false, code: "invalid", fields: { roleId: [expect.stringContaining("owners are appointed by hand")] } });
    expect(await call(actions.addMappingAction, { tenantId: northwind, groupName: "x", roleId: builtinRoleId("admin"), nodeId: nodes.get("Lakeside Downtown")! }, owner)).toMatchObject({ ok: false, code: "invalid", fields: { nodeId: ["Choose a place in this organisation."] } });
    expect(await call(actions.saveConnectionAction, { tenantId: northwind, kind: "oidc", name: "Plain", config: { issuer: "http://idp.example.com", clientId: "c" }, clientSecret: "s" }, owner)).toMatchObject({ ok: false, code: "invalid", fields: { "config.issuer": [expect.stringContaining("https://")] } });
    expect(await call(actions.saveConnectionAction, { tenantId: northwind, kind: "saml", name: "Broken", metadataXml: "<not xml" }, owner)).toMatchObject({ ok: false, code: "invalid" });
    await db.prisma.session.update({ where: { id: owner.session!.session.id }, data: { reauthAt: new Date(Date.now() - 3_600_000) } });
    expect(await call(actions.createScimTokenAction, { tenantId: northwind, name: "late" }, owner)).toMatchObject({ ok: false, code: "forbidden", fields: { reauth: [expect.any(String)] } });
    expect(await identityState(northwind)).toEqual(before);
  });

  test("a SCIM token is shown once, stored as a hash; a client secret is stored encrypted and never returned", async () => {
    const owner = await callerFor(db, "owner@northwind.test");
    const created = (await call(actions.createScimTokenAction, { tenantId: northwind, name: "Okta" }, owner)) as { data: { token: string; id: string } };
    expect(created.data.token).toMatch(/^scim_/);
    const row = await db.prisma.scimToken.findUniqueOrThrow({ where: { id: created.data.id } });
    expect(row.tokenHash).not.toContain(created.data.token);
    const conn = (await call(actions.saveConnectionAction, { tenantId: northwind, kind: "oidc", name: "Okta", config: { issuer: "https://okta.example.com", clientId: "c" }, clientSecret: "very-secret-value" }, owner)) as { data: Record<string, unknown> };
    expect(JSON.stringify(conn.data)).not.toContain("very-secret-value");
    const stored = await db.prisma.ssoConnection.findUniqueOrThrow({ where: { id: conn.data.id as string } });
    expect(stored.secretEnc).toMatch(/^v1\./);
    const audit = await db.prisma.auditEvent.findMany({ where: { tenantId: northwind, action: { startsWith: "sso_connection." } } });
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain("very-secret-value");
  });
});
