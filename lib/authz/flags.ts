import { isLive, lookupNode, type CompiledBinding, type Subject } from "./subject";

/**
 * Feature flags (issue 14): per tenant on/off, and per role hidden. Stored in feature_flags rows
 * (a tenant without a row falls back to its root's featureFlags JSON, then to the default), loaded
 * into the tenant's tree snapshot, so evaluating one is a map read like decide().
 */
export interface FlagDefinition {
  label: string;
  description: string;
  /** The value for a tenant that never set it. */
  default: boolean;
  /** Only platform staff turn it on or off; tenant owners still choose which roles see it. */
  platformOnly: boolean;
}

export const FEATURE_FLAGS = {
  enterpriseManagement: {
    label: "Enterprise management",
    description: "The Enterprise button and the cross-practice view, for roles at an enterprise or region.",
    default: false,
    platformOnly: true,
  },
  emSync: { label: "EM Sync", description: "Practice data flows from the practice system into enterprise management.", default: false, platformOnly: true },
  accessCheckModule: { label: "Access check module", description: "The “Why can't they see it?” page.", default: true, platformOnly: false },
  careReportsModule: { label: "Care reports module", description: "The Reports page of care profiles.", default: true, platformOnly: false },
} as const satisfies Record<string, FlagDefinition>;
export type FeatureFlag = keyof typeof FEATURE_FLAGS;
export const FLAG_KEYS = Object.keys(FEATURE_FLAGS) as FeatureFlag[];
export const isFeatureFlag = (v: unknown): v is FeatureFlag => typeof v === "string" && Object.hasOwn(FEATURE_FLAGS, v);

/** Is the flag on in the tenant of this root? Its stored value, else its default. */
export function flagEnabled(subject: Subject, rootId: string, flag: FeatureFlag): boolean {
  const value = subject.trees.find((t) => t.rootId === rootId)?.featureFlags[flag];
  return typeof value === "boolean" ? value : FEATURE_FLAGS[flag].default;
}

function hiddenFor(subject: Subject, rootId: string, flag: FeatureFlag): readonly string[] {
  return subject.trees.find((t) => t.rootId === rootId)?.hiddenRoles[flag] ?? [];
}

export interface FlagExplanation {
  flag: FeatureFlag;
  label: string;
  visible: boolean;
  /** One sentence an admin can read. */
  reason: string;
  fix?: string;
}

/** The live bindings whose role applies at the node (the nearest ones on the way up). */
function bindingsAt(subject: Subject, nodeId: string, now: number): CompiledBinding[] {
  const node = lookupNode(subject, nodeId);
  if (!node) return [];
  return node.ancestors.flatMap((id) => (subject.byNode.get(id) ?? []).filter((b) => isLive(b, now)));
}

/**
 * Does the person see the flag's feature at this node? On in the tenant, and at least one of the
 * person's roles reaching the node is not hidden from it. With the reason, for "Why can't they see it?".
 * `bindings` narrows which roles count (the Enterprise button counts enterprise and region roles only).
 */
export function explainFlag(subject: Subject, nodeId: string, flag: FeatureFlag, opts: { now?: number; bindings?: (b: CompiledBinding) => boolean } = {}): FlagExplanation {
  const def = FEATURE_FLAGS[flag];
  const out = (visible: boolean, reason: string, fix?: string): FlagExplanation => ({ flag, label: def.label, visible, reason, fix });
  const node = lookupNode(subject, nodeId);
  if (!node) return out(false, "The person has no role anywhere in this organisation.");
  if (!flagEnabled(subject, node.rootId, flag)) {
    return out(false, `${def.label} is turned off for this organisation.`, def.platformOnly ? "Ask CareAccess staff to turn it on." : "Turn it on in Settings → Features.");
  }
  const reaching = bindingsAt(subject, nodeId, opts.now ?? Date.now()).filter(opts.bindings ?? (() => true));
  if (reaching.length === 0) return out(false, `${def.label} is on, but the person has no role here that it applies to.`);
  const hidden = new Set(hiddenFor(subject, node.rootId, flag));
  const shown = reaching.find((b) => !hidden.has(b.roleId));
  if (shown) return out(true, `${def.label} is on and shown to ${shown.roleName} at ${shown.nodeName}.`);
  const names = [...new Set(reaching.map((b) => b.roleName))].join(", ");
  return out(false, `${def.label} is on, but hidden from ${names}.`, `Show it to ${names} in Settings → Features.`);
}

/** explainFlag(...).visible, for the nav and guards. */
export function featureVisible(subject: Subject, nodeId: string, flag: FeatureFlag, now = Date.now()): boolean {
  return explainFlag(subject, nodeId, flag, { now }).visible;
}

const enterpriseLevel = (b: CompiledBinding) => b.nodeKind === "ENTERPRISE" || b.nodeKind === "REGION";

/** The Enterprise button at one binding's place: its role must be at an enterprise or region. */
export function explainEnterpriseButton(subject: Subject, nodeId: string, now = Date.now()): FlagExplanation {
  return explainFlag(subject, nodeId, "enterpriseManagement", { now, bindings: enterpriseLevel });
}

/**
 * The Enterprise button shows only for people with a role bound at an enterprise or region, in a
 * tenant that has enterprise management turned on and doesn't hide it from that role. Returns the
 * tenants where it shows.
 */
export function enterpriseModeRoots(subject: Subject, now = Date.now()): string[] {
  const roots = new Set<string>();
  for (const b of subject.bindings) {
    if (!isLive(b, now) || !enterpriseLevel(b) || !flagEnabled(subject, b.rootId, "enterpriseManagement")) continue;
    if (!hiddenFor(subject, b.rootId, "enterpriseManagement").includes(b.roleId)) roots.add(b.rootId);
  }
  return [...roots];
}

/** The bindings behind the Enterprise button (those enterpriseModeRoots counts). */
export function enterpriseButtonBindings(subject: Subject, now = Date.now()): CompiledBinding[] {
  return subject.bindings.filter(
    (b) => isLive(b, now) && enterpriseLevel(b) && flagEnabled(subject, b.rootId, "enterpriseManagement") && !hiddenFor(subject, b.rootId, "enterpriseManagement").includes(b.roleId),
  );
}
