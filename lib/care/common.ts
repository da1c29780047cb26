import { z } from "zod";
import { lookupNode, type Subject } from "../authz";
import type { Db, Tx } from "../db/client";
import { memberWhere } from "../members/directory";
import { HHMM, isRealDate } from "./time";

export interface CareProfile {
  id: string;
  name: string;
  timeZone: string;
}

/** The care profile as the subject sees it; null when it is not a care profile they belong to. */
export function careProfileOf(subject: Subject, nodeId: string): CareProfile | null {
  const node = lookupNode(subject, nodeId);
  if (!node || node.kind !== "CARE_PROFILE" || node.archived) return null;
  return { id: node.id, name: node.name, timeZone: node.timeZone };
}

export const dateField = (message: string) => z.string({ error: message }).trim().refine(isRealDate, { message });
export const timeField = (message: string) => z.string({ error: message }).trim().regex(HHMM, { message });

export interface TeamMember {
  id: string;
  name: string;
  email: string;
  role: string;
}

/** The people with a role in the care profile, with that role: who a shift can be assigned to. */
export async function careTeam(db: Db | Tx, profileId: string): Promise<TeamMember[]> {
  const users = await db.user.findMany({
    // Accepted members only: someone invited but not yet in can't be given shifts or appear in reports.
    where: { ...memberWhere(profileId), bindings: { some: { nodeId: profileId, pending: false } }, suspensions: { none: { tenantId: profileId } } },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, name: true, email: true, bindings: { where: { nodeId: profileId }, select: { role: { select: { name: true } } } } },
  });
  return users.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.bindings[0]?.role.name ?? "" }));
}

/** One CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csv = (rows: (string | number | null | undefined)[][]) => rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";

/** A CSV download response. */
export function csvResponse(filename: string, body: string): Response {
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "-")}"`,
      "cache-control": "no-store",
    },
  });
}
