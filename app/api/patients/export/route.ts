import { route } from "@/lib/api/handler";
import { csvResponse } from "@/lib/care/common";
import { exportPatients, exportSchema } from "@/lib/patients/patients";

/** GET /api/patients/export?nodeId=&q= — the visible patients as CSV, masked; needs patients.export at the place (audited). */
export const GET = route({
  access: { permission: "patients.export", resource: (i) => ({ nodeId: i.nodeId }) },
  input: exportSchema,
  handler: async ({ input, user, subject, tx, ip }) => {
    const { body } = await exportPatients(tx, { subject, userId: user.id, ip }, input);
    return csvResponse(`patients-${new Date().toISOString().slice(0, 10)}.csv`, body);
  },
});
