/**
 * The REST API's input edge, through the real route handlers on a real database (PGlite, and
 * PostgreSQL when TEST_DATABASE_URL is set): every body is strict (an unknown field is a 400 naming
 * it, and nothing changes), and broken input is a 4xx, never a 500.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { SignedIn } from "@/lib/auth/session";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "@/lib/db/testing";
import { seedDemoData } from "@/prisma/seed";

const state: { db?: TestDatabase; session: SignedIn | null } = { session: null };
vi.mock("@/lib/db", () => ({ prisma: async () => state.db!.prisma, database: async () => state.db! }));
vi.mock("@/lib/auth/session", () => ({ currentSession: async () => state.session }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));

const UNKNOWN = ["Unknown field: remove it."];
type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;
const call = async (handler: Handler, method: string, path: string, body?: unknown, params: Record<string, string> = {}) => {
  const res = await handler(new Request(`http://localhost${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }), { params: Promise.resolve(params) });
  return { status: res.status, body: await res.json() };
};

describe.each(TEST_DATABASES)("REST input edge ($name)", (kind) => {
  let seattle: string;
  let lee: string;

  beforeAll(async () => {
    state.db = await createTestDatabase(kind);
    await seedDemoData(state.db.prisma);
    const owner = await state.db.prisma.user.findUniqueOrThrow({ where: { email: "owner@northwind.test" } });
    const session = await state.db.prisma.session.create({ data: { id: "vitest-session-owner-0000", userId: owner.id, expiresAt: new Date(Date.now() + 3_600_000), reauthAt: new Date() } });
    state.session = { ok: true, session: { id: session.id, userId: owner.id, createdAt: session.createdAt, reauthAt: session.reauthAt }, user: { id: owner.id, email: owner.email, name: owner.name, isPlatformStaff: false, mustChangePassword: false } };
    seattle = (await state.db.prisma.orgNode.findFirstOrThrow({ where: { name: "Seattle Practice" } })).id;
    lee = (await state.db.prisma.user.findUniqueOrThrow({ where: { email: "dr.lee@northwind.test" } })).id;
  });
  afterAll(async () => state.db?.destroy());

  test("PUT /api/profiles/:id refuses an unknown field, names it, and renames nothing", async () => {
    const { PUT } = await import("@/app/api/profiles/[id]/route");
    const refused = await call(PUT, "PUT", `/api/profiles/${seattle}`, { name: "Hacked Practice", ownerId: "me" }, { id: seattle });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual({ ownerId: UNKNOWN });
    expect((await state.db!.prisma.orgNode.findUniqueOrThrow({ where: { id: seattle } })).name).toBe("Seattle Practice");
    const ok = await call(PUT, "PUT", `/api/profiles/${seattle}`, { name: "Seattle Practice" }, { id: seattle });
    expect(ok.status).toBe(200);
    const empty = await call(PUT, "PUT", `/api/profiles/${seattle}`, {}, { id: seattle });
    expect(empty.status).toBe(400);
  });

  test.each([
    ["POST /api/profiles", "@/app/api/profiles/route", "POST", () => ({ path: "/api/profiles", params: {} })],
    ["DELETE /api/profiles/:id", "@/app/api/profiles/[id]/route", "DELETE", () => ({ path: `/api/profiles/${seattle}`, params: { id: seattle } })],
    ["POST /api/profiles/:id/members", "@/app/api/profiles/[id]/members/route", "POST", () => ({ path: `/api/profiles/${seattle}/members`, params: { id: seattle } })],
    ["PUT /api/profiles/:id/members/:userId", "@/app/api/profiles/[id]/members/[userId]/route", "PUT", () => ({ path: "/m", params: { id: seattle, userId: lee } })],
    ["DELETE /api/profiles/:id/members/:userId", "@/app/api/profiles/[id]/members/[userId]/route", "DELETE", () => ({ path: "/m", params: { id: seattle, userId: lee } })],
    ["PUT /api/profiles/:id/permissions", "@/app/api/profiles/[id]/permissions/route", "PUT", () => ({ path: "/p", params: { id: seattle } })],
    ["PUT /api/settings/security", "@/app/api/settings/security/route", "PUT", () => ({ path: "/s", params: {} })],
    ["POST /api/account/password", "@/app/api/account/password/route", "POST", () => ({ path: "/a", params: {} })],
    ["POST /api/account/reauth", "@/app/api/account/reauth/route", "POST", () => ({ path: "/a", params: {} })],
    ["POST /api/account/two-factor", "@/app/api/account/two-factor/route", "POST", () => ({ path: "/a", params: {} })],
    ["DELETE /api/account/two-factor", "@/app/api/account/two-factor/route", "DELETE", () => ({ path: "/a", params: {} })],
    ["POST /api/account/two-factor/confirm", "@/app/api/account/two-factor/confirm/route", "POST", () => ({ path: "/a", params: {} })],
    ["DELETE /api/account/sessions", "@/app/api/account/sessions/route", "DELETE", () => ({ path: "/a", params: {} })],
    ["DELETE /api/account/sessions/:id", "@/app/api/account/sessions/[id]/route", "DELETE", () => ({ path: "/a", params: { id: "abcdefghijkl" } })],
    ["POST /api/public/invitations/accept", "@/app/api/public/invitations/accept/route", "POST", () => ({ path: "/x", params: {} })],
    ["POST /api/public/password-reset", "@/app/api/public/password-reset/route", "POST", () => ({ path: "/x", params: {} })],
    ["POST /api/public/password-reset/complete", "@/app/api/public/password-reset/complete/route", "POST", () => ({ path: "/x", params: {} })],
    ["POST /api/public/sign-in/email-code", "@/app/api/public/sign-in/email-code/route", "POST", () => ({ path: "/x", params: {} })],
    ["POST /api/public/sign-in/enrol", "@/app/api/public/sign-in/enrol/route", "POST", () => ({ path: "/x", params: {} })],
    ["POST /api/public/sign-in/enrol/confirm", "@/app/api/public/sign-in/enrol/confirm/route", "POST", () => ({ path: "/x", params: {} })],
  ] as const)("%s: an unknown body field is a 400 naming it", async (_label, modulePath, method, target) => {
    const mod = (await import(/* @vite-ignore */ modulePath)) as Record<string, Handler>;
    const { path, params } = target();
    const res = await call(mod[method], method, path, { sneaky: true }, params);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid");
    expect(res.body.error.fields.sneaky).toEqual(UNKNOWN);
  });

  test("broken input is a 4xx, never a 500: a malformed uuid in the path, NUL bytes in a body or a search", async () => {
    const member = await import("@/app/api/profiles/[id]/members/[userId]/route");
    const members = await import("@/app/api/profiles/[id]/members/route");
    const profiles = await import("@/app/api/profiles/route");
    const badId = await call(member.GET, "GET", "/m", undefined, { id: seattle, userId: "not-a-uuid" });
    expect(badId.status).toBe(404);
    const badPut = await call(member.PUT, "PUT", "/m", { assignments: [{ nodeId: seattle, roleId: "manager" }] }, { id: seattle, userId: "1234" });
    expect(badPut.status, JSON.stringify(badPut.body)).toBeLessThan(500);
    const nul = await call(profiles.POST, "POST", "/api/profiles", { kind: "CARE_PROFILE", name: "Rob\u0000's Care" });
    expect(nul).toEqual({ status: 400, body: { error: { code: "invalid", message: "Some fields need attention.", fields: { name: ["Remove the invisible control characters from this field."] } } } });
    const search = await call(members.GET, "GET", `/api/profiles/${seattle}/members?q=a%00b`, undefined, { id: seattle });
    expect(search.status).toBe(400);
    expect(search.body.error.fields).toEqual({ q: ["Remove the invisible control characters from this field."] });
    const surrogate = await call(members.GET, "GET", `/api/profiles/${seattle}/members?q=%F0%9F%91%8D`, undefined, { id: seattle });
    expect(surrogate.status).toBe(200);
  });
});
