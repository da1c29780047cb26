import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit, type AuditTx, type RecordedAuditEvent } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { securityAlertEmail } from "../email/templates";
import { config } from "../config";
import { decryptSecret, encryptSecret } from "../security/crypto";
import { endpointHostProblem, refusedDestination } from "./destination";
import { newWebhookSecret, signatureHeaders } from "./webhook-signing";

/**
 * Webhooks (issue 13). An audit subscriber (lib/audit/subscribers.ts) writes one delivery row per
 * subscribed endpoint inside the audit transaction: the durable outbox, so a rolled-back change
 * sends nothing and a committed one is never lost. deliverWebhooks() sends due rows after commit,
 * signed per Standard Webhooks, retrying with exponential backoff; an endpoint failing
 * FAILURES_TO_DISABLE deliveries in a row is disabled and the tenant's owners are emailed.
 */

/** The event families an endpoint can subscribe to (audit action prefixes). */
export const WEBHOOK_EVENTS = ["member", "role", "settings", "invitation", "access_request", "emergency_access", "service_account", "api_key"] as const;
const FAMILIES: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);
export const MAX_ATTEMPTS = 8;
export const FAILURES_TO_DISABLE = 10;
const SECRET_PURPOSE = "webhook";
/** A rotated-out secret keeps signing beside the new one for this long. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

const family = (action: string) => (action.includes(".") ? action.slice(0, action.indexOf(".")) : action);

export const createEndpointSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: "Enter the endpoint's http(s) URL." })
    .max(2000, "Keep the URL under 2000 characters.")
    .superRefine((url, ctx) => {
      const problem = config().webhookAllowPrivate ? null : endpointHostProblem(url);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  events: z.array(z.enum(WEBHOOK_EVENTS, { error: `One of: ${WEBHOOK_EVENTS.join(", ")}.` })).min(1, "Choose at least one event.").transform((e) => [...new Set(e)]),
});

/** The audit subscriber: cheap for actions no endpoint can subscribe to (no query at all). */
export async function queueWebhooks(tx: AuditTx, event: RecordedAuditEvent): Promise<void> {
  if (!event.tenantId || !FAMILIES.has(family(event.action))) return;
  const endpoints = await tx.webhookEndpoint.findMany({ where: { tenantId: event.tenantId, disabledAt: null, events: { has: family(event.action) } }, select: { id: true } });
  if (!endpoints.length) return;
  const payload = { type: event.action, timestamp: event.createdAt.toISOString(), data: { tenantId: event.tenantId, actorId: event.actorId, targetType: event.targetType, targetId: event.targetId, details: event.details, auditEventId: String(event.id) } };
  await tx.webhookDelivery.createMany({ data: endpoints.map((e) => ({ endpointId: e.id, eventType: event.action, payload: payload as object })) });
  kickWebhooks();
}

export async function createEndpoint(tx: Tx, tenantId: string, input: z.infer<typeof createEndpointSchema>, actor: { userId: string; ip: string | null }) {
  const secret = newWebhookSecret();
  const row = await tx.webhookEndpoint.create({ data: { tenantId, url: input.url, events: input.events, secret: encryptSecret(secret, SECRET_PURPOSE), createdById: actor.userId } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "webhook.created", targetType: "webhook", targetId: row.id, ip: actor.ip, details: { url: input.url, events: input.events } });
  return { id: row.id, url: row.url, events: row.events, secret };
}

/** A new secret; the old one keeps signing for ROTATION_OVERLAP_MS so receivers can switch over. */
export async function rotateEndpointSecret(tx: Tx, tenantId: string, id: string, actor: { userId: string; ip: string | null }, now = new Date()) {
  const row = await tx.webhookEndpoint.findFirst({ where: { id, tenantId } });
  if (!row) throw new AppError("not_found", "That webhook was not found.");
  const secret = newWebhookSecret();
  await tx.webhookEndpoint.update({ where: { id }, data: { secret: encryptSecret(secret, SECRET_PURPOSE), previousSecret: row.secret, previousSecretUntil: new Date(now.getTime() + ROTATION_OVERLAP_MS) } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "webhook.secret_rotated", targetType: "webhook", targetId: id, ip: actor.ip, details: { url: row.url } });
  return { secret };
}

/** Sends a delivery again (from the delivery log), and re-enables a disabled endpoint's queue for it. */
export async function redeliver(tx: Tx, tenantId: string, deliveryId: string, now = new Date()) {
  const d = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, endpoint: { tenantId } } });
  if (!d) throw new AppError("not_found", "That delivery was not found.");
  await tx.webhookDelivery.update({ where: { id: d.id }, data: { status: "pending", nextAttemptAt: now, attempts: 0 } });
  kickWebhooks();
}

export function backoffMs(attempts: number): number {
  return Math.min(2 ** (attempts - 1) * 1000, 60 * 60_000);
}

type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ status: number }>;

/** The worker's sender: public destinations only (unless allowed), and no redirects to follow elsewhere. */
export const guardedFetch: Fetch = async (url, init) => {
  const refused = config().webhookAllowPrivate ? null : await refusedDestination(url);
  if (refused) throw new Error(refused);
  return fetch(url, { ...init, redirect: "manual" });
};

