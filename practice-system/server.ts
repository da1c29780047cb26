import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { openStore, type Store } from "./store";

/**
 * The practice system (issue 14): a stand-in for the legacy practice product, run as its own
 * process with its own database and REST API. CareAccess reaches it only over HTTP
 * (lib/practice/connector.ts). API: practice-system/README.md.
 */

/** The old model's permission flags, per person per practice. */
export const LEGACY_FLAGS = {
  can_view_patients: "See patient records",
  can_edit_patients: "Create and edit patient records",
  can_view_schedule: "See the schedule",
  can_edit_schedule: "Book, move and cancel appointments",
  can_process_payments: "Take payments and post charges",
  can_issue_refunds: "Refund payments",
  can_view_reports: "See billing reports",
  can_manage_inventory: "Manage products and stock",
  can_manage_users: "Add and remove staff",
  is_practice_admin: "Practice administrator: every permission",
} as const;
export type LegacyFlag = keyof typeof LEGACY_FLAGS;
export const LEGACY_FLAG_KEYS = Object.keys(LEGACY_FLAGS) as LegacyFlag[];

/** The old system's own answer: the flag itself, or practice admin (which implies every known flag). */
export function legacyAllows(flags: readonly string[], flag: string): boolean {
  return flags.includes(flag) || (flags.includes("is_practice_admin") && Object.hasOwn(LEGACY_FLAGS, flag));
}

const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "Use letters, digits and _.:- (at most 100).");
// Legacy data is messy: emails and flags are stored as given (CareAccess's preflight judges them).
const userBody = z.object({ email: z.string().max(320), name: z.string().min(1).max(200), flags: z.array(z.string().min(1).max(100)).max(50), origin: z.string().max(50).optional() }).strict();
const practiceBody = z.object({ name: z.string().min(1).max(200) }).strict();

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 5_000_000) throw new HttpError(413, "Body too large.");
    chunks.push(c as Buffer);
  }
  if (!chunks.length) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "Body is not JSON.");
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fields: Record<string, string[]> = {};
  for (const issue of r.error.issues) (fields[issue.path.join(".") || "_"] ??= []).push(issue.message);
  throw new HttpError(400, "Invalid input.", fields);
}

type Row = { practice_id: string; user_id: string; email: string; name: string; flags: string[]; version: number };
const userOut = (r: Row) => ({ practiceId: r.practice_id, userId: r.user_id, email: r.email, name: r.name, flags: r.flags, version: r.version });

async function upsertMember(q: Store["query"], practiceId: string, userId: string, input: z.output<typeof userBody>) {
  const practice = await q("SELECT id FROM practices WHERE id = $1", [practiceId]);
  if (!practice.length) throw new HttpError(404, "Unknown practice.");
  const before = await q<Row>("SELECT m.practice_id, m.user_id, u.email, u.name, m.flags, m.version FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.practice_id = $1 AND m.user_id = $2", [practiceId, userId]);
  const flags = [...new Set(input.flags)].sort();
  const same = before[0] && before[0].email === input.email && before[0].name === input.name && [...before[0].flags].sort().join() === flags.join();
  if (same) return { user: userOut(before[0]), changed: false };
  await q("INSERT INTO users (id, email, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name", [userId, input.email, input.name]);
  const [row] = await q<{ version: number }>(
    `INSERT INTO memberships (practice_id, user_id, flags) VALUES ($1, $2, $3)
     ON CONFLICT (practice_id, user_id) DO UPDATE SET flags = EXCLUDED.flags, version = memberships.version + 1, updated_at = now() RETURNING version`,
    [practiceId, userId, flags],
  );
  const user = { practiceId, userId, email: input.email, name: input.name, flags, version: row.version };
  await q("INSERT INTO changes (practice_id, user_id, op, data, origin) VALUES ($1, $2, 'upsert', $3, $4)", [practiceId, userId, JSON.stringify(user), input.origin ?? null]);
  return { user, changed: true };
}

export interface PracticeSystem {
  url: string;
  port: number;
  server: Server;
  store: Store;
  close(): Promise<void>;
}

