import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { GENESIS, canonical, hashEvent } from "./audit";

/** The generic form hashEvent() replaced: build the object, canonical() sorts its keys. Rows in every database were hashed this way. */
function reference(prevHash: string, e: Parameters<typeof hashEvent>[1]): string {
  const { tenantId, actorId, action, targetType, targetId, details, ip, createdAt } = e;
  const fields: Record<string, unknown> = { tenantId, actorId, action, targetType, targetId, details, ip, createdAt: createdAt.toISOString() };
  for (const k of ["nodeId", "userAgent", "sessionId", "via", "credentialId", "onBehalfOf"] as const) if (e[k] != null) fields[k] = e[k];
  return createHash("sha256").update(prevHash).update("\n").update(canonical(fields)).digest("hex");
}

describe("hashEvent", () => {
  test("gives the same hash as the generic canonical form, for any row (with or without provenance)", () => {
    const text = fc.option(fc.string({ unit: "binary" }), { nil: null });
    const maybe = fc.option(fc.string({ unit: "binary" }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({
          tenantId: text, actorId: text, action: fc.string({ unit: "binary" }), targetType: text, targetId: text, details: fc.jsonValue(), ip: text,
          createdAt: fc.date({ min: new Date("1970-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }),
          nodeId: fc.oneof(text, maybe), userAgent: fc.oneof(text, maybe), sessionId: fc.oneof(text, maybe), via: fc.oneof(text, maybe), credentialId: fc.oneof(text, maybe), onBehalfOf: fc.oneof(text, maybe),
        }),
        fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }),
        (e, prev) => {
          expect(hashEvent(prev, e)).toBe(reference(prev, e));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("a known row keeps its known hash", () => {
    const e = { tenantId: "00000000-0000-4000-8000-000000000001", actorId: null, action: "member.invited", targetType: "user", targetId: "x", details: { b: 1, a: [1, { z: 1, y: 2 }] }, ip: "10.0.0.1", createdAt: new Date("2026-01-01T00:00:00.000Z"), userAgent: "UA" };
    expect(hashEvent(GENESIS, e)).toBe(reference(GENESIS, e));
    expect(hashEvent(GENESIS, { ...e, userAgent: "UB" })).not.toBe(hashEvent(GENESIS, e));
  });
});
