"use server";

import { z } from "zod";
import { action } from "@/lib/api/handler";
import { createNote, createNoteSchema, editNote, editNoteSchema } from "./notes";
import { createPatient, createSchema, deletePatient, editSchema, sharePatient, shareSchema, updatePatient } from "./patients";
import { noteRef, patientRef, noteCreateRef } from "./access";

/**
 * Patient and clinical-note mutations (issue 10), each through action(): the record is found only
 * when the caller may see it (404 otherwise), then the permission on it (403), then the domain
 * function in one transaction with its audit row.
 */
export const createPatientAction = action({
  access: { permission: "patients.create", resource: (i) => ({ nodeId: i.nodeId, ownerId: i.primaryProviderId ?? null }) },
  input: createSchema,
  handler: async ({ input, user, subject, tx, ip }) => createPatient(tx, { subject, userId: user.id, ip }, input),
});

export const updatePatientAction = action({
  access: { permission: "patients.edit", resource: patientRef },
  input: editSchema,
  handler: async ({ input, user, subject, tx, ip }) => updatePatient(tx, { subject, userId: user.id, ip }, input),
});

export const deletePatientAction = action({
  access: { permission: "patients.delete", resource: patientRef },
  input: z.object({ patientId: z.uuid({ error: "That patient was not found." }) }).strict(),
  handler: async ({ input, user, subject, tx, ip }) => deletePatient(tx, { subject, userId: user.id, ip }, input.patientId),
});

export const sharePatientAction = action({
  access: { permission: "patients.edit", resource: patientRef },
  input: shareSchema,
  handler: async ({ input, user, subject, tx, ip }) => sharePatient(tx, { subject, userId: user.id, ip }, input, true),
});

export const unsharePatientAction = action({
  access: { permission: "patients.edit", resource: patientRef },
  input: shareSchema,
  handler: async ({ input, user, subject, tx, ip }) => sharePatient(tx, { subject, userId: user.id, ip }, input, false),
});

export const createNoteAction = action({
  access: { permission: "clinical_notes.create", resource: noteCreateRef },
  input: createNoteSchema,
  handler: async ({ input, user, subject, tx, ip }) => createNote(tx, { subject, userId: user.id, ip }, input),
});

export const editNoteAction = action({
  access: { permission: "clinical_notes.edit", resource: noteRef },
  input: editNoteSchema,
  handler: async ({ input, user, subject, tx, ip }) => editNote(tx, { subject, userId: user.id, ip }, input),
});
