import { z } from "zod";
import { Prisma } from "../db/generated/client";

/** One error type for every entry point, with one code → HTTP status map. */
export const ERROR_STATUS = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  /** A bug on our side: logged on the server, never shown. */
  internal: 500,
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
    // A field the schema doesn't know is reported under its own name, not as a form-wide error.
    if (issue.code === "unrecognized_keys") {
      for (const name of issue.keys) (fields[[...issue.path, name].join(".")] ??= []).push("Unknown field: remove it.");
      continue;
    }
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
  const known = err instanceof AppError ? err : err instanceof z.ZodError ? fromZodError(err) : fromDatabaseError(err);
  if (known) {
    return { status: ERROR_STATUS[known.code], body: { error: { code: known.code, message: known.message, ...(known.fields ? { fields: known.fields } : {}) } } };
  }
  console.error("Unexpected error", err);
  return { status: ERROR_STATUS.internal, body: { error: { code: "internal", message: "Something went wrong on our side. Please try again." } } };
}

/** PostgreSQL SQLSTATEs that mean the input could not be stored as text/values (not a bug on our side). */
const INVALID_INPUT_SQLSTATES = new Set([
  "22021", // invalid byte sequence for encoding (a NUL byte)
  "22P05", // untranslatable character
  "22P02", // invalid text representation (e.g. a malformed uuid)
  "22001", // string too long for the column
  "22003", // numeric value out of range
  "22007", // invalid datetime format
  "22008", // datetime field overflow
]);
/** Socket-level error codes of a database connection (node-postgres). */
const CONNECTION_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EPIPE"]);

const unavailable = () => new AppError("unavailable", "The database is not reachable right now. Please try again in a moment.");
const invalidValue = () => new AppError("invalid", "Some of the values sent can't be stored. Check the fields and try again.");

/**
 * The one mapper from database errors to API errors, by Prisma error class and code and by
 * PostgreSQL SQLSTATE (never by message text). Null: not a database error we know, i.e. a bug (500).
 */
export function fromDatabaseError(err: unknown): AppError | null {
  if (err instanceof Prisma.PrismaClientInitializationError) return unavailable();
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    const code = err.code;
    if (code === "P2025" || code === "P2001" || code === "P2015" || code === "P2018") return new AppError("not_found", "That record was not found.");
    if (code === "P2002") {
      const fields = uniqueFields(err.meta);
      return new AppError("conflict", "That already exists.", fields.length ? Object.fromEntries(fields.map((f) => [f, ["That already exists."]])) : undefined);
    }
    if (code === "P2003" || code === "P2014") return new AppError("conflict", "That is still linked to other records.");
    if (code === "P2034") return new AppError("conflict", "Someone else changed this at the same time. Please try again.");
    if (/^P1\d{3}$/.test(code) || code === "P2024" || code === "P2037") return unavailable();
    if (code === "P2000" || code === "P2006" || code === "P2007" || code === "P2019" || code === "P2020" || code === "P2023") return invalidValue();
    const sqlState = driverSqlState(err.meta);
    if (sqlState && INVALID_INPUT_SQLSTATES.has(sqlState)) return invalidValue();
    if (sqlState && /^08/.test(sqlState)) return unavailable(); // connection exception class
    return null;
  }
  // A raw driver error (lib/db's SqlRunner): node-postgres' DatabaseError carries the SQLSTATE, a socket error its errno.
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  if (typeof code === "string") {
    if (INVALID_INPUT_SQLSTATES.has(code)) return invalidValue();
    if (CONNECTION_ERRNOS.has(code) || /^(08|57P0)/.test(code)) return unavailable();
  }
  return null;
}

type DriverCause = { originalCode?: unknown; code?: unknown; constraint?: { fields?: unknown } };
const driverCause = (meta: Record<string, unknown> | undefined): DriverCause | undefined =>
  (meta?.driverAdapterError as { cause?: DriverCause } | undefined)?.cause;

function driverSqlState(meta: Record<string, unknown> | undefined): string | null {
  const cause = driverCause(meta);
  const code = cause?.originalCode ?? cause?.code;
  return typeof code === "string" ? code : null;
}

/** The columns of a unique violation when Prisma names them (`meta.target`, or the adapter's constraint fields). */
function uniqueFields(meta: Record<string, unknown> | undefined): string[] {
  const named = meta?.target ?? driverCause(meta)?.constraint?.fields;
  return Array.isArray(named) ? named.filter((f): f is string => typeof f === "string") : [];
}
