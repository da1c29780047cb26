import type { NodeKind } from "../authz/tree";

/** What each kind of place is called on screen. Pure (no server imports), so client components can use it too. */
export const NODE_KIND_LABEL: Record<NodeKind, string> = {
  ENTERPRISE: "Enterprise",
  REGION: "Region",
  PRACTICE: "Practice",
  LOCATION: "Location",
  CARE_PROFILE: "Care profile",
};
