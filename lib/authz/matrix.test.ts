/**
 * The built-in role matrix, as a table taken from the product documents
 * (/work/shared/reference: 001 "User Management & Roles" for the clinic roles, 002 "CareSupport OS"
 * for the care-profile roles, 000 "Enterprise Management" for the hierarchy and platform roles).
 *
 * Each row: role | permission | record | expected | why (the document's words, where it says).
 * Where the documents are silent the row follows least privilege ("give users only permissions they
 * need") and the role's one-line description; those rows carry no quote.
 *
 * Clinic and platform roles are bound at Boston Practice; care roles at Rob's Care. Records:
 *   any       someone else's record at a location under the binding, neither owned by nor shared
 *             with the subject ($150 where an amount matters)
 *   large     the same, for $250
 *   assigned  someone else's record shared with / assigned to the subject
 *   own       the subject's own record (author, primary provider, their own availability)
 *   elsewhere the subject's own, shared record, but in a practice or profile they hold no role in
 *   other_tenant  the same, in another tenant altogether
 *
 * Subjects are compiled in memory (compileSubject + buildTree): no database.
 */
import { describe, expect, it } from "vitest";
import { CATALOGUE, PERMISSIONS, RESOURCES, isPermission, resourceOf, type Permission, type Resource } from "./catalogue";
import { decide, type ResourceRef } from "./decide";
import type { Grant } from "./grants";
import { mask } from "./mask";
import { ROLE_TEMPLATES, TEMPLATES_BY_ID, builtinRoleId } from "./roles";
import { compileSubject, type BindingRow, type RoleRow, type Subject } from "./subject";
import { buildTree, type NodeKind, type NodeRow, type TenantTree } from "./tree";

// ---------------------------------------------------------------------------------------------
// The org used throughout: an enterprise of practices, a standalone clinic, two care profiles.
// ---------------------------------------------------------------------------------------------
const LA = "America/Los_Angeles";
const NY = "America/New_York";
const n = (id: string, parentId: string | null, rootId: string, kind: NodeKind, name: string, timeZone = "UTC"): NodeRow => ({
  id, parentId, rootId, kind, name, timeZone,
});
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
  n("other-clinic-main", "other-clinic", "other-clinic", "LOCATION", "Other Clinic Main St"),
  n("robs-care", null, "robs-care", "CARE_PROFILE", "Rob's Care"),
  n("moms-care", null, "moms-care", "CARE_PROFILE", "Mom's Care"),
];
const TREES: ReadonlyMap<string, TenantTree> = new Map(
  [...new Set(NODES.map((r) => r.rootId))].map((root) => [root, buildTree(root, NODES.filter((r) => r.rootId === root))]),
);
const ME = "u-me";
const SOMEONE = "u-someone";
const COLLEAGUE = "u-colleague";

interface Bind {
  role: string;
  at: string;
  expiresAt?: Date | null;
  adjustments?: unknown;
  id?: string;
}
const roleIdOf = (role: string) => (TEMPLATES_BY_ID.has(builtinRoleId(role)) ? builtinRoleId(role) : role);
function subject(binds: Bind[], customRoles: RoleRow[] = [], userId = ME): Subject {
  const bindings: BindingRow[] = binds.map((b, i) => ({
    id: b.id ?? `${userId}-binding-${i}`,
    nodeId: b.at,
    roleId: roleIdOf(b.role),
    adjustments: b.adjustments,
    expiresAt: b.expiresAt ?? null,
  }));
  return compileSubject({ userId, bindings, roles: new Map(customRoles.map((r) => [r.id, r])), trees: TREES });
}
const customRole = (id: string, over: Partial<RoleRow>): RoleRow => ({
  id, key: id, name: id, tenantId: "acme", parentId: null, grants: [], removals: [], ...over,
});

