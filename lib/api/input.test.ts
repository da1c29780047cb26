import { describe, expect, test, vi } from "vitest";
import { z } from "zod";

// route()/action() must refuse unsafe text before anything else runs: no database, no session.
vi.mock("../db", () => ({ prisma: async () => { throw new Error("the database must not be reached"); } }));
vi.mock("../auth/session", () => ({ currentSession: async () => { throw new Error("the session must not be read"); } }));

const { findUnsafeText, UNSAFE_TEXT_MESSAGE } = await import("./input");
const { action, route } = await import("./handler");

describe("findUnsafeText: NUL bytes and lone surrogates, by dotted path", () => {
  test.each([
    ["plain text", { name: "Dr. Lee", bio: "Line 1\nLine 2\tTabbed", tags: ["a", "b"] }, null],
    ["emoji (a valid surrogate pair)", { name: "Rob 👍🏽" }, null],
    ["numbers, booleans, null", { page: 2, ok: true, none: null }, null],
    ["a NUL in a field", { name: "Rob\u0000" }, "name"],
    ["a NUL in the middle", { q: "a\u0000b" }, "q"],
    ["a lone high surrogate", { name: "Rob\ud83d" }, "name"],
    ["a lone low surrogate", { name: "\ude00Rob" }, "name"],
    ["reversed pair", { name: "\ude00\ud83d" }, "name"],
    ["nested in an array of objects", { assignments: [{ roleId: "ok" }, { roleId: "x\u0000" }] }, "assignments.1.roleId"],
    ["in an array of strings", { specialties: ["ok", "\ud800"] }, "specialties.1"],
    ["the first of two", { a: "\u0000", b: "\u0000" }, "a"],
    ["a bare string", "\u0000", "_"],
    ["in a key", { "na\u0000me": "x" }, "na?me"],
  ])("%s", (_label, raw, expected) => {
    expect(findUnsafeText(raw)).toBe(expected);
  });

  test("deeply nested JSON does not overflow the stack", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeText(deep)).toBe(Array(100_000).fill("0").join("."));
  });

  test("non-plain objects (files, dates) are not walked", () => {
    expect(findUnsafeText({ when: new Date(0), file: new Blob(["\u0000"]) })).toBeNull();
  });
});

describe("route() and action() answer 400 with the field before running anything", () => {
  const handler = vi.fn(async () => ({ ok: true }));
  const spec = { access: { public: true } as const, input: z.object({ name: z.string(), tags: z.array(z.string()).optional() }), handler };

  test("route(): a NUL byte in a JSON body", async () => {
    const res = await route(spec)(new Request("http://x/api/t", { method: "POST", body: JSON.stringify({ name: "Rob\u0000" }) }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "invalid", message: "Some fields need attention.", fields: { name: [UNSAFE_TEXT_MESSAGE] } } });
  });

  test("route(): a NUL byte in a search query string (?q=%00)", async () => {
    const res = await route(spec)(new Request("http://x/api/t?name=a%00b", { method: "GET" }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.fields).toEqual({ name: [UNSAFE_TEXT_MESSAGE] });
  });

  test("route(): a lone surrogate escaped in JSON", async () => {
    const lone = await route(spec)(new Request("http://x/api/t", { method: "POST", body: '{"name":"\\ud800","tags":["ok","\\u0000"]}' }));
    expect(lone.status).toBe(400);
    expect((await lone.json()).error.fields).toEqual({ name: [UNSAFE_TEXT_MESSAGE] });
  });

  test("action(): a NUL byte in a nested field", async () => {
    const result = await action(spec)({ name: "ok", tags: ["fine", "x\u0000"] });
    expect(result).toEqual({ ok: false, error: { code: "invalid", message: "Some fields need attention.", fields: { "tags.1": [UNSAFE_TEXT_MESSAGE] } } });
    expect(handler).not.toHaveBeenCalled();
  });
});
