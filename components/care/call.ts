/** Calls a server action built with action(); returns data, or the typed error with per-field messages. */
export type ActionError = { message: string; fields?: Record<string, string[]> };
export type Result<R> = { ok: true; data: R } | { ok: false; error: ActionError };

export async function callAction<I, R>(fn: (input: I) => Promise<Result<R>>, input: I): Promise<Result<R>> {
  try {
    return await fn(input);
  } catch {
    return { ok: false, error: { message: "We couldn't reach the server. Check your connection and try again." } };
  }
}
