import { route } from "@/lib/api/handler";
import { book, bookSchema } from "@/lib/schedule/appointments";

/** POST /api/appointments — book into a free slot (409 with the reason when it isn't free). */
export const POST = route(
  {
    access: { permission: "appointments.create", resource: (i) => ({ nodeId: i.nodeId, ownerId: i.providerId }) },
    input: bookSchema,
    handler: async ({ input, user, subject, tx, ip }) => book(tx, { subject, userId: user.id, ip }, input),
  },
  { status: 201 },
);
