/**
 * GET /api/dev/mailbox end to end through the wrapper, with the request's headers and session
 * replaced: the mailbox holds password-reset links, so anonymous callers, signed-in people who are
 * not platform staff, staff from another machine and wrong tokens get 404 (as if it didn't exist).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { PEER_HEADER } from "@/lib/auth/request-meta";
import { storeReceived } from "@/lib/email/mailbox";

const request = vi.hoisted(() => ({ headers: new Headers(), session: null as null | { user: { id: string; isPlatformStaff: boolean } } }));
vi.mock("next/headers", () => ({ headers: async () => request.headers }));
vi.mock("@/lib/auth/session", () => ({ currentSession: async () => request.session }));
// Public access never opens the database beyond the (empty) transaction.
vi.mock("@/lib/db", () => ({ prisma: async () => ({ $transaction: (fn: (tx: object) => unknown) => fn({}) }) }));

const { GET } = await import("./route");

const TOKEN = "e2e-token-0123456789abcdef0123456789";
let dir: string;
const env = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "mailbox-"));
  storeReceived(dir, "Subject: Reset your password\r\nTo: billing@northwind.test\r\n\r\nhttp://localhost:3000/reset-password/secret-link\r\n", ["billing@northwind.test"]);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  process.env = env;
});
beforeEach(() => {
  process.env.DEV_MAILBOX_DIR = dir;
  process.env.E2E_RESET_TOKEN = TOKEN;
  request.session = null;
});

async function get(opts: { peer?: string; token?: string; staff?: boolean; signedIn?: boolean }) {
  request.headers = new Headers();
  if (opts.peer) request.headers.set(PEER_HEADER, opts.peer);
  if (opts.token) request.headers.set("x-e2e-token", opts.token);
  request.session = opts.signedIn || opts.staff ? { user: { id: "u1", isPlatformStaff: opts.staff === true } } : null;
  const res = await GET(new Request("http://localhost:3000/api/dev/mailbox?to=billing%40northwind.test"));
  return { status: res.status, body: (await res.json()) as { messages?: { subject: string; links: string[] }[] } };
}

describe("GET /api/dev/mailbox", () => {
  test.each([
    ["anonymous, from loopback", { peer: "127.0.0.1" }],
    ["anonymous, from the network", { peer: "203.0.113.9" }],
    ["signed in, not platform staff, from loopback", { peer: "127.0.0.1", signedIn: true }],
    ["platform staff from another machine", { peer: "203.0.113.9", staff: true }],
    ["a wrong e2e token", { peer: "127.0.0.1", token: TOKEN.replace("e2e", "xyz") }],
  ])("%s → 404 with no message in the answer", async (_who, opts) => {
    const { status, body } = await get(opts);
    expect(status).toBe(404);
    expect(JSON.stringify(body)).not.toContain("reset-password");
    expect(body).toEqual({ error: { code: "not_found", message: "Not found." } });
  });

  test("a forwarded header doesn't make a remote caller local (TRUST_PROXY off)", async () => {
    request.headers = new Headers({ [PEER_HEADER]: "203.0.113.9", "x-forwarded-for": "127.0.0.1" });
    request.session = { user: { id: "u1", isPlatformStaff: true } };
    expect((await GET(new Request("http://localhost:3000/api/dev/mailbox"))).status).toBe(404);
  });

  test("platform staff signed in from loopback read the messages", async () => {
    const { status, body } = await get({ peer: "127.0.0.1", staff: true });
    expect(status).toBe(200);
    expect(body.messages?.[0]).toMatchObject({ subject: "Reset your password", links: ["http://localhost:3000/reset-password/secret-link"] });
  });

  test("the e2e run's token reads the messages", async () => {
    const { status, body } = await get({ peer: "127.0.0.1", token: TOKEN });
    expect(status).toBe(200);
    expect(body.messages).toHaveLength(1);
  });

  test("with the mailbox off, even staff and the token get 404", async () => {
    delete process.env.DEV_MAILBOX_DIR;
    expect((await get({ peer: "127.0.0.1", staff: true })).status).toBe(404);
    expect((await get({ peer: "127.0.0.1", token: TOKEN })).status).toBe(404);
  });
});
