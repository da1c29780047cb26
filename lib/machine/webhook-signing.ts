import { createHmac, timingSafeEqual } from "node:crypto";
import { randomToken } from "../security/crypto";

/**
 * Standard Webhooks signing (standardwebhooks.com): headers `webhook-id`, `webhook-timestamp`
 * (seconds) and `webhook-signature` = space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
 * one per live secret (the new and, during a rotation's overlap, the previous one).
 * Secrets are `whsec_<base64 of 32 random bytes>`.
 */
export const TOLERANCE_SECONDS = 5 * 60;

export function newWebhookSecret(): string {
  return `whsec_${Buffer.from(randomToken(32), "base64url").toString("base64")}`;
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac("sha256", keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

export function signatureHeaders(secrets: readonly string[], id: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": secrets.map((s) => sign(s, id, timestamp, body)).join(" ") };
}

/**
 * The receiver's check: true only for a well-formed, fresh, correctly signed message. Never throws,
 * whatever the headers hold.
 */
export function verifySignature(secret: string, headers: Record<string, unknown>, body: string, now = Date.now()): boolean {
  try {
    const id = headers["webhook-id"], ts = headers["webhook-timestamp"], sig = headers["webhook-signature"];
    if (typeof id !== "string" || typeof ts !== "string" || typeof sig !== "string" || typeof body !== "string") return false;
    if (!id || id.length > 200 || !/^\d{1,12}$/.test(ts) || sig.length > 4000) return false;
    const timestamp = Number(ts);
    if (Math.abs(now / 1000 - timestamp) > TOLERANCE_SECONDS) return false;
    const expected = Buffer.from(sign(secret, id, timestamp, body).slice(3), "base64");
    return sig.split(" ").some((part) => {
      const [version, value] = part.split(",", 2);
      if (version !== "v1" || !value) return false;
      const given = Buffer.from(value, "base64");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  } catch {
    return false;
  }
}
