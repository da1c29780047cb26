"use server";

import { z } from "zod";
import { action } from "@/lib/api/handler";
import { isPermission, type Permission } from "@/lib/authz";
import { checkAccess } from "@/lib/members/access-check";

export const explainAccess = action({
  access: { permission: "members.manage_roles", resource: (i) => ({ nodeId: i.nodeId }) },
  input: z.object({
    nodeId: z.uuid(),
    userId: z.uuid({ error: "Choose a person." }),
    permission: z.string().refine(isPermission, "Choose what they tried to do."),
    target: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("place"), nodeId: z.uuid({ error: "Choose a location." }) }),
      z.object({ kind: z.literal("patient"), patientId: z.uuid({ error: "Choose a patient." }) }),
    ]),
  }),
  handler: async ({ input, subject, tx }) => checkAccess(tx, subject, input.nodeId, { userId: input.userId, permission: input.permission as Permission, target: input.target }),
});
