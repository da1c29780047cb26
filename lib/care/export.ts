import { z } from "zod";
import { notFound } from "../api/errors";
import type { Subject } from "../authz";
import { careProfileOf } from "./common";
import { isRealDate } from "./time";

/** Input of the CSV export handlers: the profile from the path, an optional week from the query. */
export const exportQuery = z.object({
  profileId: z.uuid({ error: "That care profile was not found." }),
  week: z
    .string()
    .trim()
    .refine(isRealDate, { message: "Give the week as a date, like 2026-11-16." })
    .optional(),
});

export function exportProfile(subject: Subject | null, profileId: string) {
  const profile = subject && careProfileOf(subject, profileId);
  if (!profile) throw notFound("That care profile");
  return profile;
}

export const fileSlug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
