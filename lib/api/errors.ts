import { z } from "zod";

/** One error type for every entry point, with one code → HTTP status map. */
export const ERROR_STATUS = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Per-field messages for invalid input. */
    readonly fields?: Record<string, string[]>,
    /** For rate_limited: seconds until a retry can succeed (sent as `Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what = "That record") => new AppError("not_found", `${what} was not found.`);
export const forbidden = (message = "You don't have permission to do that.") => new AppError("forbidden", message);

export function fromZodError(error: z.ZodError): AppError {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    (fields[key] ??= []).push(issue.message);
  }
  return new AppError("invalid", "Some fields need attention.", fields);
}

/** A 429 with the wait in its message and in `Retry-After`. */
export const rateLimited = (message: string, retryAfterSeconds: number) => new AppError("rate_limited", message, undefined, Math.max(1, Math.ceil(retryAfterSeconds)));

/** Response headers an error asks for (`Retry-After` on a 429). */
export function errorHeaders(err: unknown): Record<string, string> {
  return err instanceof AppError && err.retryAfterSeconds !== undefined ? { "Retry-After": String(err.retryAfterSeconds) } : {};
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: Record<string, string[]> };
}

/** Any error to a safe body: unexpected errors are logged on the server and never shown. */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return { status: ERROR_STATUS[err.code], body: { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } } };
  }
  if (err instanceof z.ZodError) return toErrorBody(fromZodError(err));
  console.error("Unexpected error", err);
  return { status: 500, body: { error: { code: "unavailable" as ErrorCode, message: "Something went wrong on our side. Please try again." } } };
}
