/**
 * The one result shape of every client call: a server action built with action() returns it, and
 * fetchJson() turns a REST answer into it, so forms handle both the same way.
 */
export type FieldErrors = Record<string, string[]>;
export type ActionError = { code?: string; message: string; fields?: FieldErrors };
export type ActionResult<R> = { ok: true; data: R } | { ok: false; error: ActionError };

export const OFFLINE_MESSAGE = "We couldn't reach CareAccess. Check your connection and try again.";
const FALLBACK_MESSAGE = "Something went wrong. Please try again.";
/** The message lib/api/errors.ts gives a zod failure; its details are in the fields. */
export const INVALID_MESSAGE = "Some fields need attention.";

/** A failed call carried through TanStack Query as a thrown Error (so rollbacks and `error` work). */
export class ActionFailure extends Error {
  constructor(readonly error: ActionError) {
    super(error.message);
    this.name = "ActionFailure";
  }
}

/** Any thrown value as an ActionError: our own failure keeps its fields; anything else was the network. */
export function toActionError(err: unknown): ActionError {
  return err instanceof ActionFailure ? err.error : { message: OFFLINE_MESSAGE };
}

/** Calls a route handler with JSON; answers with the ActionResult shape (never throws). */
export async function fetchJson<T>(url: string, init: { method?: string; body?: unknown } = {}): Promise<ActionResult<T>> {
  try {
    const res = await fetch(url, {
      method: init.method ?? "GET",
      headers: { accept: "application/json", ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const json = await res.json().catch(() => null);
    if (res.ok) return { ok: true, data: json as T };
    const error = json?.error;
    return { ok: false, error: { code: error?.code, message: error?.message ?? FALLBACK_MESSAGE, fields: error?.fields ?? undefined } };
  } catch {
    return { ok: false, error: { message: OFFLINE_MESSAGE } };
  }
}

/** fetchJson for queries: the data, or a thrown Error with the server's message. */
export async function getJson<T>(url: string, fallback = "The list could not be loaded."): Promise<T> {
  const res = await fetch(url, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? fallback);
  return res.json();
}

/**
 * The message a form shows above its fields: none when the server only says "some fields need
 * attention" and the fields say which; a form-wide ("_") message when there are no named fields.
 */
export function formMessage(error: ActionError | null): string | null {
  if (!error) return null;
  const fields = error.fields ?? {};
  const named = Object.keys(fields).filter((k) => k !== "_");
  if (named.length) return error.message === INVALID_MESSAGE ? null : error.message;
  return fields._?.[0] ?? error.message;
}
