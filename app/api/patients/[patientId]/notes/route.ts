import { z } from "zod";
import { route } from "@/lib/api/handler";
import { noteCreateRef, patientRef } from "@/lib/patients/access";
import { createNote, createNoteSchema, listNotes } from "@/lib/patients/notes";

/** GET /api/patients/:patientId/notes — the clinical notes the caller may read (audited as clinical_note.read). */
export const GET = route({
  access: { permission: "clinical_notes.read", resource: async (i, ctx) => {
    const ref = await patientRef(i, ctx);
    return ref && { nodeId: ref.nodeId, assigneeIds: [...(ref.ownerId ? [ref.ownerId] : []), ...(ref.assigneeIds ?? [])] };
  } },
  input: z.object({ patientId: z.uuid({ error: "That patient was not found." }) }),
  handler: async ({ input, user, subject, tx, ip }) => listNotes(tx, { subject, userId: user.id, ip }, input.patientId),
});

/** POST /api/patients/:patientId/notes — a provider's note on their patient. */
export const POST = route(
  {
    access: { permission: "clinical_notes.create", resource: noteCreateRef },
    input: createNoteSchema,
    handler: async ({ input, user, subject, tx, ip }) => createNote(tx, { subject, userId: user.id, ip }, input),
  },
  { status: 201 },
);
