import type { Subject } from "../authz";
import { holds } from "../context/enterable";

/**
 * The care-team tabs of a care profile, for the place navigation: each shows when the person holds
 * its permission there in some scope (a Member's "assigned" schedule and "own" availability count).
 */
export function careNavItems(subject: Subject, node: { id: string; kind: string }): { href: string; label: string }[] {
  if (node.kind !== "CARE_PROFILE") return [];
  const base = `/o/${node.id}/care`;
  const any = (...permissions: Parameters<typeof holds>[1][]) => permissions.some((p) => holds(subject, p, node.id));
  return [
    ...(any("care_schedule.read") ? [{ href: `${base}/schedule`, label: "Schedule" }] : []),
    ...(any("availability.read", "availability.edit") ? [{ href: `${base}/availability`, label: "Availability" }] : []),
    ...(any("care_events.read", "care_events.create") ? [{ href: `${base}/log`, label: "Care log" }] : []),
    ...(any("care_reports.read") ? [{ href: `${base}/reports`, label: "Reports" }] : []),
  ];
}
