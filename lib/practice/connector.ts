/**
 * CareAccess's connector to the practice system (issue 14): HTTP only, never its database.
 * Timeouts and refused connections surface as PracticeSystemUnavailable, so callers (migration,
 * EM Sync) can retry without losing or doubling a change (writes carry an Idempotency-Key).
 */

export interface LegacyUser {
  practiceId: string;
  userId: string;
  email: string;
  name: string;
  flags: string[];
  version: number;
}

export interface LegacyChange {
  seq: number;
  practiceId: string;
  userId: string;
  op: "upsert" | "remove";
  data: Partial<LegacyUser>;
  origin: string | null;
  at: string;
}

export class PracticeSystemUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PracticeSystemUnavailable";
  }
}

export class PracticeSystemError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "PracticeSystemError";
  }
}

export class PracticeSystemClient {
  constructor(
    readonly baseUrl: string,
    private readonly opts: { token?: string; timeoutMs?: number } = {},
  ) {}

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res: Response | null = null;
    // A reads (and a keyed write) are safe to repeat: one retry covers a kept-alive socket the peer just closed.
    const attempts = method === "GET" || headers["idempotency-key"] ? 2 : 1;
    for (let i = 0; !res; i++) {
      try {
        res = await fetch(new URL(path, this.baseUrl), {
          method,
          headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}), ...headers },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        if (i + 1 >= attempts) throw new PracticeSystemUnavailable(`The practice system at ${this.baseUrl} did not answer (${(err as Error).message}).`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const data = (await res.json().catch(() => ({}))) as { error?: string; fields?: Record<string, string[]> };
    if (res.status >= 500) throw new PracticeSystemUnavailable(`The practice system answered ${res.status}.`);
    if (!res.ok) throw new PracticeSystemError(res.status, data.error ?? `HTTP ${res.status}`, data.fields);
    return data as T;
  }

  health = () => this.request<{ ok: boolean }>("GET", "/health");
  flags = async () => (await this.request<{ flags: Record<string, string> }>("GET", "/api/flags")).flags;
  practices = async () => (await this.request<{ practices: { id: string; name: string; users: number }[] }>("GET", "/api/practices")).practices;
  putPractice = (id: string, name: string) => this.request("PUT", `/api/practices/${encodeURIComponent(id)}`, { name });
  users = async (practiceId: string) => (await this.request<{ users: LegacyUser[] }>("GET", `/api/practices/${encodeURIComponent(practiceId)}/users`)).users;
  bulkLoad = (practiceId: string, users: { userId: string; email: string; name: string; flags: string[] }[]) =>
    this.request<{ count: number; changed: number }>("POST", `/api/practices/${encodeURIComponent(practiceId)}/users`, users);
  putUser = async (practiceId: string, userId: string, user: { email: string; name: string; flags: string[]; origin?: string }, idempotencyKey?: string) =>
    (
      await this.request<{ user: LegacyUser; changed: boolean }>(
        "PUT",
        `/api/practices/${encodeURIComponent(practiceId)}/users/${encodeURIComponent(userId)}`,
        user,
        idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
      )
    );
  removeUser = (practiceId: string, userId: string, origin?: string, idempotencyKey?: string) =>
    this.request<{ removed: boolean }>(
      "DELETE",
      `/api/practices/${encodeURIComponent(practiceId)}/users/${encodeURIComponent(userId)}${origin ? `?origin=${encodeURIComponent(origin)}` : ""}`,
      undefined,
      idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
    );
  /** One person and the feed's last change to them (null when they are not, or no longer, in the practice). */
  user = (practiceId: string, userId: string) =>
    this.request<{ user: LegacyUser | null; lastChange: { seq: number; op: string; origin: string | null; at: string } | null }>(
      "GET",
      `/api/practices/${encodeURIComponent(practiceId)}/users/${encodeURIComponent(userId)}`,
    );
  /** The old system's own answer to "may this person do <flag> at this practice?". */
  can = async (practiceId: string, userId: string, flag: string) =>
    (await this.request<{ allowed: boolean }>("GET", `/api/practices/${encodeURIComponent(practiceId)}/users/${encodeURIComponent(userId)}/can/${encodeURIComponent(flag)}`)).allowed;
  /** The change feed after `cursor` (exclusive), oldest first; `cursor` in the answer is where to continue. */
  changes = (after: number, limit = 100) => this.request<{ changes: LegacyChange[]; cursor: number; head: number }>("GET", `/api/changes?after=${after}&limit=${limit}`);
}

/** The practice system this app talks to: PRACTICE_SYSTEM_URL (default http://127.0.0.1:4400) and PRACTICE_SYSTEM_TOKEN. */
export function practiceClientFromEnv(env: NodeJS.ProcessEnv = process.env): PracticeSystemClient {
  return new PracticeSystemClient(env.PRACTICE_SYSTEM_URL || "http://127.0.0.1:4400", { token: env.PRACTICE_SYSTEM_TOKEN || undefined });
}
