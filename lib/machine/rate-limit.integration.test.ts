/**
 * Per-key rate limits (issue 13): two app instances (two limiters, two Redis connections) share
 * one count in Redis; through the wrapper the refusal is a 429 with RateLimit and Retry-After.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runAs, type Caller } from "../api/handler";
import { toErrorBody, errorHeaders } from "../api/errors";
import { createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import * as members from "../../app/api/profiles/[id]/members/route";
import * as keys from "../../app/api/profiles/[id]/api-keys/route";
import { KeyRateLimiter, rateLimitHeaders, setKeyRateLimiter } from "./rate-limit";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
type Spec = Parameters<typeof runAs>[0];

describe("per-key rate limits on one Redis", () => {
  const a = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const b = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const prefix = `test:rl:${Date.now()}:${Math.random().toString(36).slice(2)}`;
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });

  test("two instances count together: the limit holds across both", async () => {
    const one = new KeyRateLimiter(a, prefix);
    const two = new KeyRateLimiter(b, prefix);
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await (i % 2 ? two : one).consume("key-1", 6));
    expect(results.filter((r) => r.ok)).toHaveLength(6);
    expect(results.slice(6).every((r) => !r.ok && r.resetSeconds >= 1 && r.resetSeconds <= 60)).toBe(true);
    // Another key has its own window.
    expect((await two.consume("key-2", 6)).ok).toBe(true);
    const headers = rateLimitHeaders(results[9]);
    expect(headers).toMatchObject({ "RateLimit-Limit": "6", "RateLimit-Remaining": "0", "Retry-After": String(results[9].resetSeconds) });
    expect(headers.RateLimit).toMatch(/^limit=6, remaining=0, reset=\d+$/);
  });

  describe("through the wrapper", () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase({ name: "pglite" });
      useDatabase(db);
      await seedDemoData(db.prisma);
    });
    afterAll(async () => {
      setKeyRateLimiter(undefined);
      await db?.destroy();
    });

    test("the key's own limit, else the tenant default; 429 with headers, and the other instance agrees", async () => {
      const northwind = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Northwind Dental Group" } })).id;
      const owner = await callerFor(db, "owner@northwind.test");
      const created = (await runAs(keys.POST.spec as Spec, { id: northwind, name: "Limited", permissions: ["members.read"], rateLimitPerMinute: 3 }, owner)) as { secret: string; id: string };
      const call = async (limiter: KeyRateLimiter) => {
        setKeyRateLimiter(limiter);
        const caller: Caller = { session: null, ip: "203.0.113.5", bearer: created.secret, responseHeaders: {} };
        try {
          await runAs(members.GET.spec as Spec, { id: northwind }, caller);
          return { status: 200, headers: caller.responseHeaders! };
        } catch (err) {
          return { status: toErrorBody(err).status, headers: { ...caller.responseHeaders!, ...errorHeaders(err) } };
        }
      };
      const one = new KeyRateLimiter(a, `${prefix}:w`);
      const two = new KeyRateLimiter(b, `${prefix}:w`);
      const answers = [await call(one), await call(two), await call(one), await call(two)];
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(answers[0].headers["RateLimit-Remaining"]).toBe("2");
      expect(answers[3].headers["Retry-After"]).toMatch(/^\d+$/);
      expect(answers[3].headers["RateLimit-Limit"]).toBe("3");
      // The refused request is counted as an error in the key's usage.
      const usage = await db.prisma.apiKeyUsage.findFirstOrThrow({ where: { keyId: created.id } });
      expect(usage).toMatchObject({ requests: 4, errors: 1 });

      // No override: the tenant's default applies.
      await db.prisma.apiSettings.create({ data: { tenantId: northwind, rateLimitPerMinute: 2 } });
      await db.prisma.apiKey.update({ where: { id: created.id }, data: { rateLimitPerMinute: null } });
      const three = new KeyRateLimiter(a, `${prefix}:d`);
      expect([(await call(three)).status, (await call(three)).status, (await call(three)).status]).toEqual([200, 200, 429]);
    });
  });
});
