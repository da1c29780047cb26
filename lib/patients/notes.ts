import { z } from "zod";
import { forbidden, notFound } from "../api/errors";
import { RESOURCE_INCLUDE, decide, resourceOfRow, where, type ResourceRef, type Subject } from "../authz";
import { recordAudit } from "../audit/audit";
import type { Tx } from "../db/client";
import type { Actor } from "../members/admin";

/**
 * Clinical notes on a patient (issue 10): read per role (where() in SQL; Front Desk, Billing,
 * Inventory and the AI roles hold no clinical_notes.read, so they never load one), written by
 * providers on their assigned patients, edited by their author. Reads are audited (clinical_note.read).
 */
export interface NoteView {
  id: string;
  body: string;
  createdAt: string;
  author: { id: string; name: string };
  canEdit: boolean;
}

const noteBody = z.string({ error: "Write the note." }).trim().min(1, "Write the note.").max(10_000, "Keep the note under 10,000 characters.");
export const createNoteSchema = z.object({ patientId: z.uuid({ error: "That patient was not found." }), body: noteBody }).strict();
export const editNoteSchema = z.object({ noteId: z.uuid({ error: "That note was not found." }), body: noteBody }).strict();

async function patientFor(tx: Tx, subject: Subject, patientId: string) {
  const p = await tx.patient.findUnique({ where: { id: patientId }, select: { id: true, tenantId: true, nodeId: true, primaryProviderId: true, ...RESOURCE_INCLUDE.patient } });
  if (!p || !decide(subject, "patients.read_contact", resourceOfRow("patient", p))) throw notFound("That patient");
  return p;
}

/** May the subject read notes of this patient at all (for the page: show the section or not)? */
export const noteRefForPatient = (p: { nodeId: string; primaryProviderId: string | null; assignments: { userId: string }[] }, authorId: string): ResourceRef =>
  resourceOfRow("clinicalNote", { nodeId: p.nodeId, authorId, patient: p });

export async function listNotes(tx: Tx, actor: Actor, patientId: string): Promise<NoteView[]> {
  const p = await patientFor(tx, actor.subject, patientId);
  const rows = await tx.clinicalNote.findMany({
    where: { AND: [where(actor.subject, "clinical_notes.read", "clinicalNote"), { patientId: p.id }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 100,
    select: { id: true, body: true, createdAt: true, authorId: true, nodeId: true, author: { select: { id: true, name: true } } },
  });
  if (rows.length > 0) {
    await recordAudit(tx, { tenantId: p.tenantId, actorId: actor.userId, action: "clinical_note.read", targetType: "patient", targetId: p.id, details: { ids: rows.map((r) => r.id) }, ip: actor.ip });
  }
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    createdAt: r.createdAt.toISOString(),
    author: r.author,
    canEdit: decide(actor.subject, "clinical_notes.edit", resourceOfRow("clinicalNote", { nodeId: r.nodeId, authorId: r.authorId, patient: p })),
  }));
}

export async function createNote(tx: Tx, actor: Actor, input: z.output<typeof createNoteSchema>): Promise<{ id: string }> {
  const p = await patientFor(tx, actor.subject, input.patientId);
  if (!decide(actor.subject, "clinical_notes.create", noteRefForPatient(p, actor.userId))) throw forbidden("Your role can't write clinical notes for this patient.");
  const note = await tx.clinicalNote.create({ data: { patientId: p.id, nodeId: p.nodeId, authorId: actor.userId, body: input.body } });
  // The note's text stays out of the audit log: it is health information.
  await recordAudit(tx, { tenantId: p.tenantId, actorId: actor.userId, action: "clinical_note.created", targetType: "clinical_note", targetId: note.id, details: { patientId: p.id }, ip: actor.ip });
  return { id: note.id };
}

export async function editNote(tx: Tx, actor: Actor, input: z.output<typeof editNoteSchema>): Promise<{ id: string }> {
  const note = await tx.clinicalNote.findUnique({ where: { id: input.noteId }, select: { id: true, nodeId: true, authorId: true, patient: { select: { id: true, tenantId: true, ...RESOURCE_INCLUDE.clinicalNote.patient.select } } } });
  const ref = note && resourceOfRow("clinicalNote", note);
  if (!note || !ref || !decide(actor.subject, "clinical_notes.read", ref)) throw notFound("That note");
  if (!decide(actor.subject, "clinical_notes.edit", ref)) throw forbidden("Only the note's author can change it.");
  await tx.clinicalNote.update({ where: { id: note.id }, data: { body: input.body } });
  await recordAudit(tx, { tenantId: note.patient.tenantId, actorId: actor.userId, action: "clinical_note.updated", targetType: "clinical_note", targetId: note.id, details: { patientId: note.patient.id }, ip: actor.ip });
  return { id: note.id };
}
