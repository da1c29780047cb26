import { isLive, type Subject } from "./subject";

export const FEATURE_FLAGS = {
  enterpriseManagement: "Enterprise management (the Enterprise button and cross-practice view)",
  emSync: "EM Sync: practice data flows into enterprise management",
} as const;
export type FeatureFlag = keyof typeof FEATURE_FLAGS;

/** Is the flag on in the tenant of this root? Off unless the tenant turned it on. */
export function flagEnabled(subject: Subject, rootId: string, flag: FeatureFlag): boolean {
  return subject.trees.find((t) => t.rootId === rootId)?.featureFlags[flag] === true;
}

/**
 * The Enterprise button shows only for people with a role bound at an enterprise or region, in a
 * tenant that has enterprise management turned on. Returns the tenants where it shows.
 */
export function enterpriseModeRoots(subject: Subject, now = Date.now()): string[] {
  const roots = new Set<string>();
  for (const b of subject.bindings) {
    if (!isLive(b, now)) continue;
    if ((b.nodeKind === "ENTERPRISE" || b.nodeKind === "REGION") && flagEnabled(subject, b.rootId, "enterpriseManagement")) roots.add(b.rootId);
  }
  return [...roots];
}
