import { PERMISSIONS, resourceOf, type Permission, type Resource } from "./catalogue";
import type { Grant, Scope } from "./grants";

/**
 * Built-in role templates, taken from the three product documents (see README, "Roles").
 * Each line reads: permission, scope (default: the whole subtree of the node the role is bound at).
 */

export type RoleFamily = "clinic" | "care" | "platform";
export interface RoleTemplate {
  key: string;
  name: string;
  family: RoleFamily;
  description: string;
  grants: Grant[];
}

const g = (permission: Permission, scope: Scope = "subtree", extra: Omit<Grant, "permission" | "scope"> = {}): Grant => ({
  permission,
  scope,
  ...extra,
});
const all = (resource: Resource, scope: Scope = "subtree"): Grant[] =>
  PERMISSIONS.filter((p) => resourceOf(p) === resource).map((p) => g(p, scope));
const some = (resource: Resource, actions: string[], scope: Scope = "subtree"): Grant[] =>
  actions.map((a) => g(`${resource}.${a}` as Permission, scope));

const CLINIC_RESOURCES: Resource[] = [
  "patients", "medical_records", "clinical_notes", "appointments", "availability", "provider_performance",
  "timesheets", "charges", "invoices", "payments", "refunds", "billing_reports", "products", "stock", "purchase_orders",
  "calls", "ai_transcriptions", "members", "roles", "locations", "settings", "billing_settings",
  "audit_log", "api_keys", "emergency_access",
];
const CARE_RESOURCES: Resource[] = [
  "care_schedule", "care_events", "care_sensitive", "care_reports", "availability", "members", "roles",
  "settings", "billing_settings", "audit_log", "api_keys", "emergency_access",
];

