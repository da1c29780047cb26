import nodemailer, { type Transporter } from "nodemailer";
import type { Db, Tx } from "../db/client";
import { securityEnv } from "../security/env";
import type { EmailContent } from "./templates";

/**
 * The transactional outbox. Code that sends email writes a row in the same transaction as the
 * change it reports (so a rolled-back invitation sends nothing, and a committed one is never
 * lost); deliverOutbox() sends pending rows over SMTP after commit and clears the body once sent,
 * so links don't linger in the database. Failed sends retry with back-off, up to 8 attempts.
 */
export type EmailKind = "invitation" | "activation" | "added" | "reset" | "sign_in_code" | "security_alert" | "access_request" | "access_review" | "inactivity_warning";

export async function enqueueEmail(tx: Tx | Db, to: string, kind: EmailKind, content: EmailContent): Promise<string> {
  const row = await tx.emailOutbox.create({ data: { to, kind, subject: content.subject, text: content.text, html: content.html }, select: { id: true } });
  kickOutbox();
  return row.id;
}

let transport: { url: string; t: Transporter } | undefined;
export function smtpTransport(): Transporter | null {
  const url = securityEnv().smtpUrl;
  if (!url) return null;
  if (transport?.url !== url) transport = { url, t: nodemailer.createTransport(url) };
  return transport.t;
}

const MAX_ATTEMPTS = 8;

/** Sends every pending email that is due. Returns how many were sent. */
export async function deliverOutbox(db: Db, send: Transporter | null = smtpTransport(), now = new Date()): Promise<number> {
  if (!send) return 0;
  const due = await db.emailOutbox.findMany({ where: { status: "pending", nextAttemptAt: { lte: now } }, orderBy: { createdAt: "asc" }, take: 50 });
  let sent = 0;
  for (const m of due) {
    // Claim the row, so two app instances never send the same email.
    const claimed = await db.emailOutbox.updateMany({ where: { id: m.id, status: "pending" }, data: { status: "sending", attempts: { increment: 1 } } });
    if (claimed.count === 0) continue;
    try {
      await send.sendMail({ from: securityEnv().mailFrom, to: m.to, subject: m.subject, text: m.text, html: m.html ?? undefined, headers: { "X-CareAccess-Kind": m.kind } });
      await db.emailOutbox.update({ where: { id: m.id }, data: { status: "sent", sentAt: new Date(), text: "", html: null, lastError: null } });
      sent++;
    } catch (err) {
      const attempts = m.attempts + 1;
      const message = (err as Error).message?.split("\n")[0]?.slice(0, 300) ?? "send failed";
      await db.emailOutbox.update({
        where: { id: m.id },
        data: { status: attempts >= MAX_ATTEMPTS ? "failed" : "pending", lastError: message, nextAttemptAt: new Date(Date.now() + Math.min(2 ** attempts * 1000, 15 * 60_000)) },
      });
      console.error(`Email ${m.id} (${m.kind}) could not be sent: ${message}`);
    }
  }
  return sent;
}

// ── The in-process worker: polls every 2 s, and is kicked right after something is queued. ──
type Worker = { timer?: NodeJS.Timeout; running: boolean; again: boolean; db?: () => Promise<Db> };
const holder = globalThis as unknown as { __careaccessOutbox?: Worker };

export function startOutboxWorker(db: () => Promise<Db>, intervalMs = 2000): void {
  const w = (holder.__careaccessOutbox ??= { running: false, again: false });
  w.db = db;
  if (w.timer) return;
  w.timer = setInterval(() => void drain(), intervalMs);
  w.timer.unref?.();
  void drain();
}

function kickOutbox(): void {
  const w = holder.__careaccessOutbox;
  if (!w?.db) return;
  // After the current transaction commits (a few ms later), not inside it.
  setTimeout(() => void drain(), 30).unref?.();
}

async function drain(): Promise<void> {
  const w = holder.__careaccessOutbox;
  if (!w?.db) return;
  if (w.running) {
    w.again = true;
    return;
  }
  w.running = true;
  try {
    do {
      w.again = false;
      await deliverOutbox(await w.db());
    } while (w.again);
  } catch (err) {
    console.error("Outbox delivery failed:", (err as Error).message);
  } finally {
    w.running = false;
  }
}
