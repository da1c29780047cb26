/**
 * Role-hierarchy rules as tables: isOwnerAt, canGrant ("nobody grants what they don't hold; owners
 * may grant anything in their tenant"), canChangeBinding ("only owners change owners' and
 * admins' roles; the last owner can't be removed or demoted") and canChangeRole ("a custom role is
 * changed only by someone who manages roles where it was defined, or above").
 */
import { describe, expect, it } from "vitest";
import type { Permission } from "./catalogue";
import type { Grant, Scope } from "./grants";
import { ROLE_TEMPLATES, builtinRoleId } from "./roles";
import { canActOnMember, canChangeBinding, canChangeRole, canGrant, isOwnerAt, type MemberReach, type RuleResult } from "./rules";
import { compileSubject, type RoleRow, type Subject } from "./subject";
import { buildTree, type NodeKind, type NodeRow } from "./tree";

const n = (id: string, parentId: string | null, rootId: string, kind: NodeKind, name: string): NodeRow => ({ id, parentId, rootId, kind, name, timeZone: "UTC" });
const NODES: NodeRow[] = [
  n("acme", null, "acme", "ENTERPRISE", "Acme Health"),
  n("west", "acme", "acme", "REGION", "West Region"),
  n("seattle", "west", "acme", "PRACTICE", "Seattle Practice"),
  n("east", "acme", "acme", "REGION", "East Region"),
  n("boston", "east", "acme", "PRACTICE", "Boston Practice"),
  n("boston-back-bay", "boston", "acme", "LOCATION", "Boston Back Bay"),
  n("other-clinic", null, "other-clinic", "PRACTICE", "Other Clinic"),
  n("robs-care", null, "robs-care", "CARE_PROFILE", "Rob's Care"),
  n("moms-care", null, "moms-care", "CARE_PROFILE", "Mom's Care"),
];
const TREES = new Map([...new Set(NODES.map((r) => r.rootId))].map((root) => [root, buildTree(root, NODES.filter((r) => r.rootId === root))]));
const NOW = Date.parse("2025-03-04T12:00:00Z");
const PAST = new Date(NOW - 86_400_000);

const CUSTOM: RoleRow[] = [
  { id: "node-reader", key: "node_reader", name: "Desk Lead", tenantId: "acme", parentId: null, grants: [{ permission: "patients.read", scope: "node" }], removals: [] },
  {
    id: "masked-admin", key: "masked_admin", name: "Admin (no SSN)", tenantId: "acme", parentId: builtinRoleId("admin"),
    removals: ["patients.read_sensitive", "patients.edit"],
    grants: [{ permission: "patients.read_sensitive", scope: "subtree", hide: ["ssn"] }, { permission: "patients.edit", scope: "subtree", readOnly: ["ssn"] }],
  },
];
type B = { role: string; at: string; expiresAt?: Date; adjustments?: unknown };
const ACTORS: Record<string, B[]> = {
  "Owner at Boston": [{ role: "owner", at: "boston" }],
  "Owner at Acme (enterprise)": [{ role: "owner", at: "acme" }],
  "Owner at Seattle": [{ role: "owner", at: "seattle" }],
  "expired Owner at Boston": [{ role: "owner", at: "boston", expiresAt: PAST }],
  "Admin at Boston": [{ role: "admin", at: "boston" }],
  "Admin of East Region": [{ role: "admin", at: "east" }],
  "expired Admin at Boston": [{ role: "admin", at: "boston", expiresAt: PAST }],
  "Admin at Boston without manage_roles": [{ role: "admin", at: "boston", adjustments: { remove: ["members.manage_roles"] } }],
  "Admin (no SSN) at Boston": [{ role: "masked-admin", at: "boston" }],
  "Manager at Boston": [{ role: "manager", at: "boston" }],
  "Provider at Boston": [{ role: "provider", at: "boston" }],
  "Front Desk at Boston": [{ role: "front_desk", at: "boston" }],
  "Desk Lead (node-scoped) at Boston": [{ role: "node-reader", at: "boston" }],
  "Owner of Rob's Care": [{ role: "care_owner", at: "robs-care" }],
  "Admin of Rob's Care": [{ role: "care_admin", at: "robs-care" }],
  "Member of Rob's Care": [{ role: "care_member", at: "robs-care" }],
  "Owner at Boston, removals attempted": [{ role: "owner", at: "boston", adjustments: { remove: ["members.manage_roles", "tenant.delete"] } }],
};
function actor(name: string): Subject {
  const binds = ACTORS[name];
  if (!binds) throw new Error(`unknown actor ${name}`);
  return compileSubject({
    userId: "actor",
    bindings: binds.map((b, i) => ({
      id: `b${i}`, nodeId: b.at, roleId: CUSTOM.some((r) => r.id === b.role) ? b.role : builtinRoleId(b.role),
      expiresAt: b.expiresAt ?? null, adjustments: b.adjustments,
    })),
    roles: new Map(CUSTOM.map((r) => [r.id, r])),
    trees: TREES,
  });
}
const outcome = (r: RuleResult) => (r.ok ? "ok" : r.code);
const templateGrants = (key: string): Grant[] => ROLE_TEMPLATES.find((t) => t.key === key)!.grants;

