/**
 * explain(): the exact sentences an admin reads on the "why can't this person see that?" screen,
 * and the one change it suggests. The nearest-miss sentence names what the person's role does grant:
 * permissions on the same resource, else permissions in the same catalogue group, else nothing.
 */
import { describe, expect, it } from "vitest";
import type { Permission } from "./catalogue";
import { decide, type ResourceRef } from "./decide";
import { explain, type Explanation } from "./explain";
import { builtinRoleId } from "./roles";
import { compileSubject, type RoleRow, type Subject } from "./subject";
import { buildTree, type NodeKind, type NodeRow } from "./tree";

const LA = "America/Los_Angeles";
const NY = "America/New_York";
const n = (id: string, parentId: string | null, rootId: string, kind: NodeKind, name: string, timeZone = "UTC"): NodeRow => ({ id, parentId, rootId, kind, name, timeZone });
const NODES: NodeRow[] = [
  n("acme", null, "acme", "ENTERPRISE", "Acme Health"),
  n("west", "acme", "acme", "REGION", "West Region", LA),
  n("seattle", "west", "acme", "PRACTICE", "Seattle Practice", LA),
  n("seattle-downtown", "seattle", "acme", "LOCATION", "Seattle Downtown", LA),
  n("portland", "west", "acme", "PRACTICE", "Portland Practice", LA),
  n("portland-pearl", "portland", "acme", "LOCATION", "Portland Pearl", LA),
  n("east", "acme", "acme", "REGION", "East Region", NY),
  n("boston", "east", "acme", "PRACTICE", "Boston Practice", NY),
  n("boston-back-bay", "boston", "acme", "LOCATION", "Boston Back Bay", NY),
  n("other-clinic", null, "other-clinic", "PRACTICE", "Other Clinic"),
  n("robs-care", null, "robs-care", "CARE_PROFILE", "Rob's Care"),
  n("moms-care", null, "moms-care", "CARE_PROFILE", "Mom's Care"),
];
const TREES = new Map([...new Set(NODES.map((r) => r.rootId))].map((root) => [root, buildTree(root, NODES.filter((r) => r.rootId === root))]));
const ME = "u-me";
const SOMEONE = "u-someone";
const NOW = Date.parse("2025-03-04T16:30:00Z"); // Tuesday 08:30 in Seattle

