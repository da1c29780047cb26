/**
 * Runs once when the server starts (Next's instrumentation hook): starts the email outbox worker,
 * which delivers queued emails after their transaction commits (lib/email/outbox.ts).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startOutboxWorker } = await import("./lib/email/outbox");
  const { prisma } = await import("./lib/db");
  startOutboxWorker(prisma);
  // Scheduled LDAP / Active Directory syncs (issue 12, lib/identity/ldap.ts).
  const { startDirectorySyncWorker } = await import("./lib/identity/ldap");
  startDirectorySyncWorker(prisma);
  // Webhook deliveries after commit, with retries (issue 13, lib/machine/webhooks.ts).
  const { startWebhookWorker } = await import("./lib/machine/webhooks");
  startWebhookWorker(prisma);
  // Access reviews (issue 9, lib/access-reviews/reviews.ts): open due campaigns, email reviewers and reminders.
  const { startAccessReviewWorker } = await import("./lib/access-reviews/reviews");
  startAccessReviewWorker(prisma);
  // Inactivity expiry of memberships, per tenant (issue 11, lib/access/inactivity.ts).
  const { startInactivityWorker } = await import("./lib/access/inactivity");
  startInactivityWorker(prisma);
  // EM Sync with the practice system, both directions, for practices with it on (issue 14, lib/practice/em-push.ts).
  const { startEmSyncWorker } = await import("./lib/practice/em-push");
  startEmSyncWorker(prisma);
}
