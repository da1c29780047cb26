import { featureVisible, isOwnerAt, type FeatureFlag, type Permission, type Subject } from "../authz";
import type { NodeKind } from "../authz/tree";
import { can, holds } from "./enterable";

/**
 * The place pages (everything under /o/<id>/): one entry per page, read by the tab navigation
 * (app/(app)/o/[nodeId]/layout.tsx), by each page's guard (`requirePage(nodeId, key)` in
 * ./server.ts) and by breadcrumbs, so a page's permission is written once.
 *
 * Pure: no I/O, so the same answer is computed for the nav, the guard and the tests.
 * A page's sub-pages (settings/roles/new, settings/users/<userId>) use their section's entry.
 */
export type PageKey =
  | "overview"
  | "care.schedule"
  | "care.availability"
  | "care.log"
  | "care.reports"
  | "settings.users"
  | "settings.roles"
  | "settings.locations"
  | "settings.security"
  | "settings.access-check"
  // Issue 9: the activity log (and its person / patient histories as sub-pages).
  | "settings.activity"
  // Issue 9: access reviews (campaigns and their report as sub-pages).
  | "settings.access-reviews"
  // issue 10 (clinical)
  | "patients"
  // Issue 10 (business modules).
  | "billing"
  | "inventory"
  | "calls"
  // Issue 10 (scheduling): the clinic calendar, providers' hours, provider performance.
  | "schedule"
  | "schedule.hours"
  | "performance"
  // Feature flags (issue 14).
  | "settings.features"
  // Temporary access (issue 11).
  | "settings.access-requests"
  | "settings.emergency"
  // Delegation (issue 11).
  | "settings.delegations"
  | "settings.support"
  // Machine access (issue 13).
  | "settings.api"
  // Billing settings (issue 10): the tenant's billing profile, plan, seats and card on file.
  | "settings.billing"
  // Legacy migration and EM Sync of a practice (issue 14).
  | "settings.practice-system";

type PlaceNode = { id: string; kind: NodeKind; tenantId: string };

export interface PageEntry {
  key: PageKey;
  /** The path below /o/<id> ("" for the overview). */
  path: string;
  label: (node: PlaceNode) => string;
  /** The kinds of place the page exists at; elsewhere it is "not found". */
  kinds: readonly NodeKind[];
  /** The permission named when the page is refused (the overview's "doesn't include that page" notice). */
  permission: Permission | null;
  /** Does the person's role at the place show the page? The nav and the guard both ask this. */
  allows: (subject: Subject, node: PlaceNode) => boolean;
  /** A module behind a feature flag (issue 14): the page shows only where the flag is on and not hidden from the role. */
  flag?: FeatureFlag;
}

const ALL_KINDS: readonly NodeKind[] = ["ENTERPRISE", "REGION", "PRACTICE", "LOCATION", "CARE_PROFILE"];
const CLINIC_KINDS: readonly NodeKind[] = ["ENTERPRISE", "REGION", "PRACTICE", "LOCATION"];
const CARE_KINDS: readonly NodeKind[] = ["CARE_PROFILE"];
const fixed = (label: string) => () => label;

/** Holds one of the permissions at the place in some scope (a Member's "assigned" schedule, "own" availability). */
const holdsAny =
  (...permissions: Permission[]) =>
  (subject: Subject, node: PlaceNode) =>
    permissions.some((p) => holds(subject, p, node.id));
/** Holds the permission on the place itself. */
const atPlace = (permission: Permission) => (subject: Subject, node: PlaceNode) => can(subject, permission, node.id);

