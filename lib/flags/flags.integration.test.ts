/**
 * Feature flags (issue 14) through the real entry points (runAs), on PGlite and PostgreSQL:
 * platform staff turn enterprise management on/off per tenant, owners choose which roles see a
 * feature, the policy module (Enterprise button, page guards, "Why can't they see it?") follows,
 * and every change is audited. The attacker table: a stranger (404), a lower role (403), an owner
 * flipping a platform flag (403), staff choosing roles (403), broken input (400) — nothing changed.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as profilesRoute from "../../app/api/profiles/route";
import * as flagsRoute from "../../app/api/settings/features/route";
import { runAs, type Caller } from "../api/handler";
import { enterpriseModeRoots, explainEnterpriseButton } from "../authz";
import { SubjectLoader } from "../authz/load";
import { builtinRoleId } from "../authz/roles";
import { enterable, enterpriseEntries } from "../context/enterable";
import { pageAccess } from "../context/pages";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { featuresFor } from "../members/access-check";
import { callEntry as call, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import * as actions from "./actions";


describe.each(TEST_DATABASES)("feature flags ($name)", (kind) => {
  let db: TestDatabase;
  const nodes = new Map<string, string>();
  let northwind: string, seattle: string, west: string;
  const userId = async (email: string) => (await db.prisma.user.findUniqueOrThrow({ where: { email } })).id;
  const subjectOf = async (email: string) => new SubjectLoader(db.prisma).load(await userId(email));
  const flagRows = (tenantId: string) => db.prisma.featureFlag.findMany({ where: { tenantId }, orderBy: { flag: "asc" } });
  const audits = (tenantId: string) => db.prisma.auditEvent.count({ where: { tenantId, action: "feature_flag.changed" } });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    [northwind, seattle, west] = ["Northwind Dental Group", "Seattle Practice", "West Region"].map((n) => nodes.get(n)!);
  });
  afterAll(async () => db?.destroy());

  test("the seeded tenant has enterprise management on: the region admin sees the Enterprise button", async () => {
    const admin = await subjectOf("west.admin@northwind.test");
    expect(enterpriseModeRoots(admin)).toEqual([northwind]);
    expect(enterpriseEntries(admin).map((e) => e.name)).toEqual(["West Region"]);
    const owner = await callerFor(db, "owner@northwind.test");
    const list = await call(flagsRoute.GET, { tenantId: northwind }, owner);
    expect(list.ok).toBe(true);
    expect(list.data.flags.find((f: { flag: string }) => f.flag === "enterpriseManagement")).toMatchObject({ enabled: true, platformOnly: true, hiddenRoleIds: [] });
  });

  test("an owner hides the Enterprise button from Admin: the region admin loses it, with the reason, audited", async () => {
    const owner = await callerFor(db, "owner@northwind.test");
    const before = await audits(northwind);
    const res = await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "enterpriseManagement", hiddenRoleIds: [builtinRoleId("admin")] }, owner);
    expect(res).toMatchObject({ ok: true, data: { enabled: true, hiddenRoleIds: [builtinRoleId("admin")] } });
    const admin = await subjectOf("west.admin@northwind.test");
    expect(enterpriseModeRoots(admin)).toEqual([]);
    expect(enterpriseEntries(admin)).toEqual([]);
    expect(explainEnterpriseButton(admin, west)).toMatchObject({ visible: false, reason: "Enterprise management is on, but hidden from Admin." });
    // The owner still sees it.
    expect(enterpriseModeRoots(await subjectOf("owner@northwind.test"))).toEqual([northwind]);
    expect(await audits(northwind)).toBe(before + 1);
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: northwind, action: "feature_flag.changed" }, orderBy: { id: "desc" } });
    expect(event.details).toMatchObject({ flag: "enterpriseManagement", before: { hiddenRoleIds: [] }, after: { hiddenRoleIds: [builtinRoleId("admin")] } });
    // The same change again writes nothing.
    await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "enterpriseManagement", hiddenRoleIds: [builtinRoleId("admin")] }, owner);
    expect(await audits(northwind)).toBe(before + 1);
    await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "enterpriseManagement", hiddenRoleIds: [] }, owner);
    expect(enterpriseModeRoots(await subjectOf("west.admin@northwind.test"))).toEqual([northwind]);
  });

  test("platform staff turn enterprise management off and on; the owner can't", async () => {
    const owner = await callerFor(db, "owner@northwind.test");
    const refused = await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "enterpriseManagement", enabled: false }, owner);
    expect(refused).toMatchObject({ ok: false, code: "forbidden", message: "Only CareAccess staff turn Enterprise management on or off." });
    expect(enterpriseModeRoots(await subjectOf("west.admin@northwind.test"))).toEqual([northwind]);

    const psm = await callerFor(db, "psm@careaccess.test");
    const before = await audits(northwind);
    expect(await call(flagsRoute.PATCH, { tenantId: northwind, flag: "enterpriseManagement", enabled: false }, psm)).toMatchObject({ ok: true, data: { flag: { enabled: false } } });
    const admin = await subjectOf("west.admin@northwind.test");
    expect(enterpriseModeRoots(admin)).toEqual([]);
    expect(explainEnterpriseButton(admin, west)).toMatchObject({ visible: false, reason: "Enterprise management is turned off for this organisation.", fix: "Ask CareAccess staff to turn it on." });
    expect(featuresFor(admin, west).find((f) => f.flag === "enterpriseManagement")).toMatchObject({ label: "Enterprise button", visible: false });
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: northwind, action: "feature_flag.changed" }, orderBy: { id: "desc" } });
    expect(event).toMatchObject({ actorId: await userId("psm@careaccess.test"), details: { flag: "enterpriseManagement", before: { enabled: true }, after: { enabled: false }, asPlatformStaff: true } });
    // Staff don't choose the tenant's roles (no settings.edit there).
    expect(await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "enterpriseManagement", hiddenRoleIds: [builtinRoleId("manager")] }, psm)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "enterpriseManagement", enabled: true }, psm)).toMatchObject({ ok: true });
    expect(await audits(northwind)).toBe(before + 2);
    expect(enterpriseModeRoots(await subjectOf("west.admin@northwind.test"))).toEqual([northwind]);
  });

  test("an owner turns a module off: its page is gone for everyone, and the access check says why", async () => {
    const owner = await callerFor(db, "owner@northwind.test");
    const ownerSubject = await subjectOf("owner@northwind.test");
    expect(pageAccess(ownerSubject, enterable(ownerSubject, seattle)!, "settings.access-check")).toBe("ok");
    expect(await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "accessCheckModule", enabled: false }, owner)).toMatchObject({ ok: true, data: { enabled: false } });
    const after = await subjectOf("owner@northwind.test");
    expect(pageAccess(after, enterable(after, seattle)!, "settings.access-check")).toBe("denied");
    expect(featuresFor(after, seattle).find((f) => f.flag === "accessCheckModule")).toMatchObject({ visible: false, reason: "Access check module is turned off for this organisation." });
    // Hidden from one role only: the manager at Seattle loses it, the owner keeps it.
    await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "accessCheckModule", enabled: true, hiddenRoleIds: [builtinRoleId("manager")] }, owner);
    const manager = await subjectOf("manager@northwind.test");
    expect(featuresFor(manager, seattle).find((f) => f.flag === "accessCheckModule")).toMatchObject({ visible: false, reason: "Access check module is on, but hidden from Manager." });
    const owner2 = await subjectOf("owner@northwind.test");
    expect(pageAccess(owner2, enterable(owner2, seattle)!, "settings.access-check")).toBe("ok");
    await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "accessCheckModule", hiddenRoleIds: [] }, owner);
  });

  test("a stranger with their own tenant gets 404 on Northwind and can't turn platform flags on in their own", async () => {
    const jim = await callerFor(db, "jim@family.test");
    const created = await call(profilesRoute.POST, { kind: "PRACTICE", name: "Totally Northwind", timeZone: "UTC" }, jim);
    const trap = (created as { data: { id: string } }).data.id;
    const before = { rows: await flagRows(northwind), audits: await audits(northwind) };
    for (const input of [
      { tenantId: northwind, flag: "enterpriseManagement", enabled: false },
      { tenantId: northwind, flag: "accessCheckModule", hiddenRoleIds: [builtinRoleId("owner")] },
      { tenantId: northwind, flag: "nope", enabled: false },
      { tenantId: seattle, flag: "enterpriseManagement", enabled: false },
    ]) {
      expect(await call(actions.updateFeatureFlagAction, input, jim), JSON.stringify(input)).toMatchObject({ ok: false, code: "not_found" });
    }
    expect(await call(flagsRoute.GET, { tenantId: northwind }, jim)).toMatchObject({ ok: false, code: "not_found" });
    // In their own tenant: roles yes, platform flags no, another tenant's custom role no.
    expect(await call(actions.updateFeatureFlagAction, { tenantId: trap, flag: "enterpriseManagement", enabled: true }, jim)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(actions.updateFeatureFlagAction, { tenantId: trap, flag: "emSync", enabled: true }, jim)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await flagRows(trap)).toEqual([]);
    expect(await call(actions.updateFeatureFlagAction, { tenantId: trap, flag: "careReportsModule", hiddenRoleIds: [builtinRoleId("provider")] }, jim)).toMatchObject({ ok: true });
    expect({ rows: await flagRows(northwind), audits: await audits(northwind) }).toEqual(before);
  });

  test("a lower role gets 403; broken input gets 400 with the field; nothing changes", async () => {
    const before = { rows: await flagRows(northwind), audits: await audits(northwind) };
    // Billing is bound at the tenant root but holds no settings there; the Seattle manager is below it (404).
    const manager = await callerFor(db, "billing@northwind.test");
    expect(await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "accessCheckModule", enabled: false }, await callerFor(db, "manager@northwind.test"))).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(actions.updateFeatureFlagAction, { tenantId: northwind, flag: "accessCheckModule", enabled: false }, manager)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(flagsRoute.GET, { tenantId: northwind }, manager)).toMatchObject({ ok: false, code: "forbidden" });
    const owner = await callerFor(db, "owner@northwind.test");
    const bad = [
      [{ tenantId: northwind, flag: "nope", enabled: true }, "flag"],
      [{ tenantId: northwind, flag: "accessCheckModule", enabled: "yes" }, "enabled"],
      [{ tenantId: northwind, flag: "accessCheckModule" }, "enabled"],
      [{ tenantId: "not-a-uuid", flag: "accessCheckModule", enabled: true }, "tenantId"],
      [{ tenantId: northwind, flag: "accessCheckModule", hiddenRoleIds: ["builtin:nobody"] }, "hiddenRoleIds"],
      [{ tenantId: northwind, flag: "accessCheckModule", enabled: true, extra: 1 }, ""],
    ] as const;
    for (const [input, field] of bad) {
      const res = await call(actions.updateFeatureFlagAction, input, owner);
      expect(res, JSON.stringify(input)).toMatchObject({ ok: false, code: "invalid" });
      if (field) expect(Object.keys((res as { fields?: object }).fields ?? {}), JSON.stringify(input)).toContain(field);
    }
    expect({ rows: await flagRows(northwind), audits: await audits(northwind) }).toEqual(before);
  });
});