const CUSTOM: RoleRow[] = [
  { id: "desk-lead", key: "desk_lead", name: "Desk Lead", tenantId: "acme", parentId: null, grants: [{ permission: "patients.read", scope: "node" }], removals: [] },
  {
    id: "hours-only", key: "hours_only", name: "Hours Only", tenantId: "acme", parentId: null, removals: [],
    grants: [{ permission: "patients.read", scope: "subtree", conditions: { timeWindow: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" } } }],
  },
];
type B = { role: string; at: string; expiresAt?: Date; id?: string };
function subject(...binds: B[]): Subject {
  return compileSubject({
    userId: ME,
    bindings: binds.map((b, i) => ({
      id: b.id ?? `binding-${i}`, nodeId: b.at, roleId: CUSTOM.some((r) => r.id === b.role) ? b.role : builtinRoleId(b.role), expiresAt: b.expiresAt ?? null,
    })),
    roles: new Map(CUSTOM.map((r) => [r.id, r])),
    trees: TREES,
  });
}
/** explain() and decide() must agree in every case here too. */
function why(s: Subject, permission: Permission, resource: ResourceRef, now = NOW): Explanation {
  const e = explain(s, permission, resource, { now });
  expect(e.allowed).toBe(decide(s, permission, resource, { now }));
  return e;
}
const backBay = (over: Partial<ResourceRef> = {}): ResourceRef => ({ nodeId: "boston-back-bay", ownerId: SOMEONE, ...over });

describe("explain(): allowed", () => {
  it("names the binding, the role, the node and the reach of the grant", () => {
    expect(why(subject({ role: "manager", at: "seattle", id: "b-mgr" }), "patients.read", { nodeId: "seattle-downtown", ownerId: SOMEONE })).toEqual({
      allowed: true,
      permission: "patients.read",
      reason: "Manager at Seattle Practice grants patients.read on everything.",
      via: { bindingId: "b-mgr", role: "Manager", node: "Seattle Practice", scope: "subtree" },
    });
  });

  it.each([
    ["patients.read", backBay({ assigneeIds: [ME] }), "Provider at Boston Practice grants patients.read on assigned or shared records.", "assigned"],
    ["patients.read", backBay({ ownerId: ME }), "Provider at Boston Practice grants patients.read on assigned or shared records.", "assigned"],
    ["clinical_notes.edit", backBay({ ownerId: ME }), "Provider at Boston Practice grants clinical_notes.edit on own records.", "own"],
  ] as const)("a provider: %s", (permission, resource, reason, scope) => {
    const e = why(subject({ role: "provider", at: "boston" }), permission, resource);
    expect([e.allowed, e.reason, e.via?.scope]).toEqual([true, reason, scope]);
  });

  it("a node-scoped grant at its own node", () => {
    expect(why(subject({ role: "desk-lead", at: "seattle" }), "patients.read", { nodeId: "seattle" }).reason).toBe("Desk Lead at Seattle Practice grants patients.read on this node only.");
  });

  it("the nearest binding that allows it is the one named", () => {
    const s = subject({ role: "manager", at: "boston", id: "b-boston" }, { role: "front_desk", at: "boston-back-bay", id: "b-desk" });
    expect(why(s, "patients.read_contact", backBay()).via?.bindingId).toBe("b-desk");
    expect(why(s, "patients.read", backBay()).via?.bindingId).toBe("b-boston");
  });
});

describe("explain(): denied", () => {
  it.each<[string, Subject, Permission, ResourceRef, string, string]>([
    [
      "front desk asking for medical records: the same group (Clinical) is named",
      subject({ role: "front_desk", at: "boston" }), "medical_records.read", backBay(),
      "Front Desk at Boston Practice grants patients.read_contact, not medical_records.read.",
      "Give them a role at Boston Practice that includes medical_records.read, or a custom role based on Front Desk that adds it.",
    ],
    [
      "front desk asking for the full patient record: the same resource is named",
      subject({ role: "front_desk", at: "boston" }), "patients.read", backBay(),
      "Front Desk at Boston Practice grants patients.read_contact, not patients.read.",
      "Give them a role at Boston Practice that includes patients.read, or a custom role based on Front Desk that adds it.",
    ],
    [
      "front desk asking for billing: nothing in that group",
      subject({ role: "front_desk", at: "boston" }), "charges.read", backBay(),
      "Front Desk at Boston Practice grants no access to charges (needs charges.read).",
      "Give them a role at Boston Practice that includes charges.read, or a custom role based on Front Desk that adds it.",
    ],
    [
      "billing asking for the schedule",
      subject({ role: "billing", at: "boston" }), "appointments.read", backBay(),
      "Billing at Boston Practice grants no access to appointments & schedules (needs appointments.read).",
      "Give them a role at Boston Practice that includes appointments.read, or a custom role based on Billing that adds it.",
    ],
    [
      "billing asking for clinical notes: what they hold in the Clinical group",
      subject({ role: "billing", at: "boston" }), "clinical_notes.read", backBay(),
      "Billing at Boston Practice grants patients.read_contact, patients.read, patients.read_sensitive, not clinical_notes.read.",
      "Give them a role at Boston Practice that includes clinical_notes.read, or a custom role based on Billing that adds it.",
    ],
    [
      "a manager deleting staff",
      subject({ role: "manager", at: "boston" }), "members.delete", backBay(),
      "Manager at Boston Practice grants members.read_contact, members.read, members.edit, not members.delete.",
      "Give them a role at Boston Practice that includes members.delete, or a custom role based on Manager that adds it.",
    ],
    [
      "own-scope miss: a provider editing a colleague's note on a shared patient",
      subject({ role: "provider", at: "boston" }), "clinical_notes.edit", backBay({ assigneeIds: [ME] }),
      "Provider at Boston Practice grants clinical_notes.edit only on their own records; this one belongs to someone else.",
      "Ask the owner, or grant it on all records.",
    ],
    [
      "assigned-scope miss: a provider opening another provider's patient",
      subject({ role: "provider", at: "boston" }), "patients.read", backBay({ assigneeIds: [SOMEONE] }),
      "Provider at Boston Practice grants patients.read only on assigned or shared records; this one is not assigned or shared to them.",
      "Share the record with them (assign them to it).",
    ],
    [
      "node-scope miss: a node-only grant asked about a location below",
      subject({ role: "desk-lead", at: "seattle" }), "patients.read", { nodeId: "seattle-downtown" },
      "Desk Lead at Seattle Practice grants patients.read only at Seattle Practice itself, not at Seattle Downtown.",
      "Widen that grant to the whole subtree of Seattle Practice.",
    ],
    [
      "amount limit: a manager approving a $250 refund",
      subject({ role: "manager", at: "boston" }), "refunds.approve", backBay({ amount: 250, requestedById: SOMEONE }),
      "Manager at Boston Practice grants refunds.approve only for amounts under $200.",
      "Ask someone whose role has no such limit.",
    ],
    [
      "time window: 08:30 in Seattle is before opening",
      subject({ role: "hours-only", at: "seattle" }), "patients.read", { nodeId: "seattle-downtown" },
      "Hours Only at Seattle Practice grants patients.read only Mon–Fri 09:00–17:00 America/Los_Angeles; now Tue 08:30.",
      "Ask someone whose role has no such limit.",
    ],
    [
      "expired binding",
      subject({ role: "manager", at: "seattle", expiresAt: new Date("2025-01-31T12:00:00Z") }), "patients.read", { nodeId: "seattle-downtown" },
      "Manager at Seattle Practice expired on 2025-01-31.",
      "Extend or renew their role at Seattle Practice.",
    ],
    [
      "expired binding, with a live role elsewhere in the tenant that doesn't reach",
      subject({ role: "manager", at: "seattle", expiresAt: new Date("2025-03-01T00:00:00Z") }, { role: "front_desk", at: "portland" }), "patients.read_contact", { nodeId: "seattle-downtown" },
      "Manager at Seattle Practice expired on 2025-03-01.",
      "Extend or renew their role at Seattle Practice.",
    ],
    [
      "separation of duties: the approver processing the refund",
      subject({ role: "billing", at: "boston" }), "refunds.process", backBay({ amount: 80, approvedById: ME }),
      "Separation of duties: the person who approved a refund can't also process it.",
      "Ask a different person to do it.",
    ],
    [
      "separation of duties: the requester approving their own emergency access, as owner",
      subject({ role: "owner", at: "boston" }), "emergency_access.approve", backBay({ requestedById: ME }),
      "Separation of duties: an emergency grant can't be approved by its requester.",
      "Ask a different person to do it.",
    ],
    [
      "no role at the node, though a role elsewhere in the tenant",
      subject({ role: "manager", at: "seattle" }), "patients.read", { nodeId: "portland-pearl" },
      "The person has no role at Portland Pearl or above it.",
      "Give them a role at Portland Pearl.",
    ],
    [
      "no role in the tenant at all",
      subject({ role: "owner", at: "acme" }), "patients.read", { nodeId: "other-clinic" },
      "The person has no role anywhere in this organisation.",
      "Invite them to the practice or profile and give them a role.",
    ],
    [
      "no role in another care profile",
      subject({ role: "care_admin", at: "robs-care" }), "care_schedule.read", { nodeId: "moms-care" },
      "The person has no role anywhere in this organisation.",
      "Invite them to the practice or profile and give them a role.",
    ],
    [
      "a care Member asking for sensitive information: what they hold in the Care team group",
      subject({ role: "care_member", at: "robs-care" }), "care_sensitive.read", { nodeId: "robs-care" },
      "Member at Rob's Care grants care_schedule.read, care_events.create, care_events.read, care_events.edit, not care_sensitive.read.",
      "Give them a role at Rob's Care that includes care_sensitive.read, or a custom role based on Member that adds it.",
    ],
    [
      "a care Viewer trying to change the schedule",
      subject({ role: "care_viewer", at: "robs-care" }), "care_schedule.edit", { nodeId: "robs-care" },
      "Viewer at Rob's Care grants care_schedule.read, not care_schedule.edit.",
      "Give them a role at Rob's Care that includes care_schedule.edit, or a custom role based on Viewer that adds it.",
    ],
  ])("%s", (_case, s, permission, resource, reason, fix) => {
    expect(why(s, permission, resource)).toEqual({ allowed: false, permission, reason, fix });
  });

  it("Front Desk at Boston Practice grants patients.read_contact, not medical_records.read.", () => {
    // The example sentence of the brief, at the location below the binding and at the practice itself.
    for (const nodeId of ["boston", "boston-back-bay"]) {
      expect(why(subject({ role: "front_desk", at: "boston" }), "medical_records.read", { nodeId }).reason).toBe(
        "Front Desk at Boston Practice grants patients.read_contact, not medical_records.read.",
      );
    }
  });

  it("the same record becomes explainable-allowed once the condition is met", () => {
    // 09:30 in Seattle, Tuesday.
    const e = why(subject({ role: "hours-only", at: "seattle" }), "patients.read", { nodeId: "seattle-downtown" }, Date.parse("2025-03-04T17:30:00Z"));
    expect([e.allowed, e.reason]).toEqual([true, "Hours Only at Seattle Practice grants patients.read on everything."]);
  });
});

describe("explain() with a permission outside the catalogue", () => {
  it("denies with a plain reason instead of throwing", () => {
    const empty = compileSubject({ userId: "u", bindings: [], roles: new Map(), trees: new Map() });
    expect(explain(empty, "patients.nuke" as never, { nodeId: "x" })).toEqual({ allowed: false, permission: "patients.nuke", reason: "patients.nuke is not a permission CareAccess knows." });
  });
});