/** In tab order. */
export const PAGES: readonly PageEntry[] = [
  { key: "overview", path: "", label: fixed("Overview"), kinds: ALL_KINDS, permission: null, allows: () => true },
  { key: "care.schedule", path: "/care/schedule", label: fixed("Schedule"), kinds: CARE_KINDS, permission: "care_schedule.read", allows: holdsAny("care_schedule.read") },
  {
    key: "care.availability",
    path: "/care/availability",
    label: fixed("Availability"),
    kinds: CARE_KINDS,
    permission: "availability.read",
    allows: holdsAny("availability.read", "availability.edit"),
  },
  { key: "care.log", path: "/care/log", label: fixed("Care log"), kinds: CARE_KINDS, permission: "care_events.read", allows: holdsAny("care_events.read", "care_events.create") },
  // Team-wide totals: the whole profile, not a narrower scope.
  { key: "care.reports", path: "/care/reports", label: fixed("Reports"), kinds: CARE_KINDS, permission: "care_reports.read", allows: atPlace("care_reports.read"), flag: "careReportsModule" },
  // issue 10 (clinical): patients (a patient's own page uses this entry).
  { key: "patients", path: "/patients", label: fixed("Patients"), kinds: CLINIC_KINDS, permission: "patients.read_contact", allows: holdsAny("patients.read_contact") },
  // Issue 10 (business modules): billing at clinic places, for whoever reads invoices or refunds there.
  { key: "billing", path: "/billing", label: fixed("Billing"), kinds: CLINIC_KINDS, permission: "invoices.read", allows: holdsAny("invoices.read", "refunds.read") },
  { key: "inventory", path: "/inventory", label: fixed("Inventory"), kinds: CLINIC_KINDS, permission: "stock.read", allows: holdsAny("stock.read", "purchase_orders.read") },
  { key: "calls", path: "/calls", label: fixed("Calls"), kinds: CLINIC_KINDS, permission: "calls.read", allows: holdsAny("calls.read") },
  // Issue 10 (scheduling): the calendar for whoever reads appointments there (a Provider: their own and their patients');
  // the hours editor for whoever edits a provider's availability (a Provider: their own); performance per provider.
  { key: "schedule", path: "/schedule", label: fixed("Schedule"), kinds: CLINIC_KINDS, permission: "appointments.read", allows: holdsAny("appointments.read") },
  { key: "schedule.hours", path: "/schedule/hours", label: fixed("Hours"), kinds: CLINIC_KINDS, permission: "availability.edit", allows: holdsAny("availability.edit") },
  { key: "performance", path: "/performance", label: fixed("Performance"), kinds: CLINIC_KINDS, permission: "provider_performance.read", allows: holdsAny("provider_performance.read") },
  {
    key: "settings.users",
    path: "/settings/users",
    label: (node) => (node.kind === "CARE_PROFILE" ? "Team" : "Users"),
    kinds: ALL_KINDS,
    permission: "members.read",
    allows: atPlace("members.read"),
  },
  { key: "settings.roles", path: "/settings/roles", label: fixed("Roles"), kinds: ALL_KINDS, permission: "roles.read", allows: atPlace("roles.read") },
  // Care profiles have no locations.
  { key: "settings.locations", path: "/settings/locations", label: fixed("Locations"), kinds: CLINIC_KINDS, permission: "locations.read", allows: atPlace("locations.read") },
  // Security settings are the tenant's: read with the permission at the tenant root.
  {
    key: "settings.security",
    path: "/settings/security",
    label: fixed("Security"),
    kinds: ALL_KINDS,
    permission: "settings.read",
    allows: (subject, node) => can(subject, "settings.read", node.tenantId),
  },
  {
    key: "settings.access-check",
    path: "/settings/access-check",
    label: fixed("Why can't they see it?"),
    kinds: ALL_KINDS,
    permission: "members.manage_roles",
    allows: atPlace("members.manage_roles"),
    flag: "accessCheckModule",
  },
  // Billing settings (issue 10) are the tenant's: at its root, for billing_settings.read there (owners).
  {
    key: "settings.billing",
    path: "/settings/billing",
    label: fixed("Billing settings"),
    kinds: CLINIC_KINDS,
    permission: "billing_settings.read",
    allows: (subject, node) => node.id === node.tenantId && can(subject, "billing_settings.read", node.id),
  },
  // Feature flags (issue 14): the tenant's flags, at its root; platform staff turn on the platform ones.
  {
    key: "settings.features",
    path: "/settings/features",
    label: fixed("Features"),
    kinds: ALL_KINDS,
    permission: "settings.read",
    allows: (subject, node) => node.id === node.tenantId && can(subject, "settings.read", node.id),
  },
  // Issue 9: the audit log of the place (a region's admin sees their subtree's events).
  { key: "settings.activity", path: "/settings/activity", label: fixed("Activity log"), kinds: ALL_KINDS, permission: "audit_log.read", allows: atPlace("audit_log.read") },
  { key: "settings.access-reviews", path: "/settings/access-reviews", label: fixed("Access reviews"), kinds: ALL_KINDS, permission: "access_reviews.read", allows: atPlace("access_reviews.read") },
  // Temporary access (issue 11): anyone with a role at the place may ask for more access; the
  // approvers see what waits for them (lib/access/requests.ts decides who may answer what).
  { key: "settings.access-requests", path: "/settings/access-requests", label: fixed("Access requests"), kinds: CLINIC_KINDS, permission: null, allows: () => true },
  // Break-glass (issue 11): anyone may declare (the tenant's policy answers); reviewers review here.
  { key: "settings.emergency", path: "/settings/emergency", label: fixed("Emergency access"), kinds: CLINIC_KINDS, permission: null, allows: () => true },
  // Delegation (issue 11): anyone with a role may lend part of their own rights to a colleague.
  { key: "settings.delegations", path: "/settings/delegations", label: fixed("Delegations"), kinds: CLINIC_KINDS, permission: null, allows: () => true },
  // Platform support access (issue 11): the tenant's owners grant and end it.
  { key: "settings.support", path: "/settings/support", label: fixed("Support access"), kinds: CLINIC_KINDS, permission: null, allows: (subject, node) => isOwnerAt(subject, node.tenantId) },
  // Machine access (issue 13): service accounts and API keys are the tenant's.
  { key: "settings.api", path: "/settings/api", label: fixed("API access"), kinds: ALL_KINDS, permission: "api_keys.read", allows: (subject, node) => can(subject, "api_keys.read", node.tenantId) },
  // Legacy migration and EM Sync (issue 14): run by the owners and admins at the practice or above (its enterprise's).
  {
    key: "settings.practice-system",
    path: "/settings/practice-system",
    label: fixed("Practice system"),
    kinds: ["PRACTICE"],
    permission: "settings.edit",
    allows: atPlace("settings.edit"),
  },
];