// ---------------------------------------------------------------------------------------------
// The matrix.
// ---------------------------------------------------------------------------------------------
const MATRIX_TEXT = `
role                 | permission                 | record       | expected | why
# --- Owner (001 "Owner/Admin: full access to all features"; 002 owner "can delete the profile") ---
owner                | patients.read              | any          | allow    | can view all patients and records
owner                | patients.read_sensitive    | any          | allow    | full access
owner                | patients.delete            | any          | allow    | can delete data
owner                | patients.read              | elsewhere    | deny     | a role reaches only below the node it is bound at
owner                | patients.read              | other_tenant | deny     | never across tenants
owner                | medical_records.read       | any          | allow    | can view all patients and records
owner                | medical_records.delete     | any          | allow    | can delete data
owner                | clinical_notes.edit        | any          | allow    | full access
owner                | appointments.delete        | any          | allow    | full access
owner                | availability.edit          | any          | allow    | full access
owner                | timesheets.approve         | any          | allow    | full access
owner                | provider_performance.read  | any          | allow    | full access
owner                | charges.create             | any          | allow    | can access billing
owner                | invoices.delete            | any          | allow    | can access billing
owner                | payments.process           | any          | allow    | can access billing
owner                | refunds.approve            | large        | allow    | no amount limit
owner                | billing_reports.export     | any          | allow    | can access billing
owner                | products.delete            | any          | allow    | full access
owner                | stock.edit                 | any          | allow    | full access
owner                | purchase_orders.approve    | any          | allow    | full access
owner                | calls.manage               | any          | allow    | full access
owner                | ai_transcriptions.read     | any          | allow    | full access
owner                | care_schedule.read         | any          | deny     | care-team data exists only in care profiles
owner                | care_events.create         | any          | deny     |
owner                | care_sensitive.read        | any          | deny     |
owner                | care_reports.read          | any          | deny     |
owner                | members.delete             | any          | allow    | deleting a user: only Owner/Admin
owner                | members.manage_roles       | any          | allow    | can manage users and roles
owner                | roles.create               | any          | allow    | can manage users and roles
owner                | locations.create           | any          | allow    | full access
owner                | settings.edit              | any          | allow    | can access billing and settings
owner                | billing_settings.edit      | any          | allow    | can access billing and settings
owner                | audit_log.export           | any          | allow    | export logs for audits
owner                | api_keys.create            | any          | allow    | full access
owner                | emergency_access.approve   | any          | allow    | full access
owner                | tenant.delete              | any          | allow    | can delete the profile/practice (owner only)
owner                | access_reviews.schedule    | any          | allow    | an owner schedules access reviews
owner                | access_reviews.decide      | any          | allow    |
owner                | tenant.set_audit_retention | any          | allow    | owner only
owner                | tenant.transfer_ownership  | any          | allow    | owner only
# --- Admin (001 "Owner/Admin"; 000 Owners and Admins are distinct: only an owner deletes the tenant) ---
admin                | patients.read              | any          | allow    | can view all patients and records
admin                | patients.delete            | any          | allow    | can delete data
admin                | patients.read              | other_tenant | deny     |
admin                | medical_records.read       | any          | allow    | can view all patients and records
admin                | clinical_notes.delete      | any          | allow    | can delete data
admin                | appointments.create        | any          | allow    | full access
admin                | availability.edit          | any          | allow    | full access
admin                | timesheets.approve         | any          | allow    | full access
admin                | provider_performance.read  | any          | allow    | full access
admin                | charges.create             | any          | allow    | can access billing
admin                | invoices.create            | any          | allow    | can access billing
admin                | payments.process           | any          | allow    | can access billing
admin                | refunds.approve            | large        | allow    | no amount limit
admin                | billing_reports.read       | any          | allow    | can access billing
admin                | products.create            | any          | allow    | full access
admin                | stock.edit                 | any          | allow    | full access
admin                | purchase_orders.approve    | any          | allow    | full access
admin                | calls.manage               | any          | allow    | full access
admin                | ai_transcriptions.export   | any          | allow    | full access
admin                | care_schedule.read         | any          | deny     | care-team data exists only in care profiles
admin                | care_events.read           | any          | deny     |
admin                | care_sensitive.read        | any          | deny     |
admin                | care_reports.read          | any          | deny     |
admin                | members.delete             | any          | allow    | deleting a user: only Owner/Admin
admin                | members.manage_roles       | any          | allow    | can manage users and roles
admin                | roles.edit                 | any          | allow    | can manage users and roles
admin                | locations.edit             | any          | allow    | full access
admin                | settings.edit              | any          | allow    | can access billing and settings
admin                | billing_settings.edit      | any          | allow    | can access billing and settings
admin                | audit_log.read             | any          | allow    | full access
admin                | api_keys.delete            | any          | allow    | full access
admin                | emergency_access.approve   | any          | allow    | full access
admin                | tenant.delete              | any          | deny     | deleting the practice/profile is the owner's alone
admin                | access_reviews.decide      | any          | allow    | the admin of each place reviews it
admin                | access_reviews.schedule    | any          | deny     | scheduling a review is the owner's
admin                | tenant.set_audit_retention | any          | deny     | owner only
admin                | tenant.transfer_ownership  | any          | deny     | owner only
# --- Manager (001) ---
manager              | patients.read              | any          | allow    | can view all patient records
manager              | patients.read_sensitive    | any          | allow    | can view all patient records
manager              | patients.delete            | any          | deny     | broad but not full access; deleting is Owner/Admin
manager              | patients.read              | elsewhere    | deny     | Manager at Boston does not reach Seattle
manager              | medical_records.read       | any          | allow    | can view all patient records
manager              | medical_records.delete     | any          | deny     |
manager              | clinical_notes.read        | any          | allow    | can view all patient records
manager              | clinical_notes.edit        | any          | deny     |
manager              | appointments.create        | any          | allow    | can create appointments
manager              | appointments.edit          | any          | allow    | manage scheduling
manager              | appointments.check_in      | any          | allow    | manage scheduling
manager              | availability.edit          | any          | allow    | manage scheduling
manager              | timesheets.approve         | any          | allow    | can manage staff time tracking
manager              | provider_performance.read  | any          | allow    | runs scheduling
manager              | timesheets.edit            | any          | allow    | can manage staff time tracking
manager              | charges.create             | any          | deny     | creating charges is Billing's
manager              | invoices.create            | any          | deny     | creating invoices is Billing's
manager              | payments.process           | any          | allow    | can process payments
manager              | refunds.approve            | any          | allow    | approves refunds under $200 ($150)
manager              | refunds.approve            | large        | deny     | only under $200 ($250)
manager              | refunds.process            | any          | deny     | separation of duties: one approves, another processes
manager              | billing_reports.export     | any          | deny     |
manager              | products.edit              | any          | deny     |
manager              | stock.edit                 | any          | deny     |
manager              | purchase_orders.approve    | any          | deny     |
manager              | calls.manage               | any          | deny     |
manager              | ai_transcriptions.read     | any          | deny     |
manager              | care_schedule.read         | any          | deny     |
manager              | care_events.read           | any          | deny     |
manager              | care_sensitive.read        | any          | deny     |
manager              | care_reports.read          | any          | deny     |
manager              | members.read               | any          | allow    | oversees day-to-day staff
manager              | members.delete             | any          | deny     | cannot delete staff
manager              | members.manage_roles       | any          | deny     | cannot change roles
manager              | roles.create               | any          | deny     | cannot change roles
manager              | roles.edit                 | any          | deny     | cannot change roles
manager              | locations.edit             | any          | deny     | manages staff at their location, not system-wide settings
manager              | settings.edit              | any          | deny     | not system-wide settings
manager              | billing_settings.edit      | any          | deny     |
manager              | audit_log.export           | any          | deny     |
manager              | api_keys.create            | any          | deny     |
manager              | emergency_access.approve   | any          | deny     |
manager              | tenant.delete              | any          | deny     |
manager              | access_reviews.read        | any          | deny     |
# --- Provider (001) ---
provider             | patients.read              | assigned     | allow    | can view assigned patients
provider             | patients.read              | own          | allow    | can view own patient records
provider             | patients.read              | any          | deny     | cannot view other providers' patients (unless shared)
provider             | patients.read_contact      | any          | deny     | cannot view other providers' patients
provider             | patients.read_sensitive    | any          | deny     | cannot view other providers' patients
provider             | patients.delete            | own          | deny     |
provider             | patients.read              | elsewhere    | deny     | not at a practice they hold no role in
provider             | medical_records.read       | assigned     | allow    | can view/create medical notes
provider             | medical_records.create     | assigned     | allow    | can view/create medical notes
provider             | medical_records.read       | any          | deny     | not other providers' patients
provider             | clinical_notes.read        | assigned     | allow    | can view/create medical notes
provider             | clinical_notes.create      | assigned     | allow    | can view/create medical notes
provider             | clinical_notes.read        | any          | deny     | not other providers' patients
provider             | clinical_notes.edit        | own          | allow    | providers manage their own notes
provider             | clinical_notes.edit        | assigned     | deny     | a colleague's note on a shared patient is not theirs
provider             | clinical_notes.edit        | any          | deny     |
provider             | appointments.read          | assigned     | allow    | can view/create appointments
provider             | appointments.create        | assigned     | allow    | can view/create appointments
provider             | appointments.read          | any          | deny     | not other providers' patients
provider             | availability.edit          | own          | allow    | providers manage own schedules
provider             | availability.edit          | any          | deny     | only their own
provider             | timesheets.approve         | any          | deny     | cannot access staff management
provider             | provider_performance.read  | own          | allow    | their own row only
provider             | provider_performance.read  | any          | deny     | only their own performance
provider             | charges.read               | own          | deny     | cannot access billing
provider             | invoices.read              | own          | deny     | cannot access billing
provider             | payments.read              | own          | deny     | cannot access billing
provider             | refunds.read               | own          | deny     | cannot access billing
provider             | billing_reports.read       | any          | deny     | cannot access billing
provider             | products.read              | any          | deny     |
provider             | stock.read                 | any          | deny     |
provider             | purchase_orders.create     | any          | deny     |
provider             | calls.read                 | assigned     | deny     |
provider             | ai_transcriptions.read     | assigned     | deny     |
provider             | care_schedule.read         | own          | deny     |
provider             | care_events.create         | own          | deny     |
provider             | care_sensitive.read        | own          | deny     |
provider             | care_reports.read          | any          | deny     |
provider             | members.edit               | any          | deny     | cannot access staff management
provider             | members.delete             | any          | deny     | cannot access staff management
provider             | roles.read                 | any          | deny     | providers don't need admin access
provider             | locations.edit             | any          | deny     | providers don't need admin access
provider             | settings.read              | any          | deny     | providers don't need admin access
provider             | billing_settings.read      | any          | deny     | cannot access billing
provider             | audit_log.read             | any          | deny     | providers don't need admin access
provider             | api_keys.create            | any          | deny     |
provider             | emergency_access.approve   | any          | deny     |
provider             | tenant.delete              | any          | deny     |
provider             | access_reviews.read        | any          | deny     |
# --- Front Desk / Receptionist (001) ---
front_desk           | appointments.check_in      | any          | allow    | can check in patients
front_desk           | appointments.create        | any          | allow    | can schedule appointments
front_desk           | appointments.edit          | any          | allow    | can reschedule appointments
front_desk           | appointments.read          | any          | allow    | front desk all see all appointments
front_desk           | patients.read_contact      | any          | allow    | can view patient contact info
front_desk           | patients.read              | any          | deny     | cannot view medical records
front_desk           | patients.read_sensitive    | any          | deny     | cannot view medical records or billing
front_desk           | patients.edit              | any          | deny     | cannot modify patient data
front_desk           | patients.delete            | any          | deny     | cannot delete patient data
front_desk           | medical_records.read       | any          | deny     | cannot view medical records
front_desk           | medical_records.read       | assigned     | deny     | not even when shared
front_desk           | clinical_notes.read        | any          | deny     | cannot view medical records
front_desk           | availability.read          | any          | allow    | scheduling needs provider hours
front_desk           | availability.edit          | any          | deny     | providers manage own schedules
front_desk           | timesheets.approve         | any          | deny     |
front_desk           | provider_performance.read  | any          | deny     |
front_desk           | charges.read               | any          | deny     | cannot view billing
front_desk           | invoices.read              | any          | deny     | cannot view billing
front_desk           | payments.process           | any          | deny     | cannot view billing
front_desk           | refunds.read               | any          | deny     | cannot view billing
front_desk           | billing_reports.read       | any          | deny     | receptionists don't need billing access
front_desk           | products.read              | any          | deny     |
front_desk           | stock.read                 | any          | deny     |
front_desk           | purchase_orders.read       | any          | deny     |
front_desk           | calls.manage               | any          | deny     | managing calls is the AI Assistant Handler's
front_desk           | ai_transcriptions.read     | any          | deny     |
front_desk           | care_schedule.read         | any          | deny     |
front_desk           | care_events.read           | any          | deny     |
front_desk           | care_sensitive.read        | any          | deny     |
front_desk           | care_reports.read          | any          | deny     |
front_desk           | members.edit               | any          | deny     |
front_desk           | roles.read                 | any          | deny     |
front_desk           | locations.edit             | any          | deny     |
front_desk           | settings.read              | any          | deny     |
front_desk           | billing_settings.read      | any          | deny     | cannot view billing
front_desk           | audit_log.read             | any          | deny     |
front_desk           | api_keys.read              | any          | deny     |
front_desk           | emergency_access.approve   | any          | deny     |
front_desk           | tenant.delete              | any          | deny     |
front_desk           | access_reviews.read        | any          | deny     |
# --- Billing (001) ---
billing              | patients.read              | any          | allow    | can view all patients and billing records
billing              | patients.read_contact      | any          | allow    | can view all patients
billing              | patients.edit              | any          | deny     |
billing              | medical_records.read       | any          | deny     | cannot access clinical records
billing              | clinical_notes.read        | any          | deny     | billing staff don't need clinical notes
billing              | appointments.read          | any          | deny     | cannot access scheduling
billing              | availability.read          | any          | deny     | cannot access scheduling
billing              | timesheets.read            | any          | deny     | cannot access scheduling
billing              | provider_performance.read  | any          | deny     | cannot access scheduling
billing              | charges.create             | any          | allow    | can create charges
billing              | charges.read               | elsewhere    | deny     |
billing              | invoices.create            | any          | allow    | can create invoices
billing              | payments.process           | any          | allow    | can process payments
billing              | refunds.process            | any          | allow    | processes refunds someone else approved
billing              | refunds.approve            | any          | deny     | one person approves, a different person processes
billing              | billing_reports.read       | any          | allow    | can generate billing reports
billing              | billing_reports.export     | any          | allow    | can generate billing reports
billing              | products.read              | any          | deny     |
billing              | stock.read                 | any          | deny     |
billing              | purchase_orders.read       | any          | deny     |
billing              | calls.read                 | any          | deny     |
billing              | ai_transcriptions.read     | any          | deny     |
billing              | care_schedule.read         | any          | deny     |
billing              | care_events.read           | any          | deny     |
billing              | care_sensitive.read        | any          | deny     |
billing              | care_reports.read          | any          | deny     |
billing              | members.edit               | any          | deny     |
billing              | roles.read                 | any          | deny     |
billing              | locations.edit             | any          | deny     |
billing              | settings.read              | any          | deny     |
billing              | billing_settings.edit      | any          | deny     |
billing              | audit_log.read             | any          | deny     |
billing              | api_keys.create            | any          | deny     |
billing              | emergency_access.approve   | any          | deny     |
billing              | tenant.delete              | any          | deny     |
billing              | access_reviews.read        | any          | deny     |
# --- Inventory Manager (001) ---
inventory_manager    | products.read              | any          | allow    | can view and manage products/inventory
inventory_manager    | products.create            | any          | allow    | can manage products/inventory
inventory_manager    | products.edit              | any          | allow    | can manage products/inventory
inventory_manager    | stock.read                 | any          | allow    | can track stock
inventory_manager    | stock.edit                 | any          | allow    | can track stock
inventory_manager    | purchase_orders.create     | any          | allow    | can create orders
inventory_manager    | purchase_orders.approve    | any          | deny     | creates orders; approval is someone else's
inventory_manager    | patients.read_contact      | any          | deny     | cannot access clinical
inventory_manager    | patients.read              | any          | deny     | cannot access clinical
inventory_manager    | medical_records.read       | any          | deny     | cannot access clinical
inventory_manager    | clinical_notes.read        | any          | deny     | cannot access clinical
inventory_manager    | appointments.read          | any          | deny     |
inventory_manager    | availability.read          | any          | deny     |
inventory_manager    | timesheets.read            | any          | deny     |
inventory_manager    | provider_performance.read  | any          | deny     |
inventory_manager    | charges.read               | any          | deny     | cannot access billing
inventory_manager    | invoices.read              | any          | deny     | cannot access billing
inventory_manager    | payments.read              | any          | deny     | cannot access billing
inventory_manager    | refunds.read               | any          | deny     | cannot access billing
inventory_manager    | billing_reports.read       | any          | deny     | cannot access billing
inventory_manager    | calls.read                 | any          | deny     |
inventory_manager    | ai_transcriptions.read     | any          | deny     |
inventory_manager    | care_schedule.read         | any          | deny     |
inventory_manager    | care_events.read           | any          | deny     |
inventory_manager    | care_sensitive.read        | any          | deny     |
inventory_manager    | care_reports.read          | any          | deny     |
inventory_manager    | members.edit               | any          | deny     |
inventory_manager    | roles.read                 | any          | deny     |
inventory_manager    | locations.edit             | any          | deny     |
inventory_manager    | settings.read              | any          | deny     |
inventory_manager    | billing_settings.read      | any          | deny     | cannot access billing
inventory_manager    | audit_log.read             | any          | deny     |
inventory_manager    | api_keys.read              | any          | deny     |
inventory_manager    | emergency_access.approve   | any          | deny     |
inventory_manager    | tenant.delete              | any          | deny     |
inventory_manager    | access_reviews.read        | any          | deny     |
# --- AI Assistant Handler (001) ---
ai_assistant_handler | calls.manage               | assigned     | allow    | can manage incoming calls
ai_assistant_handler | calls.read                 | assigned     | allow    | can manage incoming calls
ai_assistant_handler | calls.manage               | any          | deny     | limited to assigned tasks
ai_assistant_handler | ai_transcriptions.read     | assigned     | allow    | can view AI transcriptions
ai_assistant_handler | ai_transcriptions.read     | any          | deny     | limited to assigned tasks
ai_assistant_handler | ai_transcriptions.export   | assigned     | deny     |
ai_assistant_handler | patients.read_contact      | assigned     | deny     | cannot access patient records directly
ai_assistant_handler | patients.read              | assigned     | deny     | cannot access patient records directly
ai_assistant_handler | medical_records.read       | assigned     | deny     | cannot access patient records directly
ai_assistant_handler | clinical_notes.read        | assigned     | deny     | cannot access patient records directly
ai_assistant_handler | appointments.read          | assigned     | deny     | limited to assigned tasks
ai_assistant_handler | availability.read          | any          | deny     |
ai_assistant_handler | timesheets.read            | any          | deny     |
ai_assistant_handler | provider_performance.read  | any          | deny     |
ai_assistant_handler | charges.read               | any          | deny     |
ai_assistant_handler | invoices.read              | any          | deny     |
ai_assistant_handler | payments.read              | any          | deny     |
ai_assistant_handler | refunds.read               | any          | deny     |
ai_assistant_handler | billing_reports.read       | any          | deny     |
ai_assistant_handler | products.read              | any          | deny     |
ai_assistant_handler | stock.read                 | any          | deny     |
ai_assistant_handler | purchase_orders.read       | any          | deny     |
ai_assistant_handler | care_schedule.read         | any          | deny     |
ai_assistant_handler | care_events.read           | any          | deny     |
ai_assistant_handler | care_sensitive.read        | any          | deny     |
ai_assistant_handler | care_reports.read          | any          | deny     |
ai_assistant_handler | members.edit               | any          | deny     |
ai_assistant_handler | roles.read                 | any          | deny     |
ai_assistant_handler | locations.edit             | any          | deny     |
ai_assistant_handler | settings.read              | any          | deny     |
ai_assistant_handler | billing_settings.read      | any          | deny     |
ai_assistant_handler | audit_log.read             | any          | deny     |
ai_assistant_handler | api_keys.read              | any          | deny     |
ai_assistant_handler | emergency_access.approve   | any          | deny     |
ai_assistant_handler | tenant.delete              | any          | deny     |
ai_assistant_handler | access_reviews.read        | any          | deny     |
# --- Care-profile Owner (002 "Owner (Profile Owner)") ---
care_owner           | care_schedule.create       | any          | allow    | full access to everything
care_owner           | care_schedule.delete       | any          | allow    | full access to everything
care_owner           | care_events.delete         | any          | allow    | full access to everything
care_owner           | care_sensitive.read        | any          | allow    | full access to everything
care_owner           | care_sensitive.edit        | any          | allow    | full access to everything
care_owner           | care_reports.export        | any          | allow    | full access to everything
care_owner           | availability.edit          | any          | allow    | full access to everything
care_owner           | members.create             | any          | allow    | can invite team members
care_owner           | members.delete             | any          | allow    | can remove team members
care_owner           | members.manage_roles       | any          | allow    | can manage all permissions
care_owner           | roles.create               | any          | allow    | can manage all permissions
care_owner           | settings.edit              | any          | allow    | Settings action
care_owner           | billing_settings.edit      | any          | allow    | can manage billing
care_owner           | audit_log.read             | any          | allow    | full access to everything
care_owner           | api_keys.create            | any          | allow    | full access to everything
care_owner           | emergency_access.approve   | any          | allow    | full access to everything
care_owner           | tenant.delete              | any          | allow    | can delete the profile
care_owner           | access_reviews.schedule    | any          | allow    |
care_owner           | care_schedule.read         | elsewhere    | deny     | no permission inheritance across profiles
care_owner           | patients.read              | any          | deny     | clinic data is not part of a care profile
care_owner           | medical_records.read       | any          | deny     |
care_owner           | clinical_notes.read        | any          | deny     |
care_owner           | appointments.read          | any          | deny     |
care_owner           | timesheets.read            | any          | deny     |
care_owner           | provider_performance.read  | any          | deny     |
care_owner           | charges.read               | any          | deny     |
care_owner           | invoices.read              | any          | deny     |
care_owner           | payments.read              | any          | deny     |
care_owner           | refunds.read               | any          | deny     |
care_owner           | billing_reports.read       | any          | deny     |
care_owner           | products.read              | any          | deny     |
care_owner           | stock.read                 | any          | deny     |
care_owner           | purchase_orders.read       | any          | deny     |
care_owner           | calls.read                 | any          | deny     |
care_owner           | ai_transcriptions.read     | any          | deny     |
care_owner           | locations.create           | any          | deny     |
# --- Care-profile Admin (002 "Admin (Family Administrator)") ---
care_admin           | members.create             | any          | allow    | can invite new members
care_admin           | members.edit               | any          | allow    | can manage team members
care_admin           | members.delete             | any          | allow    | can manage team members
care_admin           | care_schedule.create       | any          | allow    | can create/edit schedules
care_admin           | care_schedule.edit         | any          | allow    | can create/edit schedules
care_admin           | care_schedule.export       | any          | allow    | Export Schedule action
care_admin           | care_events.read           | any          | allow    | can view all data
care_admin           | care_sensitive.read        | any          | allow    | can view all data
care_admin           | care_reports.read          | any          | allow    | View Reports action
care_admin           | availability.edit          | any          | allow    | can create/edit schedules
care_admin           | audit_log.read             | any          | allow    | can view all data
care_admin           | billing_settings.read      | any          | deny     | admin dashboard: no billing/settings
care_admin           | billing_settings.edit      | any          | deny     | cannot manage billing
care_admin           | settings.edit              | any          | deny     | no billing/settings
care_admin           | roles.create               | any          | deny     | Manage Permissions is the owner's
care_admin           | tenant.delete              | any          | deny     | cannot delete profile
care_admin           | access_reviews.decide      | any          | allow    |
care_admin           | access_reviews.schedule    | any          | deny     |
care_admin           | tenant.transfer_ownership  | any          | deny     | cannot delete profile
care_admin           | api_keys.create            | any          | deny     |
care_admin           | emergency_access.approve   | any          | deny     |
care_admin           | care_schedule.read         | elsewhere    | deny     | admin of Rob's Care is nothing in Mom's Care
care_admin           | patients.read              | any          | deny     |
care_admin           | medical_records.read       | any          | deny     |
care_admin           | clinical_notes.read        | any          | deny     |
care_admin           | appointments.read          | any          | deny     |
care_admin           | timesheets.read            | any          | deny     |
care_admin           | provider_performance.read  | any          | deny     |
care_admin           | charges.read               | any          | deny     |
care_admin           | invoices.read              | any          | deny     |
care_admin           | payments.read              | any          | deny     |
care_admin           | refunds.read               | any          | deny     |
care_admin           | billing_reports.read       | any          | deny     |
care_admin           | products.read              | any          | deny     |
care_admin           | stock.read                 | any          | deny     |
care_admin           | purchase_orders.read       | any          | deny     |
care_admin           | calls.read                 | any          | deny     |
care_admin           | ai_transcriptions.read     | any          | deny     |
care_admin           | locations.read             | any          | deny     |
# --- Care-profile Member (002 "Member (Care Provider)") ---
care_member          | care_schedule.read         | assigned     | allow    | can view assigned schedules
care_member          | care_schedule.read         | any          | deny     | only assigned schedules
care_member          | care_schedule.edit         | assigned     | deny     | creating/editing schedules is the admin's
care_member          | availability.edit          | own          | allow    | can update their availability
care_member          | availability.edit          | any          | deny     | only their own
care_member          | care_events.create         | any          | allow    | can log care activities
care_member          | care_events.read           | own          | allow    | getUserCareEvents: their own entries
care_member          | care_events.read           | any          | deny     | without canViewSensitive only their own events
care_member          | care_events.delete         | own          | deny     |
care_member          | care_sensitive.read        | any          | deny     | cannot view sensitive data
care_member          | care_sensitive.read        | own          | deny     | cannot view sensitive data
care_member          | care_sensitive.read        | assigned     | deny     | cannot view sensitive data
care_member          | care_reports.read          | any          | deny     | View Reports is the admin's
care_member          | members.read_contact       | any          | allow    | can view team member contact info
care_member          | members.create             | any          | deny     | cannot manage team
care_member          | members.manage_roles       | any          | deny     | cannot manage team
care_member          | roles.read                 | any          | deny     |
care_member          | settings.read              | any          | deny     |
care_member          | billing_settings.read      | any          | deny     |
care_member          | audit_log.read             | any          | deny     |
care_member          | api_keys.read              | any          | deny     |
care_member          | emergency_access.approve   | any          | deny     |
care_member          | tenant.delete              | any          | deny     |
care_member          | access_reviews.read        | any          | deny     |
care_member          | care_events.create         | elsewhere    | deny     | explicit invitation required for each profile
care_member          | patients.read              | any          | deny     |
care_member          | medical_records.read       | any          | deny     |
care_member          | clinical_notes.read        | any          | deny     |
care_member          | appointments.read          | any          | deny     |
care_member          | timesheets.read            | any          | deny     |
care_member          | provider_performance.read  | any          | deny     |
care_member          | charges.read               | any          | deny     |
care_member          | invoices.read              | any          | deny     |
care_member          | payments.read              | any          | deny     |
care_member          | refunds.read               | any          | deny     |
care_member          | billing_reports.read       | any          | deny     |
care_member          | products.read              | any          | deny     |
care_member          | stock.read                 | any          | deny     |
care_member          | purchase_orders.read       | any          | deny     |
care_member          | calls.read                 | any          | deny     |
care_member          | ai_transcriptions.read     | any          | deny     |
care_member          | locations.read             | any          | deny     |
# --- Care-profile Viewer (002 "Viewer (Family Observer)": read-only) ---
care_viewer          | care_schedule.read         | any          | allow    | can view schedules
care_viewer          | availability.read          | any          | allow    | can see team member availability
care_viewer          | care_schedule.edit         | any          | deny     | cannot make any changes
care_viewer          | care_schedule.read         | elsewhere    | deny     |
care_viewer          | care_events.read           | any          | deny     | can view schedules only
care_viewer          | care_events.create         | own          | deny     | cannot make any changes
care_viewer          | care_sensitive.read        | any          | deny     |
care_viewer          | care_reports.read          | any          | deny     | schedules only
care_viewer          | availability.edit          | own          | deny     | cannot make any changes
care_viewer          | members.create             | any          | deny     | cannot make any changes
care_viewer          | members.read               | any          | deny     | schedules only
care_viewer          | roles.read                 | any          | deny     |
care_viewer          | settings.read              | any          | deny     |
care_viewer          | billing_settings.read      | any          | deny     |
care_viewer          | audit_log.read             | any          | deny     |
care_viewer          | api_keys.read              | any          | deny     |
care_viewer          | emergency_access.request   | any          | deny     |
care_viewer          | tenant.delete              | any          | deny     |
care_viewer          | access_reviews.read        | any          | deny     |
care_viewer          | patients.read              | any          | deny     |
care_viewer          | medical_records.read       | any          | deny     |
care_viewer          | clinical_notes.read        | any          | deny     |
care_viewer          | appointments.read          | any          | deny     |
care_viewer          | timesheets.read            | any          | deny     |
care_viewer          | provider_performance.read  | any          | deny     |
care_viewer          | charges.read               | any          | deny     |
care_viewer          | invoices.read              | any          | deny     |
care_viewer          | payments.read              | any          | deny     |
care_viewer          | refunds.read               | any          | deny     |
care_viewer          | billing_reports.read       | any          | deny     |
care_viewer          | products.read              | any          | deny     |
care_viewer          | stock.read                 | any          | deny     |
care_viewer          | purchase_orders.read       | any          | deny     |
care_viewer          | calls.read                 | any          | deny     |
care_viewer          | ai_transcriptions.read     | any          | deny     |
care_viewer          | locations.read             | any          | deny     |
# --- Platform support, PSM (000 "CareCru Staff/PSM"): reads the organisation's setup, no patient data ---
psm                  | members.read               | any          | allow    | helps with the organisation's users
psm                  | roles.read                 | any          | allow    |
psm                  | locations.read             | any          | allow    |
psm                  | settings.read              | any          | allow    |
psm                  | audit_log.read             | any          | allow    |
psm                  | members.edit               | any          | deny     | support reads, the customer changes
psm                  | roles.edit                 | any          | deny     |
psm                  | locations.edit             | any          | deny     |
psm                  | settings.edit              | any          | deny     |
psm                  | patients.read_contact      | any          | deny     | no patient data
psm                  | patients.read              | any          | deny     | no patient data
psm                  | medical_records.read       | any          | deny     | no clinical data
psm                  | clinical_notes.read        | any          | deny     | no clinical data
psm                  | appointments.read          | any          | deny     |
psm                  | availability.read          | any          | deny     |
psm                  | timesheets.read            | any          | deny     |
psm                  | provider_performance.read  | any          | deny     |
psm                  | charges.read               | any          | deny     | no billing data
psm                  | invoices.read              | any          | deny     | no billing data
psm                  | payments.read              | any          | deny     | no billing data
psm                  | refunds.read               | any          | deny     | no billing data
psm                  | billing_reports.read       | any          | deny     | no billing data
psm                  | products.read              | any          | deny     |
psm                  | stock.read                 | any          | deny     |
psm                  | purchase_orders.read       | any          | deny     |
psm                  | calls.read                 | any          | deny     |
psm                  | ai_transcriptions.read     | any          | deny     |
psm                  | care_schedule.read         | any          | deny     |
psm                  | care_events.read           | any          | deny     |
psm                  | care_sensitive.read        | any          | deny     |
psm                  | care_reports.read          | any          | deny     |
psm                  | billing_settings.read      | any          | deny     |
psm                  | api_keys.read              | any          | deny     |
psm                  | emergency_access.approve   | any          | deny     |
psm                  | tenant.delete              | any          | deny     |
psm                  | access_reviews.read        | any          | deny     |
psm                  | members.read               | other_tenant | deny     |
# --- Consultant (000 "Consultants"): read-only on operations, no patient records ---
consultant           | locations.read             | any          | allow    |
consultant           | members.read               | any          | allow    |
consultant           | roles.read                 | any          | allow    |
consultant           | appointments.read          | any          | allow    |
consultant           | availability.read          | any          | allow    |
consultant           | billing_reports.read       | any          | allow    |
consultant           | products.read              | any          | allow    |
consultant           | stock.read                 | any          | allow    |
consultant           | patients.read_contact      | any          | deny     | no patient records
consultant           | patients.read              | any          | deny     | no patient records
consultant           | medical_records.read       | any          | deny     | no patient records
consultant           | clinical_notes.read        | any          | deny     | no patient records
consultant           | appointments.edit          | any          | deny     | read-only
consultant           | timesheets.read            | any          | deny     |
consultant           | provider_performance.read  | any          | deny     |
consultant           | charges.read               | any          | deny     |
consultant           | invoices.read              | any          | deny     |
consultant           | payments.read              | any          | deny     |
consultant           | refunds.read               | any          | deny     |
consultant           | billing_reports.export     | any          | deny     | read-only
consultant           | stock.edit                 | any          | deny     | read-only
consultant           | purchase_orders.read       | any          | deny     |
consultant           | calls.read                 | any          | deny     |
consultant           | ai_transcriptions.read     | any          | deny     |
consultant           | care_schedule.read         | any          | deny     |
consultant           | care_events.read           | any          | deny     |
consultant           | care_sensitive.read        | any          | deny     |
consultant           | care_reports.read          | any          | deny     |
consultant           | members.edit               | any          | deny     | read-only
consultant           | locations.edit             | any          | deny     | read-only
consultant           | settings.read              | any          | deny     |
consultant           | billing_settings.read      | any          | deny     |
consultant           | audit_log.read             | any          | deny     |
consultant           | api_keys.read              | any          | deny     |
consultant           | emergency_access.approve   | any          | deny     |
consultant           | tenant.delete              | any          | deny     |
consultant           | access_reviews.read        | any          | deny     |
consultant           | appointments.read          | elsewhere    | deny     |
`;

