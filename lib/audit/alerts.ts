import { z } from "zod";
import { AppError } from "../api/errors";
import { ADMIN_ROLE_IDS, OWNER_ROLE_IDS } from "../authz/roles";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { securityAlertEmail } from "../email/templates";
import { liveBinding } from "../members/accounts";
import { securityEnv } from "../security/env";
import type { AuditTx, RecordedAuditEvent } from "./audit";
import { networkRange, noteNetwork } from "./networks";

/**
 * Alerts over the audit log (issue 9). A subscriber (lib/audit/subscribers.ts) judges each event
 * inside the transaction that wrote it, so a rolled-back change raises nothing. Rules have
 * defaults here and per-tenant overrides in audit_alert_rules. An alert lands in the owners' and
 * admins' inbox (Settings > Activity log > Alerts, with a badge in the header) and is emailed to
 * them through the outbox; one of them acknowledges it with a note.
 */
export const ALERT_KINDS = ["failed_sign_ins", "patient_reads", "large_export", "privileged_grant", "emergency_access", "new_network"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertRule {
  kind: AlertKind;
  enabled: boolean;
  /** failed_sign_ins / patient_reads: how many events within the window; large_export: more rows than this. */
  threshold: number;
  windowMinutes: number;
}

export const ALERT_RULE_INFO: Record<AlertKind, { label: string; describe: (r: AlertRule) => string; usesThreshold: boolean; usesWindow: boolean }> = {
  failed_sign_ins: { label: "Burst of failed sign-ins", describe: (r) => `${r.threshold} or more failed sign-ins within ${r.windowMinutes} minutes`, usesThreshold: true, usesWindow: true },
  patient_reads: { label: "One person reading many patient records", describe: (r) => `One person opens ${r.threshold} or more patient records within ${r.windowMinutes} minutes`, usesThreshold: true, usesWindow: true },
  large_export: { label: "Large export", describe: (r) => `An export of more than ${r.threshold} rows`, usesThreshold: true, usesWindow: false },
  privileged_grant: { label: "New Owner or Admin", describe: () => "Someone is given the Owner or Admin role", usesThreshold: false, usesWindow: false },
  emergency_access: { label: "Emergency access used", describe: () => "Someone uses emergency (break-glass) access", usesThreshold: false, usesWindow: false },
  new_network: { label: "Sign-in from a new network", describe: () => "Someone signs in from a network range (IPv4 /24, IPv6 /48) they have never used here", usesThreshold: false, usesWindow: false },
};

export const DEFAULT_RULES: Record<AlertKind, AlertRule> = {
  failed_sign_ins: { kind: "failed_sign_ins", enabled: true, threshold: 5, windowMinutes: 10 },
  patient_reads: { kind: "patient_reads", enabled: true, threshold: 50, windowMinutes: 10 },
  large_export: { kind: "large_export", enabled: true, threshold: 1000, windowMinutes: 0 },
  privileged_grant: { kind: "privileged_grant", enabled: true, threshold: 0, windowMinutes: 0 },
  emergency_access: { kind: "emergency_access", enabled: true, threshold: 0, windowMinutes: 0 },
  new_network: { kind: "new_network", enabled: true, threshold: 0, windowMinutes: 0 },
};

const EXPORT_ACTIONS = new Set(["audit_log.export", "patient.export", "care_reports.exported", "care_schedule.exported", "members.exported"]);
const GRANT_ACTIONS = new Set(["member.role_added", "member.role_changed"]);
/** Which rule an action can trip; everything else returns at once (the subscriber must be cheap). */
function kindFor(action: string): AlertKind | null {
  if (action === "auth.sign_in_failed") return "failed_sign_ins";
  if (action === "patient.read") return "patient_reads";
  if (EXPORT_ACTIONS.has(action)) return "large_export";
  if (GRANT_ACTIONS.has(action)) return "privileged_grant";
  if (action === "emergency_access.used") return "emergency_access";
  if (action === "auth.sign_in") return "new_network";
  return null;
}

export async function alertRules(db: Db | Tx, tenantId: string): Promise<AlertRule[]> {
  const rows = await db.auditAlertRule.findMany({ where: { tenantId } });
  return ALERT_KINDS.map((kind) => {
    const row = rows.find((r) => r.kind === kind);
    return row ? { kind, enabled: row.enabled, threshold: row.threshold, windowMinutes: row.windowMinutes } : DEFAULT_RULES[kind];
  });
}

async function ruleFor(tx: Tx, tenantId: string, kind: AlertKind): Promise<AlertRule> {
  const row = await tx.auditAlertRule.findUnique({ where: { tenantId_kind: { tenantId, kind } } });
  return row ? { kind, enabled: row.enabled, threshold: row.threshold, windowMinutes: row.windowMinutes } : DEFAULT_RULES[kind];
}

/** The subscriber: decides whether the event raises an alert, and raises it (inbox row + emails). */
export async function alertOnEvent(tx: AuditTx, e: RecordedAuditEvent): Promise<void> {
  const kind = kindFor(e.action);
  if (!kind || !e.tenantId) return;
  const tenantId = e.tenantId;
  let network: string | null = null;
  if (kind === "new_network") {
    network = networkRange(e.ip);
    if (!network || !e.actorId || (await noteNetwork(tx, tenantId, e.actorId, network)) !== "new") return;
  }
  const rule = await ruleFor(tx, tenantId, kind);
  if (!rule.enabled) return;
  const since = new Date(e.createdAt.getTime() - rule.windowMinutes * 60_000);
  let title: string | null = null;
  let subjectKey: string | null = null;
  if (kind === "failed_sign_ins") {
    const n = await tx.auditEvent.count({ where: { tenantId, action: e.action, createdAt: { gte: since } } });
    if (n >= rule.threshold) title = `${n} failed sign-ins within ${rule.windowMinutes} minutes`;
  } else if (kind === "patient_reads") {
    if (!e.actorId) return;
    subjectKey = e.actorId;
    const n = await tx.auditEvent.count({ where: { tenantId, action: e.action, actorId: e.actorId, createdAt: { gte: since } } });
    if (n >= rule.threshold) title = `${await nameOf(tx, e.actorId)} opened ${n} patient records within ${rule.windowMinutes} minutes`;
  } else if (kind === "large_export") {
    const count = Number((e.details as { count?: unknown }).count ?? 0);
    if (count > rule.threshold) title = `${await nameOf(tx, e.actorId)} exported ${count} rows (${e.action})`;
  } else if (kind === "privileged_grant") {
    const to = (e.details as { to?: unknown }).to;
    if (typeof to === "string" && (OWNER_ROLE_IDS.has(to) || ADMIN_ROLE_IDS.has(to))) {
      subjectKey = e.targetId;
      title = `${await nameOf(tx, e.targetId)} was made ${OWNER_ROLE_IDS.has(to) ? "an Owner" : "an Admin"} by ${await nameOf(tx, e.actorId)}`;
    }
  } else if (kind === "new_network") {
    subjectKey = e.actorId;
    title = `${await nameOf(tx, e.actorId)} signed in from a new network (${network})`;
  } else {
    // Break-glass (lib/access/emergency.ts) names what was opened in details.what.
    const what = (e.details as { what?: unknown }).what;
    title = `${await nameOf(tx, e.actorId)} used emergency access${typeof what === "string" ? ` to ${what}` : e.targetType ? ` to ${e.targetType} ${e.targetId ?? ""}` : ""}`.trim();
  }
  if (!title) return;
  // A burst raises one alert per window (per person for reads), not one per further event.
  if (ALERT_RULE_INFO[kind].usesWindow && rule.windowMinutes > 0) {
    const open = await tx.auditAlert.findFirst({ where: { tenantId, kind, subjectKey, acknowledgedAt: null, createdAt: { gte: since } }, select: { id: true } });
    if (open) return;
  }
  await tx.auditAlert.create({ data: { tenantId, kind, title, subjectKey, eventId: e.id, createdAt: e.createdAt } });
  const url = `${securityEnv().appUrl}/o/${tenantId}/settings/activity/alerts`;
  for (const admin of await alertRecipients(tx, tenantId)) {
    await enqueueEmail(tx, admin.email, "security_alert", securityAlertEmail({ name: admin.name, title: title, lines: [ALERT_RULE_INFO[kind].describe(rule) + ".", "Open the alert inbox to review and acknowledge it."], url }));
  }
}

/**
 * The owners and admins at the tenant root who get the email: lib/security/account-admin.ts
 * tenantAdmins(), repeated here because that module records audit events (an import cycle).
 */
async function alertRecipients(tx: Tx, tenantId: string): Promise<{ email: string; name: string }[]> {
  const rows = await tx.roleBinding.findMany({
    where: { ...liveBinding(), roleId: { in: [...OWNER_ROLE_IDS, ...ADMIN_ROLE_IDS] }, node: { rootId: tenantId, archivedAt: null }, user: { status: "ACTIVE", suspensions: { none: { tenantId } } } },
    select: { user: { select: { id: true, email: true, name: true } } },
  });
  return [...new Map(rows.map((r) => [r.user.id, r.user])).values()];
}

async function nameOf(tx: Tx, userId: string | null): Promise<string> {
  if (!userId) return "Someone";
  return (await tx.user.findUnique({ where: { id: userId }, select: { name: true } }))?.name ?? "Someone";
}

export async function listAlerts(db: Db | Tx, tenantId: string) {
  const rows = await db.auditAlert.findMany({ where: { tenantId }, orderBy: [{ createdAt: "desc" }], take: 200 });
  const ackBy = await db.user.findMany({ where: { id: { in: rows.flatMap((r) => (r.acknowledgedById ? [r.acknowledgedById] : [])) } }, select: { id: true, name: true } });
  const names = new Map(ackBy.map((u) => [u.id, u.name]));
  return rows.map((r) => ({ id: r.id, kind: r.kind as AlertKind, title: r.title, eventId: r.eventId.toString(), at: r.createdAt.toISOString(), acknowledged: r.acknowledgedAt ? { at: r.acknowledgedAt.toISOString(), by: names.get(r.acknowledgedById ?? "") ?? "Someone", note: r.note ?? "" } : null }));
}

export async function openAlertCount(db: Db | Tx, tenantIds: string[]): Promise<number> {
  if (tenantIds.length === 0) return 0;
  return db.auditAlert.count({ where: { tenantId: { in: tenantIds }, acknowledgedAt: null } });
}

export const acknowledgeInput = z.object({ alertId: z.uuid({ error: "Choose an alert." }), note: z.string().trim().min(1, { error: "Write what you checked or did." }).max(2000, { error: "Keep the note under 2,000 characters." }) });

/** Acknowledges an open alert with a note (audited); acknowledging twice is a conflict. */
export async function acknowledgeAlert(tx: AuditTx, actor: { userId: string }, input: z.output<typeof acknowledgeInput>): Promise<void> {
  const { recordAudit } = await import("./audit");
  const alert = await tx.auditAlert.findUnique({ where: { id: input.alertId } });
  if (!alert) throw new AppError("not_found", "Not found.");
  const done = await tx.auditAlert.updateMany({ where: { id: alert.id, acknowledgedAt: null }, data: { acknowledgedAt: new Date(), acknowledgedById: actor.userId, note: input.note } });
  if (done.count === 0) throw new AppError("conflict", "Someone has already acknowledged this alert.");
  await recordAudit(tx, { tenantId: alert.tenantId, actorId: actor.userId, action: "audit_alert.acknowledged", targetType: "audit_alert", targetId: alert.id, details: { kind: alert.kind, title: alert.title, note: input.note } });
}

export const rulesInput = z.object({
  tenantId: z.uuid({ error: "Choose an organisation." }),
  rules: z
    .array(z.object({ kind: z.enum(ALERT_KINDS), enabled: z.boolean(), threshold: z.number().int().min(1, { error: "The threshold must be at least 1." }).max(1_000_000), windowMinutes: z.number().int().min(1, { error: "The window must be at least a minute." }).max(1440, { error: "The window is at most a day (1,440 minutes)." }) }))
    .max(ALERT_KINDS.length),
});

/** Saves the tenant's rules (audited with before/after). */
export async function saveAlertRules(tx: AuditTx, actor: { userId: string }, input: z.output<typeof rulesInput>): Promise<AlertRule[]> {
  const { recordAudit } = await import("./audit");
  const root = await tx.orgNode.findUnique({ where: { id: input.tenantId }, select: { parentId: true } });
  if (!root || root.parentId !== null) throw new AppError("invalid", "Alert rules belong to the whole organisation.", { tenantId: ["Choose the organisation, not a place inside it."] });
  const before = await alertRules(tx, input.tenantId);
  for (const r of input.rules) {
    await tx.auditAlertRule.upsert({ where: { tenantId_kind: { tenantId: input.tenantId, kind: r.kind } }, create: { tenantId: input.tenantId, ...r }, update: { enabled: r.enabled, threshold: r.threshold, windowMinutes: r.windowMinutes, updatedAt: new Date() } });
  }
  const after = await alertRules(tx, input.tenantId);
  const asMap = (rs: AlertRule[]) => Object.fromEntries(rs.map((r) => [r.kind, `${r.enabled ? "on" : "off"}, ${r.threshold} / ${r.windowMinutes} min`]));
  await recordAudit(tx, { tenantId: input.tenantId, actorId: actor.userId, action: "audit_alert_rules.changed", targetType: "tenant", targetId: input.tenantId, details: { before: asMap(before), after: asMap(after) } });
  return after;
}
