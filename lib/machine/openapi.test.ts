/**
 * The OpenAPI 3.1 document covers every public API route (issue 13): each exported method of each
 * app/api route file is in it, except the browser flows listed here with their reason.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { openApiDocument } from "../profiles/openapi";

const NOT_PUBLIC: [RegExp, string][] = [
  [/^\/api\/auth\//, "next-auth's own endpoints"],
  [/^\/api\/dev\//, "development only"],
  [/^\/api\/sso\//, "browser redirects of single sign-on"],
  [/^\/api\/public\//, "the sign-in, invitation and reset pages' own steps"],
  [/^\/api\/account\//, "a person's own account (password, sessions, 2FA): not open to API keys"],
  [/^\/api\/health(\/live)?$/, "the load balancer's probe"],
  [/^\/api\/openapi\.json$/, "this document"],
];

function routes(dir: string, prefix = "/api"): { path: string; methods: string[] }[] {
  const out: { path: string; methods: string[] }[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...routes(full, `${prefix}/${name.replace(/^\[(\w+)\]$/, "{$1}")}`));
    else if (name === "route.ts") out.push({ path: prefix, methods: [...readFileSync(full, "utf8").matchAll(/^export const (GET|POST|PUT|PATCH|DELETE)\b/gm)].map((m) => m[1].toLowerCase()) });
  }
  return out;
}

describe("OpenAPI document", () => {
  const doc = openApiDocument() as unknown as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>>; components: { securitySchemes: Record<string, { type: string; scheme?: string }> } };

  test("is 3.1 with a bearer scheme beside the session", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/api/profiles/{id}/members"].get.security).toEqual([{ session: [] }, { bearer: [] }]);
  });

  test("every public route and method is documented", () => {
    const missing: string[] = [];
    for (const r of routes("app/api")) {
      if (NOT_PUBLIC.some(([re]) => re.test(r.path))) continue;
      for (const m of r.methods) if (!doc.paths[r.path]?.[m]) missing.push(`${m.toUpperCase()} ${r.path}`);
    }
    expect(missing).toEqual([]);
    expect(doc.paths["/api/profiles/{id}/members/{userId}"].get).toBeDefined();
  });
});