const SITUATIONS = ["any", "large", "assigned", "own", "elsewhere", "other_tenant"] as const;
type Situation = (typeof SITUATIONS)[number];
interface Row {
  role: string;
  permission: Permission;
  record: Situation;
  expected: "allow" | "deny";
  why: string;
  line: number;
}

function parseMatrix(text: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("role ")) return;
    const [role, permission, record, expected, why = ""] = line.split("|").map((c) => c.trim());
    // A typo in the table must fail loudly, not turn into a silently passing deny.
    if (!TEMPLATES_BY_ID.has(builtinRoleId(role))) throw new Error(`matrix line ${i}: unknown role ${role}`);
    if (!isPermission(permission)) throw new Error(`matrix line ${i}: unknown permission ${permission}`);
    if (!(SITUATIONS as readonly string[]).includes(record)) throw new Error(`matrix line ${i}: unknown record ${record}`);
    if (expected !== "allow" && expected !== "deny") throw new Error(`matrix line ${i}: expected must be allow or deny`);
    rows.push({ role, permission, record: record as Situation, expected, why, line: i });
  });
  return rows;
}
const MATRIX = parseMatrix(MATRIX_TEXT);

const familyOf = (role: string) => TEMPLATES_BY_ID.get(builtinRoleId(role))!.family;
/** Where each role is bound for the matrix, and the records each situation stands for. */
function placement(role: string) {
  return familyOf(role) === "care"
    ? { bindAt: "robs-care", here: "robs-care", elsewhere: "moms-care", otherTenant: "other-clinic-main" }
    : { bindAt: "boston", here: "boston-back-bay", elsewhere: "seattle-downtown", otherTenant: "other-clinic-main" };
}
function recordFor(role: string, situation: Situation): ResourceRef {
  const p = placement(role);
  // Separation-of-duties fields name other people, so only the role decides.
  const base = { amount: 150, requestedById: SOMEONE, approvedById: COLLEAGUE };
  switch (situation) {
    case "any":
      return { ...base, nodeId: p.here, ownerId: SOMEONE, assigneeIds: [COLLEAGUE] };
    case "large":
      return { ...base, nodeId: p.here, ownerId: SOMEONE, assigneeIds: [COLLEAGUE], amount: 250 };
    case "assigned":
      return { ...base, nodeId: p.here, ownerId: SOMEONE, assigneeIds: [ME] };
    case "own":
      return { ...base, nodeId: p.here, ownerId: ME, assigneeIds: [] };
    case "elsewhere":
      return { ...base, nodeId: p.elsewhere, ownerId: ME, assigneeIds: [ME] };
    case "other_tenant":
      return { ...base, nodeId: p.otherTenant, ownerId: ME, assigneeIds: [ME] };
  }
}
const subjectCache = new Map<string, Subject>();
function holderOf(role: string): Subject {
  let s = subjectCache.get(role);
  if (!s) subjectCache.set(role, (s = subject([{ role, at: placement(role).bindAt }])));
  return s;
}
const allows = (role: string, permission: Permission, situation: Situation) => decide(holderOf(role), permission, recordFor(role, situation));
const NOW = Date.parse("2025-03-04T16:30:00Z");

