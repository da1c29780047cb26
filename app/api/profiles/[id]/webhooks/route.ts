import { route } from "@/lib/api/handler";
import { tenantOf } from "@/lib/machine/routes";
import { createEndpoint, createEndpointSchema, listWebhooks } from "@/lib/machine/webhooks";
import { ProfileIdParams } from "@/lib/profiles/schemas";

export const dynamic = "force-dynamic";

/** The tenant's webhook endpoints and the delivery log. */
export const GET = route({
  access: { permission: "api_keys.read", resource: (i) => ({ nodeId: i.id }) },
  input: ProfileIdParams,
  handler: async ({ input, tx }) => listWebhooks(tx, await tenantOf(tx, input.id)),
});

/** Adds an endpoint; its signing secret (whsec_…) is in this answer only. */
export const POST = route(
  {
    access: { permission: "api_keys.create", resource: (i) => ({ nodeId: i.id }) },
    input: createEndpointSchema.extend(ProfileIdParams.shape),
    handler: async ({ input, tx, user, ip }) => createEndpoint(tx, await tenantOf(tx, input.id), { url: input.url, events: input.events }, { userId: user.id, ip }),
  },
  { status: 201 },
);
