import { decide, type Permission, type Subject } from "../authz";
import { holds, type EnterableNode } from "./enterable";

/**
 * Context-aware header and actions for a care profile (the CareSupport document): what a person
 * sees depends on what their role there allows, not on the role's name. The first three allowed
 * actions show, in this order.
 */
const ACTIONS: { id: string; label: string; permission: Permission; path: string }[] = [
  { id: "add-member", label: "Add Team Member", permission: "members.create", path: "/settings/users?invite=1" },
  { id: "permissions", label: "Manage Permissions", permission: "roles.edit", path: "/settings/roles" },
  { id: "settings", label: "Settings", permission: "settings.edit", path: "/settings/security" },
  { id: "export-schedule", label: "Export Schedule", permission: "care_schedule.export", path: "/care/schedule?export=1" },
  { id: "reports", label: "View Reports", permission: "care_reports.read", path: "/care/reports" },
  { id: "my-schedule", label: "View My Schedule", permission: "care_schedule.read", path: "/care/schedule" },
  { id: "availability", label: "Update Availability", permission: "availability.edit", path: "/care/availability" },
  { id: "log-care", label: "Log Care", permission: "care_events.create", path: "/care/log" },
];

export function careHeader(subject: Subject, node: EnterableNode): { title: string; context: string } {
  const owner = node.roleId === "builtin:care_owner" && !node.inherited;
  const whose = node.name.replace(/'s Care$/, "");
  return owner
    ? { title: "My Care Team", context: "People who help with my care" }
    : { title: `${node.name} Team`, context: `People who help with ${whose === node.name ? node.name : `${whose}'s care`}` };
}

export function careActions(subject: Subject, node: EnterableNode): { id: string; label: string; href: string }[] {
  return ACTIONS.filter((a) => holds(subject, a.permission, node.id))
    .slice(0, 3)
    .map((a) => ({ id: a.id, label: a.id === "my-schedule" && decide(subject, "care_schedule.read", { nodeId: node.id }) ? "View Schedule" : a.label, href: `/o/${node.id}${a.path}` }));
}