// ---------------------------------------------------------------------------------------------
describe("isOwnerAt", () => {
  it.each([
    // actor                                  node                 owner?
    ["Owner at Boston",                       "boston",            true],
    ["Owner at Boston",                       "boston-back-bay",   true],
    ["Owner at Boston",                       "east",              false],
    ["Owner at Boston",                       "acme",              false],
    ["Owner at Boston",                       "seattle",           false],
    ["Owner at Boston",                       "other-clinic",      false],
    ["Owner at Acme (enterprise)",            "seattle",           true],
    ["Owner at Acme (enterprise)",            "boston-back-bay",   true],
    ["Owner at Acme (enterprise)",            "other-clinic",      false],
    ["Owner at Acme (enterprise)",            "robs-care",         false],
    ["expired Owner at Boston",               "boston",            false],
    ["Admin at Boston",                       "boston",            false],
    ["Owner of Rob's Care",                   "robs-care",         true],
    ["Owner of Rob's Care",                   "moms-care",         false],
    ["Admin of Rob's Care",                   "robs-care",         false],
    ["Owner at Boston, removals attempted",   "boston",            true],
  ] as const)("%s is owner at %s: %s", (name, node, expected) => {
    expect(isOwnerAt(actor(name), node, NOW)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
const g = (permission: Permission, scope: Scope = "subtree", extra: Partial<Grant> = {}): Grant => ({ permission, scope, ...extra });

describe("canGrant: nobody grants what they don't hold; owners grant anything in their tenant", () => {
  it.each<[string, string, "ok" | "forbidden", string, Grant[]]>([
    // actor                               node                expected      why                                                          grants
    ["Owner at Boston",                    "boston",           "ok",         "owners may grant anything in their tenant",                 templateGrants("admin")],
    ["Owner at Boston",                    "boston-back-bay",  "ok",         "even ownership-level rights, below their node",             [g("tenant.delete"), g("tenant.transfer_ownership")]],
    ["Owner at Acme (enterprise)",         "boston-back-bay",  "ok",         "an enterprise owner owns every practice below",             templateGrants("owner")],
    ["Owner at Boston",                    "seattle",          "forbidden",  "an owner at Boston is nothing at Seattle",                  [g("patients.read")]],
    ["Owner at Boston",                    "other-clinic",     "forbidden",  "never in another tenant",                                   [g("patients.read")]],
    ["expired Owner at Boston",            "boston",           "forbidden",  "an expired binding holds nothing",                          [g("patients.read")]],
    ["Owner of Rob's Care",                "robs-care",        "ok",         "profile owner grants anything in the profile",              [g("care_sensitive.edit"), g("billing_settings.edit")]],
    ["Owner of Rob's Care",                "moms-care",        "forbidden",  "no inheritance across profiles",                            [g("care_schedule.read")]],
    ["Admin at Boston",                    "boston",           "ok",         "an admin holds everything a manager has",                   templateGrants("manager")],
    ["Admin at Boston",                    "boston",           "forbidden",  "admins don't hold tenant.delete",                           [g("tenant.delete")]],
    ["expired Admin at Boston",            "boston",           "forbidden",  "an expired binding holds nothing",                          [g("patients.read_contact")]],
    ["Admin (no SSN) at Boston",           "boston",           "forbidden",  "they see sensitive fields only with the SSN hidden",        [g("patients.read_sensitive")]],
    ["Admin (no SSN) at Boston",           "boston",           "forbidden",  "they edit patients only with the SSN read-only",            [g("patients.edit")]],
    ["Admin (no SSN) at Boston",           "boston",           "ok",         "plain patients.read is held in full",                       [g("patients.read")]],
    ["Manager at Boston",                  "boston",           "forbidden",  "a manager can't change roles, so can't hand that out",      [g("members.manage_roles")]],
    ["Manager at Boston",                  "boston",           "forbidden",  "they approve refunds only under $200",                      [g("refunds.approve")]],
    ["Manager at Boston",                  "boston",           "forbidden",  "conditioned rights are never passed on",                    [g("refunds.approve", "subtree", { conditions: { maxAmount: 200 } })]],
    ["Manager at Boston",                  "boston-back-bay",  "ok",         "a manager holds everything front desk has",                 templateGrants("front_desk")],
    ["Manager at Boston",                  "boston",           "forbidden",  "providers write medical records; managers only read them",  templateGrants("provider")],
    ["Front Desk at Boston",               "boston",           "ok",         "held, same scope",                                          [g("patients.read_contact")]],
    ["Front Desk at Boston",               "boston",           "forbidden",  "front desk never reads medical data",                       [g("patients.read")]],
    ["Front Desk at Boston",               "boston",           "forbidden",  "one missing grant refuses the lot",                         [g("patients.read_contact"), g("charges.read")]],
    ["Provider at Boston",                 "boston",           "ok",         "held with the same scope",                                  [g("patients.read", "assigned")]],
    ["Provider at Boston",                 "boston",           "ok",         "assigned covers own",                                       [g("patients.read", "own")]],
    ["Provider at Boston",                 "boston",           "forbidden",  "assigned does not cover every patient",                     [g("patients.read", "subtree")]],
    ["Provider at Boston",                 "boston",           "forbidden",  "assigned does not cover every patient at the node",         [g("patients.read", "node")]],
    ["Provider at Boston",                 "boston",           "forbidden",  "they edit only their own notes",                            [g("clinical_notes.edit", "assigned")]],
    ["Desk Lead (node-scoped) at Boston",  "boston",           "ok",         "held at exactly this node",                                 [g("patients.read", "node")]],
    ["Desk Lead (node-scoped) at Boston",  "boston-back-bay",  "forbidden",  "a node-scoped right at Boston does not reach Back Bay",     [g("patients.read", "node")]],
    ["Desk Lead (node-scoped) at Boston",  "boston",           "forbidden",  "node does not cover the subtree",                           [g("patients.read", "subtree")]],
    ["Admin of Rob's Care",                "robs-care",        "ok",         "admins view all data",                                      [g("care_sensitive.read")]],
    ["Admin of Rob's Care",                "robs-care",        "forbidden",  "admins don't edit sensitive data",                          [g("care_sensitive.edit")]],
    ["Admin of Rob's Care",                "robs-care",        "forbidden",  "admins can't manage billing",                               [g("billing_settings.edit")]],
    ["Member of Rob's Care",               "robs-care",        "ok",         "held, own scope",                                           [g("availability.edit", "own")]],
    ["Member of Rob's Care",               "robs-care",        "forbidden",  "only their own availability",                               [g("availability.edit")]],
  ])("%s granting at %s: %s (%s)", (name, node, expected, _why, grants) => {
    expect(outcome(canGrant(actor(name), node, grants, NOW))).toBe(expected);
  });

  it("names what the actor is missing", () => {
    expect(canGrant(actor("Front Desk at Boston"), "boston", [g("patients.read_contact"), g("patients.read"), g("charges.read")], NOW)).toEqual({
      ok: false,
      code: "forbidden",
      reason: "You can only grant what you hold yourself; you don't hold patients.read, charges.read here.",
    });
  });
});

// ---------------------------------------------------------------------------------------------
const OWNER = builtinRoleId("owner");
const ADMIN = builtinRoleId("admin");
const role = (key: string | null) => (key === null ? null : builtinRoleId(key));

describe("canChangeBinding", () => {
  it.each<[string, string, string | null, string | null, number, "ok" | "forbidden" | "conflict", string]>([
    // actor                                  node         current         next            owners  expected     why
    ["Owner at Boston",                       "boston",    "admin",        "manager",      2,      "ok",        "owners change admins' roles"],
    ["Owner at Boston",                       "boston",    "manager",      "admin",        2,      "ok",        "owners make admins"],
    ["Owner at Boston",                       "boston",    "front_desk",   "owner",        1,      "ok",        "an owner can add another owner"],
    ["Owner at Boston",                       "boston",    "owner",        null,           2,      "ok",        "one of two owners may go"],
    ["Owner at Boston",                       "boston",    "owner",        "owner",        1,      "ok",        "no owner is lost"],
    ["Owner at Boston",                       "boston",    "owner",        null,           1,      "conflict",  "the last owner can't be removed"],
    ["Owner at Boston",                       "boston",    "owner",        "admin",        1,      "conflict",  "the last owner can't be demoted"],
    ["Owner at Boston",                       "boston",    "owner",        "manager",      0,      "conflict",  "no live owners is never fewer than one"],
    ["Owner at Acme (enterprise)",            "boston",    "admin",        "front_desk",   1,      "ok",        "an enterprise owner owns Boston"],
    ["Owner at Acme (enterprise)",            "boston",    "owner",        null,           1,      "conflict",  "even for an enterprise owner"],
    ["Owner at Seattle",                      "boston",    "admin",        "manager",      2,      "forbidden", "an owner elsewhere is not an owner here"],
    ["expired Owner at Boston",               "boston",    "admin",        "manager",      2,      "forbidden", "an expired owner is no owner"],
    ["Owner at Boston",                       "other-clinic", "front_desk", "manager",     1,      "forbidden", "never in another tenant"],
    ["Admin at Boston",                       "boston",    "manager",      "admin",        1,      "forbidden", "only owners make admins"],
    ["Admin at Boston",                       "boston",    "admin",        "manager",      1,      "forbidden", "only owners change admins"],
    ["Admin at Boston",                       "boston",    "admin",        null,           1,      "forbidden", "only owners remove admins"],
    ["Admin at Boston",                       "boston",    "owner",        "admin",        2,      "forbidden", "only owners change owners"],
    ["Admin at Boston",                       "boston",    "owner",        null,           2,      "forbidden", "only owners remove owners"],
    ["Admin at Boston",                       "boston",    "front_desk",   "owner",        1,      "forbidden", "only owners make owners"],
    ["Admin at Boston",                       "boston",    "front_desk",   "manager",      1,      "ok",        "admins manage roles below admin"],
    ["Admin at Boston",                       "boston-back-bay", "provider", null,          1,      "ok",        "admins remove a provider's role"],
    ["Admin at Boston without manage_roles",  "boston",    "front_desk",   "billing",      1,      "forbidden", "their role at Boston was narrowed: no members.manage_roles"],
    ["Manager at Boston",                     "boston",    "front_desk",   "provider",     1,      "forbidden", "managers cannot change roles"],
    ["Manager at Boston",                     "boston",    "provider",     "front_desk",   1,      "forbidden", "managers cannot change roles, even to one they out-rank"],
    ["Manager at Boston",                     "boston",    "front_desk",   null,           1,      "forbidden", "managers cannot delete staff"],
    ["Front Desk at Boston",                  "boston",    "front_desk",   null,           1,      "forbidden", "front desk manages no one"],
    ["Owner of Rob's Care",                   "robs-care", "care_owner",   "care_admin",   1,      "conflict",  "the last profile owner can't be demoted"],
    ["Owner of Rob's Care",                   "robs-care", "care_owner",   null,           2,      "ok",        "one of two profile owners may go"],
    ["Owner of Rob's Care",                   "robs-care", "care_member",  "care_admin",   1,      "ok",        "owners can modify admin permissions"],
    ["Admin of Rob's Care",                   "robs-care", "care_member",  "care_viewer",  1,      "ok",        "admins manage team members"],
    ["Admin of Rob's Care",                   "robs-care", null,           "care_member",  1,      "ok",        "admins invite members"],
    ["Admin of Rob's Care",                   "robs-care", "care_admin",   "care_member",  1,      "forbidden", "admin permissions are modified by owners"],
    ["Admin of Rob's Care",                   "robs-care", "care_member",  "care_admin",   1,      "forbidden", "only owners make admins"],
    ["Admin of Rob's Care",                   "robs-care", "care_member",  "care_owner",   1,      "forbidden", "owner permissions can't be overridden"],
    ["Admin of Rob's Care",                   "moms-care", "care_member",  "care_viewer",  1,      "forbidden", "no permission inheritance across profiles"],
    ["Member of Rob's Care",                  "robs-care", "care_viewer",  null,           1,      "forbidden", "members cannot manage the team"],
  ])("%s at %s: %s → %s (%d owners) is %s: %s", (name, node, current, next, ownerCount, expected) => {
    const nextGrants = next === null ? undefined : ROLE_TEMPLATES.find((t) => builtinRoleId(t.key) === role(next))!.grants;
    const result = canChangeBinding(actor(name), { nodeId: node, currentRoleId: role(current), nextRoleId: role(next), nextGrants, ownerCount }, NOW);
    expect(outcome(result)).toBe(expected);
  });

  it("says why, in words an admin can act on", () => {
    const owner = actor("Owner at Boston");
    const admin = actor("Admin at Boston");
    expect(canChangeBinding(owner, { nodeId: "boston", currentRoleId: OWNER, nextRoleId: null, ownerCount: 1 }, NOW)).toEqual({
      ok: false, code: "conflict", reason: "This is the only owner: add another owner before removing, changing or ending this one.",
    });
    expect(canChangeBinding(admin, { nodeId: "boston", currentRoleId: OWNER, nextRoleId: ADMIN, ownerCount: 2 }, NOW)).toEqual({
      ok: false, code: "forbidden", reason: "Only an owner can give or take away the Owner role.",
    });
    expect(canChangeBinding(admin, { nodeId: "boston", currentRoleId: ADMIN, nextRoleId: null, ownerCount: 2 }, NOW)).toEqual({
      ok: false, code: "forbidden", reason: "Only an owner can change an admin's rights.",
    });
    expect(canChangeBinding(actor("Manager at Boston"), { nodeId: "boston", currentRoleId: role("provider"), nextRoleId: role("front_desk"), nextGrants: templateGrants("front_desk"), ownerCount: 1 }, NOW)).toEqual({
      ok: false, code: "forbidden", reason: "You can't change people's roles here.",
    });
    expect(canChangeBinding(actor("Admin at Boston"), { nodeId: "boston", currentRoleId: role("front_desk"), nextRoleId: role("owner"), nextGrants: templateGrants("owner"), ownerCount: 1 }, NOW)).toEqual({
      ok: false, code: "forbidden", reason: "Only an owner can give or take away the Owner role.",
    });
  });

  it("an owner binding's attempted removals don't stop the owner managing roles", () => {
    const result = canChangeBinding(actor("Owner at Boston, removals attempted"), { nodeId: "boston", currentRoleId: ADMIN, nextRoleId: OWNER, nextGrants: templateGrants("owner"), ownerCount: 1 }, NOW);
    expect(result).toEqual({ ok: true });
  });
});

describe("canChangeBinding: an end date on the last permanent owner is a removal", () => {
  const owner = () => actor("Owner at Boston");
  it.each([
    // [current expiry, next role, next expiry, permanent owners, outcome, why]
    [null, OWNER, NOW - 1, 1, "conflict", "an end date in the past ends the last owner at once"],
    [null, OWNER, NOW + 86_400_000, 1, "conflict", "an end date in the future ends them later: still no permanent owner"],
    [null, OWNER, null, 1, "ok", "keeping the owner permanent is fine"],
    [null, OWNER, NOW - 1, 2, "ok", "with a second permanent owner, the first may get an end date"],
    [NOW + 86_400_000, OWNER, null, 1, "ok", "making a temporary owner permanent only adds safety"],
  ] as const)("current ends %s → %s ending %s with %d permanent owners: %s (%s)", (currentExpiresAt, next, nextExpiresAt, ownerCount, expected, _why) => {
    const result = canChangeBinding(owner(), { nodeId: "boston", currentRoleId: OWNER, currentExpiresAt, nextRoleId: next, nextExpiresAt, nextGrants: templateGrants("owner"), ownerCount }, NOW);
    expect(outcome(result)).toBe(expected);
  });
});

describe("canActOnMember: who may touch a member and their account", () => {
  const target = (userId: string, isOwnerHere: boolean, managedHere: boolean) => ({ userId, isOwnerHere, managedHere });
  it.each([
    // [actor, target is owner, account managed here, reach, outcome, why]
    ["Admin at Boston", false, true, "account", "ok", "the managing tenant's admin resets a staff password"],
    ["Admin at Boston", false, false, "account", "forbidden", "an account this tenant doesn't manage is the person's own"],
    ["Admin at Boston", false, false, "membership", "ok", "but their membership here is this tenant's: suspend or remove"],
    ["Admin at Boston", false, false, "roles", "ok", "and their roles here"],
    ["Admin at Boston", true, true, "account", "forbidden", "an admin can't act on an owner's account"],
    ["Admin at Boston", true, true, "membership", "forbidden", "nor suspend or remove an owner"],
    ["Owner at Boston", true, true, "membership", "ok", "an owner may act on another owner"],
    ["Owner at Boston", false, false, "account", "forbidden", "not even an owner changes an account their tenant doesn't manage"],
    ["Manager at Boston", false, false, "read", "ok", "reading a member is decided by the permission alone"],
  ] as const)("%s on a target (owner %s, managed %s), reach %s: %s (%s)", (name, isOwner, managed, reach, expected, _why) => {
    expect(outcome(canActOnMember(actor(name), "boston", target("someone-else", isOwner, managed), reach as MemberReach, NOW))).toBe(expected);
  });

  it("nobody suspends, removes or resets themselves from the admin screens; platform staff reach any account", () => {
    const admin = actor("Admin at Boston");
    expect(canActOnMember(admin, "boston", target(admin.userId, false, true), "membership", NOW)).toMatchObject({ ok: false, code: "conflict" });
    expect(canActOnMember(admin, "boston", target(admin.userId, false, true), "account", NOW)).toMatchObject({ ok: false, code: "conflict" });
    const staff = { ...admin, isPlatformStaff: true };
    expect(canActOnMember(staff, "boston", target("someone-else", false, false), "account", NOW)).toEqual({ ok: true });
  });
});

// ---------------------------------------------------------------------------------------------
describe("canChangeRole: only someone who manages roles where a custom role was defined, or above, changes it", () => {
  it.each<[string, string, "roles.edit" | "roles.delete", "ok" | "forbidden", string]>([
    // actor                                  defined at        permission      expected     why
    ["Owner at Acme (enterprise)",            "acme",           "roles.edit",   "ok",        "the enterprise owner changes enterprise roles"],
    ["Owner at Acme (enterprise)",            "acme",           "roles.delete", "ok",        "… and deletes them"],
    ["Owner at Acme (enterprise)",            "boston",         "roles.edit",   "ok",        "a role defined below is theirs too"],
    ["Admin of East Region",                  "acme",           "roles.edit",   "forbidden", "a region admin can't edit an enterprise-level role"],
    ["Admin of East Region",                  "acme",           "roles.delete", "forbidden", "… nor delete it"],
    ["Admin of East Region",                  "east",           "roles.edit",   "ok",        "a role defined at their region"],
    ["Admin of East Region",                  "boston",         "roles.delete", "ok",        "a role defined below their region"],
    ["Admin of East Region",                  "west",           "roles.edit",   "forbidden", "a sibling region's role"],
    ["Admin at Boston",                       "east",           "roles.edit",   "forbidden", "a practice admin can't edit the region's roles"],
    ["Admin at Boston",                       "boston",         "roles.edit",   "ok",        "their own practice's roles"],
    ["Admin at Boston without manage_roles",  "boston",         "roles.edit",   "ok",        "roles.edit is not members.manage_roles"],
    ["Manager at Boston",                     "boston",         "roles.edit",   "forbidden", "managers read roles but don't edit them"],
    ["expired Admin at Boston",               "boston",         "roles.edit",   "forbidden", "an expired binding changes nothing"],
    ["Owner at Boston",                       "acme",           "roles.edit",   "forbidden", "a practice owner is not an enterprise owner"],
    ["Owner at Boston",                       "other-clinic",   "roles.edit",   "forbidden", "never in another tenant"],
    ["Owner of Rob's Care",                   "robs-care",      "roles.delete", "ok",        "a care profile owner"],
    ["Member of Rob's Care",                  "robs-care",      "roles.edit",   "forbidden", "members don't manage roles"],
  ])("%s, role defined at %s, %s: %s (%s)", (name, definedAt, permission, expected) => {
    expect(outcome(canChangeRole(actor(name), { nodeId: definedAt }, permission, NOW))).toBe(expected);
  });

  it("says where the role was defined", () => {
    expect(canChangeRole(actor("Admin of East Region"), { nodeId: "acme", nodeName: "Acme Health" }, "roles.edit", NOW)).toEqual({
      ok: false, code: "forbidden", reason: "This role was defined at Acme Health; only someone who can edit roles there can change it.",
    });
    expect(canChangeRole(actor("Admin of East Region"), { nodeId: "acme" }, "roles.delete", NOW)).toEqual({
      ok: false, code: "forbidden", reason: "This role was defined higher up in the organisation; only someone who can delete roles there can delete it.",
    });
  });
});
