import { z } from "zod";
import type { AccessContext } from "../api/handler";
import { RESOURCE_INCLUDE, decide, resourceOfRow, type ResourceRef } from "../authz";
import { visiblePatientRef } from "./patients";

/**
 * The wrapper's `resource` loaders for patient records: a record the caller can't see is null
 * (404, its existence doesn't leak); one they see but may not change meets the permission check (403).
 */
export const patientRef = (i: { patientId: string }, ctx: AccessContext) => visiblePatientRef(ctx.db, ctx.subject, i.patientId);

/** A new note on a patient: its author is the caller, its assignees the patient's providers. */
export async function noteCreateRef(i: { patientId: string }, ctx: AccessContext): Promise<ResourceRef | null> {
  const p = await visiblePatientRef(ctx.db, ctx.subject, i.patientId);
  if (!p) return null;
  return { nodeId: p.nodeId, ownerId: ctx.user.id, assigneeIds: [...(p.ownerId ? [p.ownerId] : []), ...(p.assigneeIds ?? [])] };
}

/** A note the caller may read, else null. */
export async function noteRef(i: { noteId: string }, ctx: AccessContext): Promise<ResourceRef | null> {
  if (!z.uuid().safeParse(i.noteId).success) return null;
  const note = await ctx.db.clinicalNote.findUnique({ where: { id: i.noteId }, select: { nodeId: true, authorId: true, patientId: true, ...RESOURCE_INCLUDE.clinicalNote } });
  if (!note) return null;
  const ref = resourceOfRow("clinicalNote", note);
  return decide(ctx.subject, "clinical_notes.read", ref) ? ref : null;
}
