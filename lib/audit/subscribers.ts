import { alertOnEvent } from "./alerts";
import type { AuditTx, RecordedAuditEvent } from "./audit";
import { queueWebhooks } from "../machine/webhooks";

/**
 * What reacts to an audit event, inside the transaction that wrote it (so a rolled-back change
 * raises no alert and queues no webhook). Listed here, not registered at import time, so every
 * code path that records an event runs the same subscribers.
 *
 * A subscriber must be cheap for the events it ignores (check `event.action` first), must not
 * call recordAudit() for the same event again, and writes only its own tables (alerts, outboxes).
 */
export type AuditSubscriber = (tx: AuditTx, event: RecordedAuditEvent) => Promise<void>;

export const AUDIT_SUBSCRIBERS: readonly AuditSubscriber[] = [
  // Issue 9: alert rules (failed sign-in bursts, mass patient reads, large exports, new Owner/Admin, emergency access).
  alertOnEvent,
  // Webhooks (issue 13): the delivery outbox, for subscribed event families only.
  queueWebhooks,
];
