import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { MAX_PHOTO_BYTES, providerProfileSchema } from "../members/provider-profile";
import { ACTION_BODY_LIMIT_BYTES, checkActionRequest } from "./action-request";

const action = (body: BodyInit | null, contentType: string | null, extra: Record<string, string> = {}) =>
  new Request("http://localhost/o/x/settings/users", {
    method: "POST",
    headers: { "next-action": "7f0123456789abcdef", ...(contentType ? { "content-type": contentType } : {}), ...extra },
    body,
  });

describe("server-action requests Next can't decode are a 400 in the API's error shape", () => {
  test.each([
    ["a JSON body", "application/json", '{"name":"x"}'],
    ["a urlencoded body", "application/x-www-form-urlencoded", "name=x"],
    ["no content type", null, new TextEncoder().encode('["x"]')],
    ["XML", "application/xml", "<x/>"],
  ] as const)("refuses %s (content type)", async (_label, type, body) => {
    const refusal = await checkActionRequest(action(body, type));
    expect(refusal).toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
  });

  test.each([
    ["not JSON", "this is not json"],
    ["empty", ""],
    ["truncated JSON", '[{"name":"x"'],
    ["JSON that is not an argument list", '"just a string"'],
    ["a JSON object", '{"name":"x"}'],
  ])("refuses a text/plain body that is %s", async (_label, body) => {
    const refusal = await checkActionRequest(action(body, "text/plain;charset=UTF-8"));
    expect(refusal).toEqual({ status: 400, body: { error: { code: "invalid", message: expect.stringMatching(/JSON|arguments/) } } });
  });

  test("refuses a body over the limit, by its declared length or its real one", async () => {
    const big = `["${"A".repeat(ACTION_BODY_LIMIT_BYTES)}"]`;
    expect(await checkActionRequest(action(big, "text/plain;charset=UTF-8"))).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/too large/) } } });
    expect(await checkActionRequest(action("[]", "multipart/form-data; boundary=x", { "content-length": String(ACTION_BODY_LIMIT_BYTES + 1) }))).toMatchObject({ status: 400 });
  });

  test.each([
    ["Next's own JSON argument list", "text/plain;charset=UTF-8", '[{"nodeId":"x","name":"Dr. Lee"}]'],
    ["a multipart body (files)", "multipart/form-data; boundary=----x", "------x--\r\n"],
  ])("lets %s through", async (_label, type, body) => {
    expect(await checkActionRequest(action(body, type))).toBeNull();
  });

  test("a 2 MB photo as base64 inside the arguments fits under the limit", async () => {
    const photo = Buffer.alloc(MAX_PHOTO_BYTES, 1).toString("base64");
    const body = JSON.stringify([{ nodeId: "6f1c0000-0000-4000-8000-000000000000", userId: "6f1c0000-0000-4000-8000-000000000001", credentials: "DDS", bio: "b".repeat(2000), photo }]);
    expect(await checkActionRequest(action(body, "text/plain;charset=UTF-8"))).toBeNull();
  });

  test("not a server action: ignored", async () => {
    expect(await checkActionRequest(new Request("http://localhost/api/profiles", { method: "POST", headers: { "content-type": "application/json" }, body: "nope" }))).toBeNull();
    expect(await checkActionRequest(new Request("http://localhost/", { method: "GET", headers: { "next-action": "x" } }))).toBeNull();
  });
});

describe("the server-action body limit", () => {
  test("next.config.mjs raises Next's 1 MB default to the proxy's limit (a 1.08 MB photo was refused with a 500)", async () => {
    const { default: nextConfig } = await import(path.resolve(import.meta.dirname, "../../next.config.mjs"));
    const limit: string | undefined = nextConfig.experimental?.serverActions?.bodySizeLimit;
    expect(limit).toBeDefined();
    // Next's own size parser (the one it applies to bodySizeLimit).
    // @ts-expect-error next/dist/compiled/bytes ships without type declarations
    const bytes = (await import("next/dist/compiled/bytes")).default as { parse(v: string): number };
    expect(bytes.parse(limit!)).toBe(ACTION_BODY_LIMIT_BYTES);
    expect(ACTION_BODY_LIMIT_BYTES).toBeGreaterThan(Math.ceil(MAX_PHOTO_BYTES / 3) * 4 + 16 * 1024);
    expect(readFileSync(path.resolve(import.meta.dirname, "../../next.config.mjs"), "utf8")).toContain("bodySizeLimit");
  });

  test("a photo over 2 MB is a 400 field message, not a 500", async () => {
    const { saveProviderProfile } = await import("../members/provider-profile");
    const { AppError } = await import("../api/errors");
    // Far over: the schema refuses the base64 text by its length.
    const parsed = providerProfileSchema.safeParse({ photo: Buffer.alloc(MAX_PHOTO_BYTES + 4096, 1).toString("base64") });
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ["photo"], message: "The photo must be 2 MB or smaller." })]);
    // Just over: the decoded bytes are checked before anything is written.
    const input = providerProfileSchema.parse({ photo: Buffer.alloc(MAX_PHOTO_BYTES + 1, 1).toString("base64") });
    const err = await saveProviderProfile({} as never, { userId: "u" }, "p", "u", input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "invalid", fields: { photo: ["The photo must be 2 MB or smaller."] } });
    // Exactly 2 MB passes the schema.
    expect(providerProfileSchema.safeParse({ photo: Buffer.alloc(MAX_PHOTO_BYTES, 1).toString("base64") }).success).toBe(true);
  });
});
