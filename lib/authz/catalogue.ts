/**
 * The permission catalogue: every resource the product protects and the actions on it.
 * Code, not data: a permission that is not listed here cannot be granted, checked or stored.
 * Universal (no server-only imports) so the UI hides what the server would refuse, from one source.
 */

export const CATALOGUE = {
  patients: {
    label: "Patients",
    group: "Clinical",
    actions: ["read_contact", "read", "read_sensitive", "create", "edit", "delete", "export"],
  },
  medical_records: { label: "Medical records", group: "Clinical", actions: ["read", "create", "edit", "delete", "export"] },
  clinical_notes: { label: "Clinical notes", group: "Clinical", actions: ["read", "create", "edit", "delete", "export"] },
  appointments: { label: "Appointments & schedules", group: "Scheduling", actions: ["read", "create", "edit", "delete", "export", "check_in"] },
  availability: { label: "Provider availability", group: "Scheduling", actions: ["read", "edit"] },
  provider_performance: { label: "Provider performance", group: "Scheduling", actions: ["read"] },
  timesheets: { label: "Staff time tracking", group: "Scheduling", actions: ["read", "edit", "approve"] },
  charges: { label: "Charges", group: "Billing", actions: ["read", "create", "edit", "delete", "export"] },
  invoices: { label: "Invoices", group: "Billing", actions: ["read", "create", "edit", "delete", "export"] },
  payments: { label: "Payments", group: "Billing", actions: ["read", "process", "export"] },
  refunds: { label: "Refunds", group: "Billing", actions: ["read", "create", "approve", "process"] },
  billing_reports: { label: "Billing reports", group: "Billing", actions: ["read", "export"] },
  products: { label: "Products", group: "Inventory", actions: ["read", "create", "edit", "delete", "export"] },
  stock: { label: "Stock", group: "Inventory", actions: ["read", "edit", "export"] },
  purchase_orders: { label: "Purchase orders", group: "Inventory", actions: ["read", "create", "edit", "approve"] },
  calls: { label: "Calls", group: "Calls", actions: ["read", "manage"] },
  ai_transcriptions: { label: "AI transcriptions", group: "Calls", actions: ["read", "export"] },
  care_schedule: { label: "Care schedule", group: "Care team", actions: ["read", "create", "edit", "delete", "export"] },
  care_events: { label: "Care log", group: "Care team", actions: ["read", "create", "edit", "delete", "export"] },
  care_sensitive: { label: "Sensitive care information", group: "Care team", actions: ["read", "edit"] },
  care_reports: { label: "Care reports", group: "Care team", actions: ["read", "export"] },
  members: { label: "Users & members", group: "Administration", actions: ["read_contact", "read", "create", "edit", "delete", "manage_roles", "export"] },
  roles: { label: "Roles", group: "Administration", actions: ["read", "create", "edit", "delete"] },
  locations: { label: "Locations & org tree", group: "Administration", actions: ["read", "create", "edit", "delete"] },
  settings: { label: "Security settings", group: "Administration", actions: ["read", "edit"] },
  billing_settings: { label: "Billing settings", group: "Administration", actions: ["read", "edit"] },
  audit_log: { label: "Audit log", group: "Administration", actions: ["read", "export"] },
  api_keys: { label: "API keys", group: "Administration", actions: ["read", "create", "delete"] },
  emergency_access: { label: "Emergency access", group: "Administration", actions: ["request", "approve"] },
  access_reviews: { label: "Access reviews", group: "Administration", actions: ["read", "schedule", "decide"] },
  tenant: { label: "Practice / profile", group: "Administration", actions: ["delete", "transfer_ownership", "set_audit_retention"] },
} as const satisfies Record<string, { label: string; group: string; actions: readonly string[] }>;

export type Resource = keyof typeof CATALOGUE;
export type ActionOf<R extends Resource> = (typeof CATALOGUE)[R]["actions"][number];
export type Permission = { [R in Resource]: `${R}.${ActionOf<R>}` }[Resource];

export const RESOURCES = Object.keys(CATALOGUE) as Resource[];
export const PERMISSIONS: readonly Permission[] = RESOURCES.flatMap((r) =>
  (CATALOGUE[r].actions as readonly string[]).map((a) => `${r}.${a}` as Permission),
);
const PERMISSION_SET: ReadonlySet<string> = new Set(PERMISSIONS);

export function isPermission(value: unknown): value is Permission {
  return typeof value === "string" && PERMISSION_SET.has(value);
}

export function resourceOf(permission: Permission): Resource {
  return permission.slice(0, permission.indexOf(".")) as Resource;
}

/**
 * Separation of duties, as policy: the permission is refused when the named field of the record
 * holds the acting user (the approver of a refund can't process it; a requester can't approve
 * their own emergency access).
 */
export const SEPARATION_OF_DUTIES: Partial<Record<Permission, { field: string; reason: string }>> = {
  "refunds.process": { field: "approvedById", reason: "the person who approved a refund can't also process it" },
  "refunds.approve": { field: "requestedById", reason: "the person who requested a refund can't approve it" },
  "emergency_access.approve": { field: "requestedById", reason: "an emergency grant can't be approved by its requester" },
  "purchase_orders.approve": { field: "requestedById", reason: "the person who raised an order can't approve it" },
};

/**
 * Field groups: which read permission reveals which fields of a record. `mask()` removes every field
 * whose permission the subject lacks for that record.
 */
export const FIELD_PERMISSIONS: Partial<Record<Resource, Record<string, Permission>>> = {
  patients: {
    firstName: "patients.read_contact",
    lastName: "patients.read_contact",
    phone: "patients.read_contact",
    email: "patients.read_contact",
    address: "patients.read_contact",
    dateOfBirth: "patients.read",
    ssn: "patients.read_sensitive",
    insuranceMemberId: "patients.read_sensitive",
  },
  members: {
    name: "members.read_contact",
    email: "members.read_contact",
    phone: "members.read_contact",
    status: "members.read",
    lastSignInAt: "members.read",
  },
};
