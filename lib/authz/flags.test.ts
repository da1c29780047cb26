/** Feature flags in the policy module (issue 14), pure: defaults, stored values, per-role hiding, pages. */
import { describe, expect, it } from "vitest";
import { enterable } from "../context/enterable";
import { pageAccess, placeNav } from "../context/pages";
import { enterpriseModeRoots, explainEnterpriseButton, explainFlag, flagEnabled } from "./flags";
import { builtinRoleId } from "./roles";
import { compileSubject, type Subject } from "./subject";
import { buildTree, type FlagRow, type NodeRow, type NodeKind } from "./tree";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const ENT = id(1), REGION = id(2), PRACTICE = id(3);
const row = (nodeId: string, parentId: string | null, kind: NodeKind, name: string, featureFlags?: unknown): NodeRow => ({ id: nodeId, parentId, rootId: ENT, kind, name, timeZone: "UTC", featureFlags });
const subjectOf = (role: string, at: string, json: Record<string, boolean> = {}, flags: FlagRow[] = []): Subject =>
  compileSubject({
    userId: id(99),
    bindings: [{ id: "b", nodeId: at, roleId: builtinRoleId(role), expiresAt: null }],
    roles: new Map(),
    trees: new Map([[ENT, buildTree(ENT, [row(ENT, null, "ENTERPRISE", "Acme", json), row(REGION, ENT, "REGION", "West"), row(PRACTICE, REGION, "PRACTICE", "Seattle")], 0, flags)]]),
  });

describe("feature flags", () => {
  it("defaults: enterprise management off, modules on", () => {
    const s = subjectOf("admin", REGION);
    expect(flagEnabled(s, ENT, "enterpriseManagement")).toBe(false);
    expect(flagEnabled(s, ENT, "accessCheckModule")).toBe(true);
    expect(enterpriseModeRoots(s)).toEqual([]);
  });

  it("the root's JSON turns it on; a stored row overrides the JSON", () => {
    expect(enterpriseModeRoots(subjectOf("admin", REGION, { enterpriseManagement: true }))).toEqual([ENT]);
    expect(enterpriseModeRoots(subjectOf("admin", REGION, { enterpriseManagement: true }, [{ flag: "enterpriseManagement", enabled: false, hiddenRoleIds: [] }]))).toEqual([]);
    expect(enterpriseModeRoots(subjectOf("admin", REGION, {}, [{ flag: "enterpriseManagement", enabled: true, hiddenRoleIds: [] }]))).toEqual([ENT]);
  });

  it("a hidden role doesn't see it, another role does; the reason names the role", () => {
    const hidden: FlagRow[] = [{ flag: "enterpriseManagement", enabled: true, hiddenRoleIds: [builtinRoleId("admin")] }];
    const admin = subjectOf("admin", REGION, {}, hidden);
    expect(enterpriseModeRoots(admin)).toEqual([]);
    expect(explainEnterpriseButton(admin, REGION)).toMatchObject({ visible: false, reason: "Enterprise management is on, but hidden from Admin.", fix: "Show it to Admin in Settings → Features." });
    expect(enterpriseModeRoots(subjectOf("owner", ENT, {}, hidden))).toEqual([ENT]);
  });

  it("the Enterprise button needs a role at an enterprise or region", () => {
    const s = subjectOf("admin", PRACTICE, { enterpriseManagement: true });
    expect(enterpriseModeRoots(s)).toEqual([]);
    expect(explainEnterpriseButton(s, PRACTICE)).toMatchObject({ visible: false, reason: "Enterprise management is on, but the person has no role here that it applies to." });
    expect(explainFlag(s, PRACTICE, "enterpriseManagement").visible).toBe(true);
  });

  it("a module flag gates its page in the nav and the guard alike", () => {
    const on = subjectOf("owner", ENT);
    expect(pageAccess(on, enterable(on, PRACTICE)!, "settings.access-check")).toBe("ok");
    const off = subjectOf("owner", ENT, {}, [{ flag: "accessCheckModule", enabled: false, hiddenRoleIds: [] }]);
    expect(pageAccess(off, enterable(off, PRACTICE)!, "settings.access-check")).toBe("denied");
    expect(placeNav(off, enterable(off, PRACTICE)!).map((t) => t.label)).not.toContain("Why can't they see it?");
  });

  it("the Features page is at the tenant root only, for roles with settings.read there", () => {
    const owner = subjectOf("owner", ENT);
    expect(placeNav(owner, enterable(owner, ENT)!).map((t) => t.label)).toContain("Features");
    expect(pageAccess(owner, enterable(owner, PRACTICE)!, "settings.features")).toBe("denied");
    const billing = subjectOf("billing", ENT);
    expect(pageAccess(billing, enterable(billing, ENT)!, "settings.features")).toBe("denied");
  });
});