/** Sends every due delivery; returns how many succeeded. Safe with several instances (rows are claimed). */
export async function deliverWebhooks(db: Db, send: Fetch = guardedFetch, now = new Date()): Promise<number> {
  const due = await db.webhookDelivery.findMany({ where: { status: "pending", nextAttemptAt: { lte: now }, endpoint: { disabledAt: null } }, orderBy: { createdAt: "asc" }, take: 50, include: { endpoint: true } });
  let ok = 0;
  for (const d of due) {
    const claimed = await db.webhookDelivery.updateMany({ where: { id: d.id, status: "pending" }, data: { status: "sending", attempts: { increment: 1 } } });
    if (claimed.count === 0) continue;
    const attempts = d.attempts + 1;
    const secrets = [decryptSecret(d.endpoint.secret, SECRET_PURPOSE)];
    if (d.endpoint.previousSecret && d.endpoint.previousSecretUntil && d.endpoint.previousSecretUntil > now) secrets.push(decryptSecret(d.endpoint.previousSecret, SECRET_PURPOSE));
    const body = JSON.stringify(d.payload);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await send(d.endpoint.url, { method: "POST", headers: { "content-type": "application/json", "user-agent": "CareAccess-Webhooks/1", ...signatureHeaders(secrets, d.id, body, Date.now()) }, body, signal: AbortSignal.timeout(10_000) });
      status = res.status;
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = ((err as Error).message ?? "request failed").slice(0, 300);
    }
    if (!error) {
      ok++;
      await db.webhookDelivery.update({ where: { id: d.id }, data: { status: "delivered", deliveredAt: new Date(), lastStatusCode: status, lastError: null } });
      await db.webhookEndpoint.update({ where: { id: d.endpointId }, data: { consecutiveFailures: 0 } });
      continue;
    }
    await db.webhookDelivery.update({ where: { id: d.id }, data: { status: attempts >= MAX_ATTEMPTS ? "failed" : "pending", lastStatusCode: status, lastError: error, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)) } });
    const endpoint = await db.webhookEndpoint.update({ where: { id: d.endpointId }, data: { consecutiveFailures: { increment: 1 } } });
    if (endpoint.consecutiveFailures >= FAILURES_TO_DISABLE && !endpoint.disabledAt) await disableEndpoint(db, endpoint.id, endpoint.tenantId, endpoint.url);
  }
  return ok;
}

async function disableEndpoint(db: Db, id: string, tenantId: string, url: string) {
  await db.$transaction(async (tx) => {
    const changed = await tx.webhookEndpoint.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: new Date() } });
    if (!changed.count) return;
    await recordAudit(tx, { tenantId, actorId: null, action: "webhook.disabled", targetType: "webhook", targetId: id, ip: null, details: { url, reason: `${FAILURES_TO_DISABLE} failed deliveries in a row` } });
    const owners = await tx.user.findMany({ where: { deletedAt: null, status: "ACTIVE", bindings: { some: { nodeId: tenantId, pending: false, roleId: { in: ["builtin:owner", "builtin:admin", "builtin:care_owner"] } } } }, select: { email: true, name: true } });
    for (const o of owners) {
      await enqueueEmail(tx, o.email, "security_alert", securityAlertEmail({ name: o.name, title: "A webhook endpoint was disabled", lines: [`${url} failed ${FAILURES_TO_DISABLE} deliveries in a row, so CareAccess stopped sending to it.`, "Fix the endpoint, then enable it again under Settings > API access."] }));
    }
  });
}

/** The delivery log of a tenant's endpoints, newest first. */
export async function deliveryLog(db: Db | Tx, tenantId: string, take = 50) {
  return db.webhookDelivery.findMany({ where: { endpoint: { tenantId } }, orderBy: { createdAt: "desc" }, take, select: { id: true, endpointId: true, eventType: true, status: true, attempts: true, lastStatusCode: true, lastError: true, deliveredAt: true, createdAt: true, nextAttemptAt: true } });
}

// ── The in-process worker: polls, and is kicked right after a delivery is queued (after commit). ──
type Worker = { timer?: NodeJS.Timeout; running: boolean; db?: () => Promise<Db> };
const holder = globalThis as unknown as { __careaccessWebhooks?: Worker };

export function startWebhookWorker(db: () => Promise<Db>, intervalMs = 2000): void {
  const w = (holder.__careaccessWebhooks ??= { running: false });
  w.db = db;
  if (w.timer) return;
  w.timer = setInterval(() => void drain(), intervalMs);
  w.timer.unref?.();
}

function kickWebhooks(): void {
  if (!holder.__careaccessWebhooks?.db) return;
  setTimeout(() => void drain(), 30).unref?.();
}

async function drain(): Promise<void> {
  const w = holder.__careaccessWebhooks;
  if (!w?.db || w.running) return;
  w.running = true;
  try {
    await deliverWebhooks(await w.db());
  } catch (err) {
    console.error("Webhook delivery failed", err);
  } finally {
    w.running = false;
  }
}

/** The tenant's endpoints (never their secrets) and the latest deliveries. */
export async function listWebhooks(db: Db | Tx, tenantId: string) {
  const endpoints = await db.webhookEndpoint.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" }, select: { id: true, url: true, events: true, disabledAt: true, consecutiveFailures: true, createdAt: true, previousSecretUntil: true } });
  return { endpoints, deliveries: await deliveryLog(db, tenantId) };
}

/** Enables (failures reset) or disables an endpoint. */
export async function setEndpointEnabled(tx: Tx, tenantId: string, id: string, enabled: boolean, actor: { userId: string; ip: string | null }) {
  const row = await tx.webhookEndpoint.findFirst({ where: { id, tenantId } });
  if (!row) throw new AppError("not_found", "That webhook was not found.");
  await tx.webhookEndpoint.update({ where: { id }, data: enabled ? { disabledAt: null, consecutiveFailures: 0 } : { disabledAt: new Date() } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: enabled ? "webhook.enabled" : "webhook.disabled", targetType: "webhook", targetId: id, ip: actor.ip, details: { url: row.url } });
}
