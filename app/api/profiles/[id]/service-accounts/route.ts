import { route } from "@/lib/api/handler";
import { CreateServiceAccountBody, tenantOf } from "@/lib/machine/routes";
import { createServiceAccount } from "@/lib/machine/service-accounts";

export const dynamic = "force-dynamic";

/** Creates a service account with a role at a place (within what the caller may hand out). */
export const POST = route(
  {
    access: { permission: "api_keys.create", resource: (i) => ({ nodeId: i.id }) },
    input: CreateServiceAccountBody,
    handler: async ({ input, tx, user, subject, ip }) => {
      const { id: _id, ...body } = input;
      return createServiceAccount(tx, await tenantOf(tx, input.id), body, { userId: user.id, ip, subject });
    },
  },
  { status: 201 },
);
