import { z } from "zod";
import { route } from "@/lib/api/handler";
import { patientRef } from "@/lib/patients/access";
import { deletePatient, editSchema, updatePatient, viewPatient } from "@/lib/patients/patients";

const idOnly = z.object({ patientId: z.uuid({ error: "That patient was not found." }) });

/** GET /api/patients/:patientId — one patient, masked (audited as patient.read). */
export const GET = route({
  access: { permission: "patients.read_contact", resource: patientRef },
  input: idOnly,
  handler: async ({ input, user, subject, tx, ip }) => viewPatient(tx, { subject, userId: user.id, ip }, input.patientId),
});

/** PATCH /api/patients/:patientId — change fields the caller may see and edit. */
export const PATCH = route({
  access: { permission: "patients.edit", resource: patientRef },
  input: editSchema,
  handler: async ({ input, user, subject, tx, ip }) => updatePatient(tx, { subject, userId: user.id, ip }, input),
});

/** DELETE /api/patients/:patientId */
export const DELETE = route({
  access: { permission: "patients.delete", resource: patientRef },
  input: idOnly.strict(),
  handler: async ({ input, user, subject, tx, ip }) => deletePatient(tx, { subject, userId: user.id, ip }, input.patientId),
});