describe("the built-in role matrix (one row per role, permission and record)", () => {
  it.each(MATRIX.map((r) => [`${r.role} ${r.expected}s ${r.permission} on ${r.record} record${r.why ? ` (${r.why})` : ""}`, r] as const))(
    "%s",
    (_name, row) => {
      expect(allows(row.role, row.permission, row.record) ? "allow" : "deny").toBe(row.expected);
    },
  );

  it("covers every built-in role against every resource of the catalogue", () => {
    const builtinKeys = ROLE_TEMPLATES.map((t) => t.key).sort();
    expect(builtinKeys).toEqual(
      ["owner", "admin", "manager", "provider", "front_desk", "billing", "inventory_manager", "ai_assistant_handler",
        "care_owner", "care_admin", "care_member", "care_viewer", "psm", "consultant"].sort(),
    );
    const missing: string[] = [];
    for (const role of builtinKeys) {
      const covered = new Set(MATRIX.filter((r) => r.role === role).map((r) => resourceOf(r.permission)));
      for (const resource of RESOURCES) if (!covered.has(resource)) missing.push(`${role} × ${resource}`);
    }
    expect(missing).toEqual([]);
  });

  it("has no contradictory rows", () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const r of MATRIX) {
      const key = `${r.role}|${r.permission}|${r.record}`;
      if (seen.has(key) && seen.get(key) !== r.expected) clashes.push(key);
      seen.set(key, r.expected);
    }
    expect(clashes).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The "never" sentences of the documents, checked over every permission they cover.
// ---------------------------------------------------------------------------------------------
const permissionsOf = (...resources: Resource[]) => PERMISSIONS.filter((p) => resources.includes(resourceOf(p)));
const inGroup = (group: string) => PERMISSIONS.filter((p) => CATALOGUE[resourceOf(p)].group === group);
const isRead = (p: Permission) => p.slice(p.indexOf(".") + 1).startsWith("read");
const CLOSE: Situation[] = ["any", "assigned", "own"];
function allowedAnywhere(role: string, permissions: readonly Permission[]): string[] {
  return permissions.flatMap((p) => CLOSE.filter((s) => allows(role, p, s)).map((s) => `${p} on ${s}`));
}

describe("what the documents say a role never does", () => {
  it("a Provider reads only patients assigned or shared to them, or their own", () => {
    for (const p of ["patients.read_contact", "patients.read", "patients.read_sensitive", "medical_records.read", "clinical_notes.read", "appointments.read"] as const) {
      expect([p, allows("provider", p, "any")]).toEqual([p, false]);
      expect([p, allows("provider", p, "assigned")]).toEqual([p, true]);
      expect([p, allows("provider", p, "own")]).toEqual([p, true]);
    }
  });

  it("a Provider edits and deletes only their own notes", () => {
    for (const p of ["clinical_notes.edit", "clinical_notes.delete"] as const) {
      expect(allows("provider", p, "own")).toBe(true);
      expect(allows("provider", p, "assigned")).toBe(false);
      expect(allows("provider", p, "any")).toBe(false);
    }
  });

  it("a Provider never reaches billing or staff management", () => {
    expect(allowedAnywhere("provider", [...inGroup("Billing"), "members.edit", "members.delete", "members.manage_roles", "timesheets.approve"])).toEqual([]);
  });

  it("Front Desk checks in and schedules, but never reads medical records or billing, and never modifies patient data", () => {
    expect(["appointments.check_in", "appointments.create", "appointments.edit"].map((p) => allows("front_desk", p as Permission, "any"))).toEqual([true, true, true]);
    expect(allowedAnywhere("front_desk", [...permissionsOf("medical_records", "clinical_notes"), ...inGroup("Billing"), "billing_settings.read"])).toEqual([]);
    expect(allowedAnywhere("front_desk", ["patients.read", "patients.read_sensitive", "patients.edit", "patients.delete"])).toEqual([]);
  });

  it("Billing never reads clinical records or scheduling", () => {
    expect(allowedAnywhere("billing", [...permissionsOf("medical_records", "clinical_notes"), ...inGroup("Scheduling")])).toEqual([]);
  });

  it("Inventory Manager never reaches clinical or billing data", () => {
    expect(allowedAnywhere("inventory_manager", [...inGroup("Clinical"), ...inGroup("Billing")])).toEqual([]);
  });

  it("AI Assistant Handler never reads patient records directly and handles only assigned calls", () => {
    expect(allowedAnywhere("ai_assistant_handler", inGroup("Clinical"))).toEqual([]);
    expect(allows("ai_assistant_handler", "calls.manage", "assigned")).toBe(true);
    expect(allows("ai_assistant_handler", "calls.manage", "any")).toBe(false);
  });

  it("a Manager can't delete staff or change roles, and approves refunds only under $200", () => {
    expect(allowedAnywhere("manager", ["members.delete", "members.manage_roles", ...permissionsOf("roles").filter((p) => p !== "roles.read")])).toEqual([]);
    const approve = (amount: number) => decide(holderOf("manager"), "refunds.approve", { ...recordFor("manager", "any"), amount });
    expect([0, 150, 199.99, 200, 200.01, 250, 10_000].map(approve)).toEqual([true, true, true, false, false, false, false]);
    // No amount on the record means the limit can't be checked: refuse.
    expect(decide(holderOf("manager"), "refunds.approve", { nodeId: "boston-back-bay" })).toBe(false);
  });

  it("a care-profile Member updates only their own availability and never sees sensitive data", () => {
    expect(allows("care_member", "availability.edit", "own")).toBe(true);
    expect(allows("care_member", "availability.edit", "any")).toBe(false);
    expect(allows("care_member", "availability.edit", "assigned")).toBe(false);
    expect(allowedAnywhere("care_member", [...permissionsOf("care_sensitive"), "patients.read_sensitive", "care_reports.read"])).toEqual([]);
  });

  it.each(["care_viewer", "psm", "consultant"])("%s changes nothing: every non-read permission is denied", (role) => {
    expect(allowedAnywhere(role, PERMISSIONS.filter((p) => !isRead(p)))).toEqual([]);
  });

  it("a Viewer reads schedules and availability, nothing else", () => {
    expect(PERMISSIONS.filter((p) => CLOSE.some((s) => allows("care_viewer", p, s)))).toEqual(["availability.read", "care_schedule.read"]);
  });

  it("only the Owner roles can delete the tenant or transfer ownership", () => {
    const holders = ROLE_TEMPLATES.map((t) => t.key).filter((role) => allowedAnywhere(role, permissionsOf("tenant")).length > 0);
    expect(holders.sort()).toEqual(["care_owner", "owner"]);
  });

  it("clinic roles grant nothing in a care profile and care roles nothing in a clinic", () => {
    for (const t of ROLE_TEMPLATES) {
      const foreign = t.family === "care" ? "boston-back-bay" : "robs-care";
      const s = holderOf(t.key);
      expect([t.key, PERMISSIONS.filter((p) => decide(s, p, { nodeId: foreign, ownerId: ME, assigneeIds: [ME], amount: 1 }))]).toEqual([t.key, []]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The hierarchy: where a binding reaches.
// ---------------------------------------------------------------------------------------------
const ALL_CLINIC_NODES = ["acme", "west", "seattle", "seattle-downtown", "portland", "portland-pearl", "east", "boston", "boston-back-bay"];
const reach = (s: Subject, permission: Permission) => ALL_CLINIC_NODES.filter((nodeId) => decide(s, permission, { nodeId, ownerId: SOMEONE }));

describe("hierarchy", () => {
  it("a role bound at the enterprise applies to every region, practice and location below it", () => {
    expect(reach(subject([{ role: "manager", at: "acme" }]), "patients.read")).toEqual(ALL_CLINIC_NODES);
  });

  it("a role bound at a region applies to every practice and location in that region, and nowhere else", () => {
    expect(reach(subject([{ role: "manager", at: "west" }]), "patients.read")).toEqual(["west", "seattle", "seattle-downtown", "portland", "portland-pearl"]);
  });

  it("a role bound at a practice applies to its locations, not to its region or sibling practices", () => {
    expect(reach(subject([{ role: "billing", at: "seattle" }]), "charges.read")).toEqual(["seattle", "seattle-downtown"]);
  });

  it("an enterprise binding never crosses into another tenant", () => {
    const s = subject([{ role: "owner", at: "acme" }]);
    expect(PERMISSIONS.filter((p) => decide(s, p, { nodeId: "other-clinic-main", ownerId: ME, assigneeIds: [ME], amount: 1 }))).toEqual([]);
    expect(PERMISSIONS.filter((p) => decide(s, p, { nodeId: "robs-care", ownerId: ME, assigneeIds: [ME], amount: 1 }))).toEqual([]);
  });

  it("Manager at Seattle and Front Desk at Portland get different answers at each", () => {
    const s = subject([{ role: "manager", at: "seattle" }, { role: "front_desk", at: "portland" }]);
    const at = (nodeId: string, p: Permission) => decide(s, p, { nodeId, ownerId: SOMEONE, amount: 50 });
    const table = (["patients.read", "patients.read_contact", "appointments.check_in", "medical_records.read", "payments.process", "refunds.approve", "timesheets.approve"] as const).map(
      (p) => [p, at("seattle-downtown", p), at("portland-pearl", p), at("boston-back-bay", p)],
    );
    expect(table).toEqual([
      ["patients.read", true, false, false],
      ["patients.read_contact", true, true, false],
      ["appointments.check_in", true, true, false],
      ["medical_records.read", true, false, false],
      ["payments.process", true, false, false],
      ["refunds.approve", true, false, false],
      ["timesheets.approve", true, false, false],
    ]);
  });

  it("a binding whose expiresAt has passed denies; one that has not yet expired allows", () => {
    const now = NOW;
    const rec = { nodeId: "seattle-downtown", ownerId: SOMEONE };
    const expired = subject([{ role: "manager", at: "seattle", expiresAt: new Date(now - 1) }]);
    const atTheInstant = subject([{ role: "manager", at: "seattle", expiresAt: new Date(now) }]);
    const live = subject([{ role: "manager", at: "seattle", expiresAt: new Date(now + 60_000) }]);
    expect(decide(expired, "patients.read", rec, { now })).toBe(false);
    expect(decide(atTheInstant, "patients.read", rec, { now })).toBe(false);
    expect(decide(live, "patients.read", rec, { now })).toBe(true);
    expect(decide(live, "patients.read", rec, { now: now + 60_000 })).toBe(false);
  });

  it("an expired binding does not shadow a live one of the same person elsewhere above", () => {
    const s = subject([{ role: "manager", at: "seattle", expiresAt: new Date(NOW - 1) }, { role: "front_desk", at: "west" }]);
    const rec = { nodeId: "seattle-downtown", ownerId: SOMEONE };
    expect(decide(s, "patients.read", rec, { now: NOW })).toBe(false);
    expect(decide(s, "patients.read_contact", rec, { now: NOW })).toBe(true);
  });

  it("a node-scoped grant reaches only records at that node; a subtree grant reaches below too", () => {
    const roles = [
      customRole("node-reader", { grants: [{ permission: "patients.read", scope: "node" }] }),
      customRole("subtree-reader", { grants: [{ permission: "patients.read", scope: "subtree" }] }),
    ];
    const nodeOnly = subject([{ role: "node-reader", at: "seattle" }], roles);
    const subtree = subject([{ role: "subtree-reader", at: "seattle" }], roles);
    expect(reach(nodeOnly, "patients.read")).toEqual(["seattle"]);
    expect(reach(subtree, "patients.read")).toEqual(["seattle", "seattle-downtown"]);
  });

  it("own and assigned scopes still stay inside the binding's subtree", () => {
    const s = subject([{ role: "provider", at: "seattle" }]);
    const mine = (nodeId: string) => decide(s, "clinical_notes.edit", { nodeId, ownerId: ME });
    const shared = (nodeId: string) => decide(s, "patients.read", { nodeId, ownerId: SOMEONE, assigneeIds: [ME] });
    expect(["seattle", "seattle-downtown", "portland-pearl", "other-clinic-main"].map(mine)).toEqual([true, true, false, false]);
    expect(["seattle", "seattle-downtown", "portland-pearl", "other-clinic-main"].map(shared)).toEqual([true, true, false, false]);
  });
});

// ---------------------------------------------------------------------------------------------
// Conditions and separation of duties.
// ---------------------------------------------------------------------------------------------
describe("conditions", () => {
  const weekdayHours = (at: string) =>
    subject(
      [{ role: "hours-only", at }],
      [customRole("hours-only", { grants: [{ permission: "patients.read", scope: "subtree", conditions: { timeWindow: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" } } }] })],
    );
  const read = (s: Subject, nodeId: string, iso: string) => decide(s, "patients.read", { nodeId, ownerId: SOMEONE }, { now: Date.parse(iso) });

  it("a time window is read in the time zone of the node the role is bound at", () => {
    const seattle = weekdayHours("seattle"); // America/Los_Angeles, UTC-8 in early March
    const boston = weekdayHours("boston"); // America/New_York, UTC-5
    // Tuesday 2025-03-04 16:30 UTC = 08:30 in Seattle (closed), 11:30 in Boston (open).
    expect(read(seattle, "seattle-downtown", "2025-03-04T16:30:00Z")).toBe(false);
    expect(read(boston, "boston-back-bay", "2025-03-04T16:30:00Z")).toBe(true);
    // Tuesday 17:30 UTC = 09:30 in Seattle: open.
    expect(read(seattle, "seattle-downtown", "2025-03-04T17:30:00Z")).toBe(true);
    // Wednesday 2025-03-05 00:30 UTC = Tuesday 16:30 in Seattle: still open, though it is Wednesday in UTC.
    expect(read(seattle, "seattle-downtown", "2025-03-05T00:30:00Z")).toBe(true);
    // Wednesday 01:00 UTC = Tuesday 17:00 in Seattle: the window has just closed (end is exclusive).
    expect(read(seattle, "seattle-downtown", "2025-03-05T01:00:00Z")).toBe(false);
    // Saturday 2025-03-08 18:00 UTC = 10:00 Saturday in Seattle: not a listed day.
    expect(read(seattle, "seattle-downtown", "2025-03-08T18:00:00Z")).toBe(false);
  });

  it("a time window follows daylight saving time", () => {
    const seattle = weekdayHours("seattle");
    // Monday 2025-03-10, after the switch to PDT (UTC-7): 16:30 UTC = 09:30 local, open.
    expect(read(seattle, "seattle-downtown", "2025-03-10T16:30:00Z")).toBe(true);
    // The same UTC time a week earlier (PST, UTC-8) = 08:30 local, closed.
    expect(read(seattle, "seattle-downtown", "2025-03-03T16:30:00Z")).toBe(false);
  });

  it("validFrom / validUntil bound a grant in time", () => {
    const s = subject(
      [{ role: "contractor", at: "seattle" }],
      [customRole("contractor", { grants: [{ permission: "appointments.read", scope: "subtree", conditions: { validFrom: "2025-03-01T00:00:00Z", validUntil: "2025-06-01T00:00:00Z" } }] })],
    );
    const at = (iso: string) => decide(s, "appointments.read", { nodeId: "seattle" }, { now: Date.parse(iso) });
    expect([at("2025-02-28T23:59:59Z"), at("2025-03-01T00:00:00Z"), at("2025-05-31T23:59:59Z"), at("2025-06-01T00:00:00Z")]).toEqual([false, true, true, false]);
  });
});

describe("separation of duties", () => {
  const rec = (over: Partial<ResourceRef>): ResourceRef => ({ nodeId: "boston-back-bay", amount: 100, ...over });

  it("the person who approved a refund can't process it, whatever their role", () => {
    for (const role of ["owner", "admin", "billing"]) {
      const s = holderOf(role);
      expect([role, decide(s, "refunds.process", rec({ approvedById: ME, requestedById: SOMEONE }))]).toEqual([role, false]);
      expect([role, decide(s, "refunds.process", rec({ approvedById: COLLEAGUE, requestedById: SOMEONE }))]).toEqual([role, true]);
    }
  });

  it("the person who requested a refund can't approve it", () => {
    expect(decide(holderOf("manager"), "refunds.approve", rec({ requestedById: ME }))).toBe(false);
    expect(decide(holderOf("manager"), "refunds.approve", rec({ requestedById: SOMEONE }))).toBe(true);
  });

  it("the requester of emergency access can't approve it, even as owner", () => {
    for (const role of ["owner", "admin"]) {
      expect([role, decide(holderOf(role), "emergency_access.approve", rec({ requestedById: ME }))]).toEqual([role, false]);
      expect([role, decide(holderOf(role), "emergency_access.approve", rec({ requestedById: SOMEONE }))]).toEqual([role, true]);
    }
    // Requesting it is of course fine.
    expect(decide(holderOf("admin"), "emergency_access.request", rec({ requestedById: ME }))).toBe(true);
  });

  it("whoever raised a purchase order can't approve it", () => {
    expect(decide(holderOf("admin"), "purchase_orders.approve", rec({ requestedById: ME }))).toBe(false);
    expect(decide(holderOf("admin"), "purchase_orders.approve", rec({ requestedById: SOMEONE }))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Custom roles and per-binding adjustments.
// ---------------------------------------------------------------------------------------------
describe("custom roles inherit from a parent", () => {
  const leadFrontDesk = customRole("lead-front-desk", {
    name: "Lead Front Desk",
    parentId: builtinRoleId("front_desk"),
    grants: [{ permission: "patients.edit", scope: "subtree" }, { permission: "appointments.delete", scope: "node" }],
    removals: ["calls.read"],
  });
  const s = subject([{ role: "lead-front-desk", at: "boston" }], [leadFrontDesk]);
  const at = (p: Permission, nodeId = "boston-back-bay") => decide(s, p, { nodeId, ownerId: SOMEONE });

  it("keeps the parent's grants, adds its own and drops its removals", () => {
    expect(at("appointments.check_in")).toBe(true); // inherited
    expect(at("patients.read_contact")).toBe(true); // inherited
    expect(at("patients.edit")).toBe(true); // added
    expect(at("appointments.delete", "boston")).toBe(true); // added, node scope
    expect(at("appointments.delete")).toBe(false); // ... so not at the location below
    expect(at("calls.read")).toBe(false); // removed
    expect(at("medical_records.read")).toBe(false); // never granted
  });

  it("a change to the parent flows to the child (and grandchild) at the next compile", () => {
    const base = customRole("base", { grants: [{ permission: "appointments.read", scope: "subtree" }] });
    const child = customRole("child", { parentId: "base", grants: [{ permission: "availability.read", scope: "subtree" }] });
    const grandchild = customRole("grandchild", { parentId: "child", removals: ["availability.read"] });
    const check = (roles: RoleRow[], role: string) => {
      const s2 = subject([{ role, at: "seattle" }], roles);
      return (["appointments.read", "appointments.create", "availability.read"] as const).map((p) => decide(s2, p, { nodeId: "seattle-downtown" }));
    };
    expect(check([base, child, grandchild], "child")).toEqual([true, false, true]);
    expect(check([base, child, grandchild], "grandchild")).toEqual([true, false, false]);

    const baseWithCreate = { ...base, grants: [...(base.grants as Grant[]), { permission: "appointments.create", scope: "subtree" }] };
    expect(check([baseWithCreate, child, grandchild], "child")).toEqual([true, true, true]);
    expect(check([baseWithCreate, child, grandchild], "grandchild")).toEqual([true, true, false]);

    const baseEmptied = { ...base, grants: [] };
    expect(check([baseEmptied, child, grandchild], "child")).toEqual([false, false, true]);
  });

  it("a removal in the child wins over a grant the parent adds later", () => {
    const parent = customRole("p", { parentId: builtinRoleId("manager") });
    const child = customRole("c", { parentId: "p", removals: ["payments.process"] });
    const s2 = subject([{ role: "c", at: "seattle" }], [parent, child]);
    expect(decide(s2, "payments.process", { nodeId: "seattle" })).toBe(false);
    expect(decide(s2, "payments.read", { nodeId: "seattle" })).toBe(true);
  });

  it("an inheritance cycle stops, warns and grants nothing beyond the roles' own stored grants", () => {
    const a = customRole("a", { parentId: "b", grants: [{ permission: "patients.read_contact", scope: "subtree" }] });
    const b = customRole("b", { parentId: "a", grants: [{ permission: "appointments.read", scope: "subtree" }] });
    const cycle = subject([{ role: "a", at: "seattle" }], [a, b]);
    expect(PERMISSIONS.filter((p) => decide(cycle, p, { nodeId: "seattle" })).sort()).toEqual(["appointments.read", "patients.read_contact"]);
    expect(cycle.warnings.join()).toMatch(/inheritance deeper than/);
  });

  it("a parent from another tenant makes the role grant nothing", () => {

    const foreignParent = customRole("foreign", { tenantId: "other-clinic", grants: [{ permission: "patients.read", scope: "subtree" }] });
    const local = customRole("local", { parentId: "foreign", grants: [{ permission: "appointments.read", scope: "subtree" }] });
    const crossed = subject([{ role: "local", at: "seattle" }], [foreignParent, local]);
    expect(decide(crossed, "patients.read", { nodeId: "seattle" })).toBe(false);
    expect(decide(crossed, "appointments.read", { nodeId: "seattle" })).toBe(false);
  });

  it("a custom role of one tenant bound in another grants nothing there", () => {
    const otherClinicRole = customRole("oc-admin", { tenantId: "other-clinic", parentId: builtinRoleId("admin") });
    const s2 = subject([{ role: "oc-admin", at: "seattle" }], [otherClinicRole]);
    expect(PERMISSIONS.filter((p) => decide(s2, p, { nodeId: "seattle", ownerId: ME }))).toEqual([]);
    expect(s2.warnings.join()).toMatch(/does not belong to tenant acme/);
  });
});

describe("binding adjustments", () => {
  const rec = { nodeId: "boston-back-bay", ownerId: SOMEONE, amount: 50 };

  it("add and remove override the role's defaults for that binding only", () => {
    const s = subject([
      { role: "front_desk", at: "boston", adjustments: { add: [{ permission: "patients.read", scope: "subtree" }], remove: ["appointments.check_in"] } },
      { role: "front_desk", at: "seattle" },
    ]);
    expect(decide(s, "patients.read", rec)).toBe(true);
    expect(decide(s, "appointments.check_in", rec)).toBe(false);
    expect(decide(s, "appointments.create", rec)).toBe(true);
    // The same role bound at Seattle keeps its defaults.
    expect(decide(s, "patients.read", { nodeId: "seattle-downtown" })).toBe(false);
    expect(decide(s, "appointments.check_in", { nodeId: "seattle-downtown" })).toBe(true);
  });

  it("an added grant keeps its own scope and conditions", () => {
    const s = subject([
      { role: "billing", at: "boston", adjustments: { add: [{ permission: "refunds.approve", scope: "subtree", conditions: { maxAmount: 100 } }] } },
    ]);
    expect(decide(s, "refunds.approve", { ...rec, amount: 99 })).toBe(true);
    expect(decide(s, "refunds.approve", { ...rec, amount: 100 })).toBe(false);
  });

  it("a care profile can narrow one member: removing availability.edit from a Member", () => {
    const s = subject([{ role: "care_member", at: "robs-care", adjustments: { remove: ["availability.edit"] } }]);
    expect(decide(s, "availability.edit", { nodeId: "robs-care", ownerId: ME })).toBe(false);
    expect(decide(s, "care_events.create", { nodeId: "robs-care" })).toBe(true);
  });

  it("an owner binding's removals are ignored (owners can't be locked out), its additions still apply", () => {
    for (const [role, at, perm] of [["owner", "boston", "members.manage_roles"], ["care_owner", "robs-care", "members.manage_roles"]] as const) {
      const s = subject([{ role, at, adjustments: { remove: [perm, "settings.edit"], add: [] } }]);
      expect([role, decide(s, perm, { nodeId: at }), decide(s, "settings.edit", { nodeId: at })]).toEqual([role, true, true]);
    }
    const withAdd = subject([{ role: "care_owner", at: "robs-care", adjustments: { add: [{ permission: "locations.read", scope: "subtree" }] } }]);
    expect(decide(withAdd, "locations.read", { nodeId: "robs-care" })).toBe(true);
  });

  it("an admin binding's removals do apply", () => {
    const s = subject([{ role: "admin", at: "boston", adjustments: { remove: ["members.manage_roles"] } }]);
    expect(decide(s, "members.manage_roles", { nodeId: "boston" })).toBe(false);
    expect(decide(s, "members.delete", { nodeId: "boston" })).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Fail closed: anything malformed in storage means deny, never a wider grant.
// ---------------------------------------------------------------------------------------------
describe("malformed stored grants fail closed", () => {
  const at = (s: Subject, p: Permission) => decide(s, p, { nodeId: "seattle-downtown", ownerId: SOMEONE, amount: 1_000 });
  const withGrants = (grants: unknown, removals: unknown = [], parentId: string | null = null) =>
    subject([{ role: "broken", at: "seattle" }], [customRole("broken", { grants, removals, parentId })]);

  it.each([
    ["an unknown permission", [{ permission: "patients.read" }, { permission: "patients.read_everything" }]],
    ["an unknown scope", [{ permission: "patients.read", scope: "everywhere" }]],
    ["a misspelt condition key", [{ permission: "patients.read", conditions: { maxAmmount: 10 } }]],
    ["a malformed time window", [{ permission: "patients.read", conditions: { timeWindow: { days: [1], start: "9:00", end: "17:00" } } }]],
    ["a window that ends before it starts", [{ permission: "patients.read", conditions: { timeWindow: { days: [1], start: "17:00", end: "09:00" } } }]],
    ["a negative amount limit", [{ permission: "patients.read", conditions: { maxAmount: -1 } }]],
    ["an unknown field on the grant", [{ permission: "patients.read", scpoe: "node" }]],
    ["a bare string", "patients.read"],
    ["an object instead of a list", { permission: "patients.read" }],
    ["null", null],
  ])("a role whose stored grants hold %s grants none of them", (_what, grants) => {
    const s = withGrants(grants);
    expect(at(s, "patients.read")).toBe(false);
    expect(s.warnings.length).toBeGreaterThan(0);
  });

  it("malformed grants on a child never widen it beyond its parent", () => {
    const s = withGrants([{ permission: "medical_records.read", scope: "subtree" }, { permission: 42 }], [], builtinRoleId("front_desk"));
    expect(at(s, "medical_records.read")).toBe(false);
    expect(at(s, "patients.read_contact")).toBe(true); // the parent's own grants are intact
  });

  it("a malformed removal list never gives back what it meant to remove", () => {
    const s = withGrants([], ["members.delete", "members.nuke"], builtinRoleId("admin"));
    expect(at(s, "members.delete")).toBe(false);
    expect(s.warnings.join()).toMatch(/removals/);
  });

  it("malformed binding adjustments never give back what they meant to remove", () => {
    const s = subject([{ role: "manager", at: "seattle", adjustments: { remove: ["patients.read"], add: [{ permission: "bogus.read" }] } }]);
    expect(at(s, "patients.read")).toBe(false);
    expect(s.warnings.join()).toMatch(/adjustments/);
    const typo = subject([{ role: "manager", at: "seattle", adjustments: { remove: ["patients.read"], removes: ["x"] } }]);
    expect(at(typo, "patients.read")).toBe(false);
  });

  it("malformed adjustments on an owner binding still can't lock the owner out", () => {
    const s = subject([{ role: "owner", at: "seattle", adjustments: { remove: "everything" } }]);
    expect(at(s, "members.manage_roles")).toBe(true);
  });

  it("a binding to an unknown role or to a node outside every loaded tenant grants nothing", () => {
    expect(PERMISSIONS.filter((p) => at(subject([{ role: "no-such-role", at: "seattle" }]), p))).toEqual([]);
    const lost = compileSubject({ userId: ME, bindings: [{ id: "b", nodeId: "nowhere", roleId: builtinRoleId("owner") }], roles: new Map(), trees: TREES });
    expect(lost.bindings).toEqual([]);
    expect(decide(lost, "patients.read", { nodeId: "nowhere" })).toBe(false);
  });

  it("a permission string outside the catalogue is never allowed, even to an owner", () => {
    const s = holderOf("owner");
    for (const bogus of ["patients.steal", "patients", "", "tenant.delete ", "PATIENTS.READ"]) {
      expect([bogus, decide(s, bogus as Permission, { nodeId: "boston-back-bay", ownerId: ME })]).toEqual([bogus, false]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Field masks: what each role sees of a patient record (001 "hide sensitive fields (SSN, insurance)").
// ---------------------------------------------------------------------------------------------
describe("field masks", () => {
  const PATIENT = {
    id: "p1", firstName: "Ada", lastName: "Lovelace", phone: "555-0100", email: "ada@example.test", address: "1 Main St",
    dateOfBirth: "1815-12-10", ssn: "123-45-6789", insuranceMemberId: "INS-1",
  };
  const CONTACT = ["firstName", "lastName", "phone", "email", "address"];
  const view = (s: Subject, ref: ResourceRef = { nodeId: "boston-back-bay", ownerId: SOMEONE }) => {
    const m = mask(s, "patients", ref, PATIENT);
    return { shown: Object.keys(m.record), hidden: m.hidden, readOnly: m.readOnly };
  };

  it("Front Desk sees contact details only, and can't change them", () => {
    expect(view(holderOf("front_desk"))).toEqual({ shown: ["id", ...CONTACT], hidden: ["dateOfBirth", "ssn", "insuranceMemberId"], readOnly: CONTACT });
  });

  it("a Manager sees and may edit the whole record", () => {
    expect(view(holderOf("manager"))).toEqual({ shown: Object.keys(PATIENT), hidden: [], readOnly: [] });
  });

  it("a Provider sees nothing of another provider's patient, everything of a shared one", () => {
    expect(view(holderOf("provider")).shown).toEqual(["id"]);
    expect(view(holderOf("provider"), { nodeId: "boston-back-bay", ownerId: SOMEONE, assigneeIds: [ME] })).toEqual({ shown: Object.keys(PATIENT), hidden: [], readOnly: [] });
  });

  it("Billing and Inventory: billing sees identity and insurance, inventory nothing", () => {
    expect(view(holderOf("billing")).hidden).toEqual([]);
    expect(view(holderOf("inventory_manager")).shown).toEqual(["id"]);
  });

  it("a grant's hidden and read-only fields apply, and a second role without them lifts them (union)", () => {
    const noSsn = customRole("no-ssn", {
      parentId: builtinRoleId("manager"),
      removals: ["patients.read_sensitive", "patients.edit"],
      grants: [
        { permission: "patients.read_sensitive", scope: "subtree", hide: ["ssn"] },
        { permission: "patients.edit", scope: "subtree", readOnly: ["firstName", "lastName", "insuranceMemberId"] },
      ],
    });
    const narrowed = subject([{ role: "no-ssn", at: "boston" }], [noSsn]);
    expect(view(narrowed)).toEqual({
      shown: ["id", ...CONTACT, "dateOfBirth", "insuranceMemberId"], hidden: ["ssn"], readOnly: ["firstName", "lastName", "insuranceMemberId"],
    });
    const plusManagerAbove = subject([{ role: "no-ssn", at: "boston" }, { role: "manager", at: "east" }], [noSsn]);
    expect(view(plusManagerAbove)).toEqual({ shown: Object.keys(PATIENT), hidden: [], readOnly: [] });
  });

  it("a care Member sees teammates' contact details, not their account status", () => {
    const m = mask(holderOf("care_member"), "members", { nodeId: "robs-care" }, { id: "m1", name: "Jim", email: "jim@example.test", phone: "555", status: "ACTIVE", lastSignInAt: "2025-03-01" });
    expect([Object.keys(m.record), m.hidden]).toEqual([["id", "name", "email", "phone"], ["status", "lastSignInAt"]]);
  });
});
