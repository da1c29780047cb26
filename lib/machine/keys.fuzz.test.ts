/**
 * Fuzz (fast-check): the key parser and the key check never throw anything but a 401 on any
 * Authorization header, and IP ranges never crash on any address.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { AppError } from "../api/errors";
import { authenticateApiKey, ipAllowed, ipRangeSchema, isApiKey, parseBearer } from "./keys";

const header = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string().map((s) => `Bearer ${s}`),
  fc.string().map((s) => `bearer\t${s} `),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/).map((s) => `Bearer cak_${s}`),
  fc.constantFrom("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer cak_\u0000", "Bearer  cak_" + "a".repeat(43), "B".repeat(10_000)),
  fc.anything(),
);

describe("API key parsing never fails open or crashes", () => {
  test("parseBearer and isApiKey accept any value without throwing", () => {
    fc.assert(
      fc.property(header, (h) => {
        const token = parseBearer(h);
        expect(token === null || (typeof token === "string" && token.length > 0 && !/\s/.test(token))).toBe(true);
        expect(typeof isApiKey(token)).toBe("boolean");
      }),
      { numRuns: 2_000 },
    );
  });

  test("authenticateApiKey answers 401 for every malformed bearer (never touching the database)", async () => {
    const db = new Proxy({}, { get: () => { throw new Error("database touched"); } }) as never;
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        const token = parseBearer(h);
        fc.pre(!isApiKey(token));
        const err = await authenticateApiKey(db, token, "203.0.113.1").catch((e) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe("unauthenticated");
      }),
      { numRuns: 1_000 },
    );
  });

  test("IP ranges: any text is either a normalised range or a field error; any address is allowed or not", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 70 }), fc.ipV4().map((ip) => `${ip}/${ip.length % 33}`), fc.ipV6()), fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()), (range, ip) => {
        const parsed = ipRangeSchema.safeParse(range);
        if (parsed.success) expect(typeof ipAllowed(ip, [parsed.data])).toBe("boolean");
        else expect(parsed.error.issues[0].message.length).toBeGreaterThan(0);
        expect(typeof ipAllowed(ip, [range])).toBe("boolean");
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("webhook signature verification never throws", () => {
  test("any headers and body: false unless correctly signed", async () => {
    const { sign, verifySignature, newWebhookSecret } = await import("./webhook-signing");
    const secret = newWebhookSecret();
    const now = Date.now();
    const ts = String(Math.floor(now / 1000));
    fc.assert(
      fc.property(fc.record({ "webhook-id": fc.oneof(fc.string(), fc.anything()), "webhook-timestamp": fc.oneof(fc.constant(ts), fc.string(), fc.anything()), "webhook-signature": fc.oneof(fc.string(), fc.string().map((s) => `v1,${s}`), fc.anything()) }, { requiredKeys: [] }), fc.oneof(fc.string(), fc.anything()), (headers, body) => {
        expect(verifySignature(secret, headers as Record<string, unknown>, body as string, now)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), fc.string(), (id, body) => {
        const headers = { "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sign(secret, id, Number(ts), body) };
        expect(verifySignature(secret, headers, body, now)).toBe(true);
        expect(verifySignature(secret, headers, body + "x", now)).toBe(false);
        expect(verifySignature(secret, headers, body, now + 10 * 60_000)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
