import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { linksIn, parseMessage } from "./mime";

/**
 * The development mailbox: every message the development SMTP server (dev-smtp.ts) receives is
 * written as a JSON file to DEV_MAILBOX_DIR, and read back by the /dev/mailbox page, its API
 * and the tests. It never runs with a real SMTP_URL (see lib/security/env.ts).
 */
export interface MailboxMessage {
  id: string;
  receivedAt: string;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  kind: string | null;
  text: string;
  html: string | null;
  links: string[];
}

export function storeReceived(dir: string, raw: string, envelopeTo: string[]): MailboxMessage {
  mkdirSync(dir, { recursive: true });
  const parsed = parseMessage(raw);
  const receivedAt = new Date();
  const id = `${receivedAt.getTime().toString().padStart(15, "0")}-${Math.random().toString(36).slice(2, 8)}`;
  const message: MailboxMessage = {
    id,
    receivedAt: receivedAt.toISOString(),
    envelopeTo: envelopeTo.map((a) => a.toLowerCase()),
    from: parsed.from,
    to: parsed.to,
    subject: parsed.subject,
    kind: parsed.headers["x-careaccess-kind"] ?? null,
    text: parsed.text,
    html: parsed.html,
    links: linksIn(parsed.text),
  };
  writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(message));
  return message;
}

/** Newest first; optionally only messages to one address. */
export function readMailbox(dir: string, to?: string): MailboxMessage[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  const all = files
    .sort()
    .reverse()
    .map((f) => {
      try {
        return JSON.parse(readFileSync(path.join(dir, f), "utf8")) as MailboxMessage;
      } catch {
        return null;
      }
    })
    .filter((m): m is MailboxMessage => m !== null);
  const who = to?.trim().toLowerCase();
  return who ? all.filter((m) => m.envelopeTo.includes(who)) : all;
}

export function clearMailbox(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