export async function startPracticeSystem(opts: { port?: number; host?: string; dataDir?: string; databaseUrl?: string; schema?: string; token?: string } = {}): Promise<PracticeSystem> {
  const store = await openStore(opts);
  const token = opts.token;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(data));
    };
    try {
      if (url.pathname === "/health") return send(200, { ok: true });
      if (token && req.headers.authorization !== `Bearer ${token}`) throw new HttpError(401, "Send Authorization: Bearer <token>.");
      const m = req.method ?? "GET";
      if (parts[0] !== "api") throw new HttpError(404, "Not found.");
      const [, a, b, c, d, e, f] = parts;
      // Idempotent writes: a repeated Idempotency-Key gets the first answer back, nothing applied twice.
      const key = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"].slice(0, 200) : null;
      const write = async (fn: (q: Store["query"]) => Promise<unknown>) => {
        const out = await store.transaction(async (q) => {
          if (key) {
            const seen = await q<{ response: unknown }>("SELECT response FROM idempotency_keys WHERE key = $1", [key]);
            if (seen.length) return seen[0].response;
          }
          const response = await fn(q);
          if (key) await q("INSERT INTO idempotency_keys (key, response) VALUES ($1, $2)", [key, JSON.stringify(response)]);
          return response;
        });
        return send(200, out);
      };
      if (a === "flags" && !b && m === "GET") return send(200, { flags: LEGACY_FLAGS });
      if (a === "changes" && !b && m === "GET") {
        const after = Number(url.searchParams.get("after") ?? 0);
        const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 100), 1), 1000);
        if (!Number.isSafeInteger(after) || after < 0) throw new HttpError(400, "Invalid input.", { after: ["A sequence number."] });
        const rows = await store.query<{ seq: string; practice_id: string; user_id: string; op: string; data: unknown; origin: string | null; at: Date }>(
          "SELECT seq, practice_id, user_id, op, data, origin, at FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
          [after, limit],
        );
        const changes = rows.map((r) => ({ seq: Number(r.seq), practiceId: r.practice_id, userId: r.user_id, op: r.op, data: r.data, origin: r.origin, at: new Date(r.at).toISOString() }));
        const [{ head }] = await store.query<{ head: string | null }>("SELECT max(seq) AS head FROM changes");
        return send(200, { changes, cursor: changes.length ? changes[changes.length - 1].seq : after, head: Number(head ?? 0) });
      }
      if (a === "practices") {
        if (!b && m === "GET") {
          const rows = await store.query<{ id: string; name: string; users: string }>("SELECT p.id, p.name, count(m.user_id) AS users FROM practices p LEFT JOIN memberships m ON m.practice_id = p.id GROUP BY p.id ORDER BY p.id");
          return send(200, { practices: rows.map((r) => ({ id: r.id, name: r.name, users: Number(r.users) })) });
        }
        const practiceId = parse(id, b);
        if (!c && m === "PUT") {
          const input = parse(practiceBody, await body(req));
          return write(async (q) => {
            await q("INSERT INTO practices (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name", [practiceId, input.name]);
            return { practice: { id: practiceId, name: input.name } };
          });
        }
        if (c === "users" && !d && m === "GET") {
          const p = await store.query("SELECT id FROM practices WHERE id = $1", [practiceId]);
          if (!p.length) throw new HttpError(404, "Unknown practice.");
          const rows = await store.query<Row>("SELECT m.practice_id, m.user_id, u.email, u.name, m.flags, m.version FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.practice_id = $1 ORDER BY m.user_id", [practiceId]);
          return send(200, { users: rows.map(userOut) });
        }
        if (c === "users" && !d && m === "POST") {
          // Bulk load (seeding a practice): [{ userId, email, name, flags }].
          const list = parse(z.array(userBody.extend({ userId: id })).max(5000), await body(req));
          return write(async (q) => {
            let changed = 0;
            for (const u of list) if ((await upsertMember(q, practiceId, u.userId, u)).changed) changed++;
            return { count: list.length, changed };
          });
        }
        if (c === "users" && d) {
          const userId = parse(id, d);
          if (!e && m === "GET") {
            // One person, with the feed's last change to them (EM Sync's conflict rule compares its time).
            const p = await store.query("SELECT id FROM practices WHERE id = $1", [practiceId]);
            if (!p.length) throw new HttpError(404, "Unknown practice.");
            const rows = await store.query<Row>("SELECT m.practice_id, m.user_id, u.email, u.name, m.flags, m.version FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.practice_id = $1 AND m.user_id = $2", [practiceId, userId]);
            const last = await store.query<{ seq: string; op: string; origin: string | null; at: Date }>("SELECT seq, op, origin, at FROM changes WHERE practice_id = $1 AND user_id = $2 ORDER BY seq DESC LIMIT 1", [practiceId, userId]);
            const lastChange = last[0] ? { seq: Number(last[0].seq), op: last[0].op, origin: last[0].origin, at: new Date(last[0].at).toISOString() } : null;
            return send(200, { user: rows[0] ? userOut(rows[0]) : null, lastChange });
          }
          if (!e && m === "PUT") {
            const input = parse(userBody, await body(req));
            return write((q) => upsertMember(q, practiceId, userId, input));
          }
          if (!e && m === "DELETE") {
            return write(async (q) => {
              const gone = await q("DELETE FROM memberships WHERE practice_id = $1 AND user_id = $2 RETURNING user_id", [practiceId, userId]);
              if (gone.length) await q("INSERT INTO changes (practice_id, user_id, op, data, origin) VALUES ($1, $2, 'remove', '{}', $3)", [practiceId, userId, url.searchParams.get("origin")]);
              return { removed: gone.length > 0 };
            });
          }
          if (e === "can" && f && m === "GET") {
            const rows = await store.query<{ flags: string[] }>("SELECT flags FROM memberships WHERE practice_id = $1 AND user_id = $2", [practiceId, userId]);
            if (!rows.length) throw new HttpError(404, "Not a member of that practice.");
            return send(200, { allowed: legacyAllows(rows[0].flags, f) });
          }
        }
      }
      throw new HttpError(404, "Not found.");
    } catch (err) {
      if (err instanceof HttpError) return send(err.status, { error: err.message, ...(err.fields ? { fields: err.fields } : {}) });
      console.error("practice-system:", err);
      return send(500, { error: "Internal error." });
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    store,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await store.close();
    },
  };
}