const BY_KEY = new Map(PAGES.map((p) => [p.key, p]));

export function pageEntry(key: PageKey): PageEntry {
  return BY_KEY.get(key)!;
}

export type PageAccess = "ok" | "not_found" | "denied";

/** The guard's answer: "not_found" when the page doesn't exist at this kind of place, "denied" when the role doesn't show it. */
export function pageAccess(subject: Subject, node: PlaceNode, key: PageKey): PageAccess {
  const page = pageEntry(key);
  if (!page.kinds.includes(node.kind)) return "not_found";
  if (page.flag && !featureVisible(subject, node.id, page.flag)) return "denied";
  return page.allows(subject, node) ? "ok" : "denied";
}

/**
 * The kinds of place a section (the pages under one folder, e.g. "/care") exists at. A section's
 * layout checks it, so the answer is a real HTTP 404: a page's own notFound() comes after its
 * loading.tsx boundary has already started a 200 response.
 */
export function sectionKinds(prefix: string): NodeKind[] {
  return [...new Set(PAGES.filter((p) => p.path === prefix || p.path.startsWith(`${prefix}/`)).flatMap((p) => p.kinds))];
}

export function pageHref(node: { id: string }, key: PageKey): string {
  return `/o/${node.id}${pageEntry(key).path}`;
}

/** The tabs of a place: exactly the pages whose guard would let the person in. */
export function placeNav(subject: Subject, node: PlaceNode): { key: PageKey; href: string; label: string }[] {
  return PAGES.filter((p) => pageAccess(subject, node, p.key) === "ok").map((p) => ({ key: p.key, href: pageHref(node, p.key), label: p.label(node) }));
}

/** A breadcrumb step back to a section's page, with the label its tab shows. */
export function pageCrumb(node: PlaceNode, key: PageKey): { href: string; label: string } {
  return { href: pageHref(node, key), label: pageEntry(key).label(node) };
}
