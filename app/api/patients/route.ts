import { route } from "@/lib/api/handler";
import { createPatient, createSchema, listPatients, listSchema } from "@/lib/patients/patients";

/** GET /api/patients?nodeId=&q=&after= — the patients the caller may see at a place, masked, keyset-paginated (audited). */
export const GET = route({
  access: { memberOf: (i) => i.nodeId },
  input: listSchema,
  handler: async ({ input, user, subject, tx, ip }) => listPatients(tx, { subject, userId: user.id, ip }, input),
});

/** POST /api/patients — add a patient at a location. */
export const POST = route(
  {
    access: { permission: "patients.create", resource: (i) => ({ nodeId: i.nodeId, ownerId: i.primaryProviderId ?? null }) },
    input: createSchema,
    handler: async ({ input, user, subject, tx, ip }) => createPatient(tx, { subject, userId: user.id, ip }, input),
  },
  { status: 201 },
);
