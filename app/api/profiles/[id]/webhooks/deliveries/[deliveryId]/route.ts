import { route } from "@/lib/api/handler";
import { DeliveryParams, tenantOf } from "@/lib/machine/routes";
import { redeliver } from "@/lib/machine/webhooks";

export const dynamic = "force-dynamic";

/** Sends a delivery again (same webhook-id, so receivers process it once). */
export const POST = route({
  access: { permission: "api_keys.create", resource: (i) => ({ nodeId: i.id }) },
  input: DeliveryParams,
  handler: async ({ input, tx }) => {
    await redeliver(tx, await tenantOf(tx, input.id), input.deliveryId);
    return { queued: true };
  },
});
