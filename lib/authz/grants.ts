import { z } from "zod";
import { isPermission, type Permission } from "./catalogue";

/**
 * Where a grant reaches, relative to the node its binding is at:
 * - subtree:  records at the node or anywhere below it
 * - node:     records at exactly that node
 * - assigned: records below the node that are the person's own or assigned/shared to them
 * - own:      records below the node that the person owns (author, primary provider, requester)
 */
export const SCOPES = ["own", "assigned", "node", "subtree"] as const;
export type Scope = (typeof SCOPES)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM, 24-hour");

export const conditionsSchema = z
  .object({
    /** The record's `amount` must be below this (e.g. refunds under $200). */
    maxAmount: z.number().nonnegative().optional(),
    /** Days 0 (Sunday) to 6, and hours, in the binding node's time zone. */
    timeWindow: z
      .object({ days: z.array(z.number().int().min(0).max(6)).min(1), start: hhmm, end: hhmm })
      .refine((w) => w.start < w.end, "the window must end after it starts")
      .optional(),
    validFrom: z.iso.datetime({ offset: true }).optional(),
    validUntil: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const grantSchema = z
  .object({
    permission: z.string().refine(isPermission, "not a permission in the catalogue"),
    scope: z.enum(SCOPES).default("subtree"),
    conditions: conditionsSchema.optional(),
    /** Fields of the record hidden even though the permission is held. */
    hide: z.array(z.string().min(1)).optional(),
    /** Fields shown but not editable. */
    readOnly: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type Conditions = z.infer<typeof conditionsSchema>;
export type Grant = Omit<z.infer<typeof grantSchema>, "permission"> & { permission: Permission };

export const grantListSchema = z.array(grantSchema);
export const removalListSchema = z.array(z.string().refine(isPermission, "not a permission in the catalogue"));

/** Per-binding changes a profile makes for one member: grants added, permissions removed. */
export const adjustmentsSchema = z
  .object({ add: grantListSchema.optional(), remove: removalListSchema.optional() })
  .strict();
export type Adjustments = { add?: Grant[]; remove?: Permission[] };

/** Parses stored JSON into grants; anything malformed is dropped (fail closed) and reported. */
export function parseGrants(json: unknown, onError?: (msg: string) => void): Grant[] {
  const parsed = grantListSchema.safeParse(json);
  if (parsed.success) return parsed.data as Grant[];
  onError?.(parsed.error.message);
  return [];
}

export function parseRemovals(json: unknown, onError?: (msg: string) => void): Permission[] {
  const parsed = removalListSchema.safeParse(json);
  if (parsed.success) return parsed.data as Permission[];
  onError?.(parsed.error.message);
  return [];
}

export function parseAdjustments(json: unknown, onError?: (msg: string) => void): Adjustments {
  const parsed = adjustmentsSchema.safeParse(json ?? {});
  if (parsed.success) return parsed.data as Adjustments;
  onError?.(parsed.error.message);
  return {};
}

/** True when `wide` reaches every record `narrow` reaches (used for "grant only what you hold"). */
export function scopeCovers(wide: Scope, narrow: Scope): boolean {
  if (wide === narrow || wide === "subtree") return true;
  return wide === "assigned" && narrow === "own";
}