export const ROLE_TEMPLATES: readonly RoleTemplate[] = [
  {
    key: "owner",
    name: "Owner",
    family: "clinic",
    description: "Full access to everything, including deleting the practice and transferring ownership.",
    grants: [...CLINIC_RESOURCES.flatMap((r) => all(r)), ...all("access_reviews"), ...all("tenant")],
  },
  {
    key: "admin",
    name: "Admin",
    family: "clinic",
    description: "Full access to all features, users, roles, billing and settings; cannot delete the practice.",
    // Access reviews: an admin reviews their places (read, decide); scheduling a campaign is the owner's.
    grants: [...CLINIC_RESOURCES.flatMap((r) => all(r)), ...some("access_reviews", ["read", "decide"])],
  },
  {
    key: "manager",
    name: "Manager",
    family: "clinic",
    description: "Views all patient records, runs scheduling, processes payments and staff time; cannot delete staff or change roles.",
    grants: [
      ...some("patients", ["read_contact", "read", "read_sensitive", "create", "edit"]),
      ...some("medical_records", ["read"]),
      ...some("clinical_notes", ["read"]),
      ...all("appointments"),
      ...all("availability"),
      ...some("provider_performance", ["read"]),
      ...all("timesheets"),
      ...some("charges", ["read"]),
      ...some("invoices", ["read"]),
      ...some("payments", ["read", "process"]),
      ...some("refunds", ["read", "create"]),
      g("refunds.approve", "subtree", { conditions: { maxAmount: 200 } }),
      ...some("members", ["read_contact", "read", "edit"]),
      ...some("roles", ["read"]),
      ...some("locations", ["read"]),
      ...some("products", ["read"]),
      ...some("stock", ["read"]),
      ...some("calls", ["read"]),
    ],
  },
  {
    key: "provider",
    name: "Provider",
    family: "clinic",
    description: "Sees assigned and shared patients, their appointments and records; writes and edits own notes. No billing or staff management.",
    grants: [
      ...some("patients", ["read_contact", "read", "read_sensitive", "edit"], "assigned"),
      ...some("medical_records", ["read", "create"], "assigned"),
      ...some("clinical_notes", ["read", "create"], "assigned"),
      ...some("clinical_notes", ["edit", "delete"], "own"),
      ...some("appointments", ["read", "create", "edit"], "assigned"),
      ...some("availability", ["read", "edit"], "own"),
      ...some("provider_performance", ["read"], "own"),
      ...some("timesheets", ["read", "edit"], "own"),
      ...some("members", ["read_contact"]),
      ...some("locations", ["read"]),
    ],
  },
  {
    key: "front_desk",
    name: "Front Desk",
    family: "clinic",
    description: "Checks patients in, schedules and reschedules, sees contact details. No medical records or billing; does not modify patient data.",
    grants: [
      ...some("patients", ["read_contact"]),
      ...some("appointments", ["read", "create", "edit", "check_in"]),
      ...some("availability", ["read"]),
      ...some("calls", ["read"]),
      ...some("members", ["read_contact"]),
      ...some("locations", ["read"]),
    ],
  },
  {
    key: "billing",
    name: "Billing",
    family: "clinic",
    description: "Views all patients and billing records, creates charges and invoices, processes payments, runs billing reports. No clinical records or scheduling.",
    grants: [
      ...some("patients", ["read_contact", "read", "read_sensitive"]),
      ...all("charges"),
      ...all("invoices"),
      ...all("payments"),
      ...some("refunds", ["read", "create", "process"]),
      ...all("billing_reports"),
      ...some("billing_settings", ["read"]),
      ...some("members", ["read_contact"]),
      ...some("locations", ["read"]),
    ],
  },
  {
    key: "inventory_manager",
    name: "Inventory Manager",
    family: "clinic",
    description: "Manages products and stock and creates orders. No clinical or billing access.",
    grants: [
      ...all("products"),
      ...all("stock"),
      ...some("purchase_orders", ["read", "create", "edit"]),
      ...some("members", ["read_contact"]),
      ...some("locations", ["read"]),
    ],
  },
  {
    key: "ai_assistant_handler",
    name: "AI Assistant Handler",
    family: "clinic",
    description: "Handles incoming calls and reads AI transcriptions of calls assigned to them. No direct access to patient records.",
    grants: [
      ...some("calls", ["read", "manage"], "assigned"),
      ...some("ai_transcriptions", ["read"], "assigned"),
      ...some("members", ["read_contact"]),
      ...some("locations", ["read"]),
    ],
  },
  {
    key: "care_owner",
    name: "Owner",
    family: "care",
    description: "Full access to the care profile: team, permissions, billing, settings; can delete the profile.",
    grants: [...CARE_RESOURCES.flatMap((r) => all(r)), ...all("access_reviews"), ...all("tenant")],
  },
  {
    key: "care_admin",
    name: "Admin",
    family: "care",
    description: "Manages the team and schedules and views all data; cannot delete the profile, manage billing or change settings.",
    grants: [
      ...all("care_schedule"),
      ...all("care_events"),
      ...some("care_sensitive", ["read"]),
      ...all("care_reports"),
      ...all("availability"),
      ...some("members", ["read_contact", "read", "create", "edit", "delete", "manage_roles", "export"]),
      ...some("roles", ["read"]),
      ...some("audit_log", ["read"]),
      ...some("access_reviews", ["read", "decide"]),
    ],
  },
  {
    key: "care_member",
    name: "Member",
    family: "care",
    description: "A care provider: views assigned schedules, updates own availability, logs care, sees team contacts. No sensitive data.",
    grants: [
      ...some("care_schedule", ["read"], "assigned"),
      ...some("availability", ["read"]),
      ...some("availability", ["edit"], "own"),
      ...some("care_events", ["create"]),
      ...some("care_events", ["read", "edit"], "own"),
      ...some("members", ["read_contact"]),
    ],
  },
  {
    key: "care_viewer",
    name: "Viewer",
    family: "care",
    description: "A family observer: views schedules and team availability; changes nothing.",
    grants: [...some("care_schedule", ["read"]), ...some("availability", ["read"])],
  },
  {
    key: "psm",
    name: "Platform support (PSM)",
    family: "platform",
    description: "CareAccess support staff: reads the organisation's setup to help it; no patient, clinical or billing data.",
    grants: [
      ...some("members", ["read_contact", "read"]),
      ...some("roles", ["read"]),
      ...some("locations", ["read"]),
      ...some("settings", ["read"]),
      ...some("audit_log", ["read"]),
    ],
  },
  {
    key: "consultant",
    name: "Consultant",
    family: "platform",
    description: "Read-only on operations where bound: locations, staff, schedules, reports, inventory. No patient records.",
    grants: [
      ...some("locations", ["read"]),
      ...some("members", ["read_contact", "read"]),
      ...some("roles", ["read"]),
      ...some("appointments", ["read"]),
      ...some("availability", ["read"]),
      ...some("billing_reports", ["read"]),
      ...some("products", ["read"]),
      ...some("stock", ["read"]),
    ],
  },
];

export const builtinRoleId = (key: string) => `builtin:${key}`;
export const TEMPLATES_BY_ID: ReadonlyMap<string, RoleTemplate> = new Map(ROLE_TEMPLATES.map((t) => [builtinRoleId(t.key), t]));
/** Roles whose holders are owners of the tenant (protected by the last-owner rule). */
export const OWNER_ROLE_IDS: ReadonlySet<string> = new Set([builtinRoleId("owner"), builtinRoleId("care_owner")]);
export const ADMIN_ROLE_IDS: ReadonlySet<string> = new Set([builtinRoleId("admin"), builtinRoleId("care_admin")]);
