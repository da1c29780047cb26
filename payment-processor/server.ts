import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * The local test payment processor (issue 10, billing settings): a stand-in for a card processor,
 * run as its own process (payment-processor/main.ts). The browser posts a card to it and gets a
 * token back; CareAccess's server then reads the token's brand, last 4 and expiry with the secret
 * key (lib/billing/processor.ts). Card numbers live only in this process's memory, never in
 * CareAccess. API: payment-processor/README.md.
 */

/** Test cards: every number that passes Luhn is accepted, except the decline numbers below. */
export const TEST_CARDS = {
  visa: "4242424242424242",
  mastercard: "5555555555554444",
  amex: "378282246310005",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
} as const;
const DECLINES: Record<string, { code: string; message: string }> = {
  [TEST_CARDS.declined]: { code: "card_declined", message: "Your card was declined." },
  [TEST_CARDS.insufficientFunds]: { code: "insufficient_funds", message: "Your card has insufficient funds." },
};

export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function cardBrand(digits: string): string {
  if (/^4/.test(digits)) return "visa";
  if (/^(5[1-5]|2[2-7])/.test(digits)) return "mastercard";
  if (/^3[47]/.test(digits)) return "amex";
  if (/^6(011|5)/.test(digits)) return "discover";
  return "unknown";
}

export interface CardToken {
  token: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  createdAt: string;
}

type Fields = Record<string, string[]>;
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Fields,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 10_000) throw new HttpError(413, "too_large", "Body too large.");
    chunks.push(c as Buffer);
  }
  try {
    const v = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw new HttpError(400, "invalid_request", "Send the card as a JSON object.");
}

/** Checks a card the way a processor would: the number (Luhn), expiry in the future, a 3–4 digit CVC. */
export function checkCard(raw: Record<string, unknown>, now = new Date()): { number: string; expMonth: number; expYear: number } {
  const fields: Fields = {};
  const number = String(raw.number ?? "").replace(/[\s-]/g, "");
  const expMonth = Number(raw.expMonth);
  let expYear = Number(raw.expYear);
  if (expYear < 100) expYear += 2000;
  const cvc = String(raw.cvc ?? "");
  if (!/^\d{12,19}$/.test(number)) fields.number = ["Enter the card number (12 to 19 digits)."];
  else if (!luhnValid(number)) fields.number = ["That card number isn't valid: check the digits."];
  if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) fields.expMonth = ["Enter the expiry month (1–12)."];
  if (!Number.isInteger(expYear) || expYear < 2000 || expYear > 2100) fields.expYear = ["Enter the expiry year, like 2030."];
  else if (!fields.expMonth && (expYear < now.getUTCFullYear() || (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1))) fields.expYear = ["This card has expired."];
  if (!/^\d{3,4}$/.test(cvc)) fields.cvc = ["Enter the 3 or 4 digit security code."];
  if (Object.keys(fields).length) throw new HttpError(400, "invalid_card", "Check the card details.", fields);
  return { number, expMonth, expYear };
}

export interface ProcessorOptions {
  port?: number;
  host?: string;
  /** The server-side key CareAccess reads tokens with (Authorization: Bearer). */
  secretKey: string;
  /** The browser-side key that may create tokens (sent as `publishableKey`). */
  publishableKey: string;
}

export interface RunningProcessor {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function startProcessor(opts: ProcessorOptions): Promise<RunningProcessor> {
  const tokens = new Map<string, CardToken>();

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {
      "content-type": "application/json",
      // Browsers post cards here from the app's pages: any origin may create a token (the publishable key is public).
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "content-type, authorization",
      "cache-control": "no-store",
    });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "OPTIONS") return send(res, 204, {});
    if (req.method === "GET" && url.pathname === "/health") return send(res, 200, { ok: true });
    if (req.method === "POST" && url.pathname === "/v1/tokens") {
      const raw = await readJson(req);
      if (typeof raw.publishableKey !== "string" || !sameSecret(raw.publishableKey, opts.publishableKey)) throw new HttpError(401, "invalid_key", "Unknown publishable key.");
      const card = checkCard(raw);
      const decline = DECLINES[card.number];
      if (decline) throw new HttpError(402, decline.code, decline.message, { number: [decline.message] });
      const token: CardToken = { token: `tok_${randomBytes(12).toString("hex")}`, brand: cardBrand(card.number), last4: card.number.slice(-4), expMonth: card.expMonth, expYear: card.expYear, createdAt: new Date().toISOString() };
      tokens.set(token.token, token);
      return send(res, 201, token);
    }
    const m = url.pathname.match(/^\/v1\/tokens\/(tok_[0-9a-f]{24})$/);
    if (req.method === "GET" && m) {
      const auth = req.headers.authorization ?? "";
      if (!sameSecret(auth, `Bearer ${opts.secretKey}`)) throw new HttpError(401, "invalid_key", "Send the secret key.");
      const token = tokens.get(m[1]);
      if (!token) throw new HttpError(404, "no_such_token", "No such token.");
      return send(res, 200, token);
    }
    throw new HttpError(404, "not_found", "Not found.");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return send(res, err.status, { error: { code: err.code, message: err.message, fields: err.fields } });
      // Never echo the request (it may hold a card number).
      send(res, 500, { error: { code: "internal", message: "Something went wrong." } });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${address.port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
