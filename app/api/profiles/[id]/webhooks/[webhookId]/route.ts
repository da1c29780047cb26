import { route } from "@/lib/api/handler";
import { UpdateWebhookBody, tenantOf } from "@/lib/machine/routes";
import { rotateEndpointSecret, setEndpointEnabled } from "@/lib/machine/webhooks";

export const dynamic = "force-dynamic";

/** Rotates the signing secret (the old one keeps signing for 24 h), or enables/disables the endpoint. */
export const PATCH = route({
  access: { permission: "api_keys.create", resource: (i) => ({ nodeId: i.id }) },
  input: UpdateWebhookBody,
  handler: async ({ input, tx, user, ip }) => {
    const tenantId = await tenantOf(tx, input.id);
    if (input.action === "rotate_secret") return rotateEndpointSecret(tx, tenantId, input.webhookId, { userId: user.id, ip });
    await setEndpointEnabled(tx, tenantId, input.webhookId, input.action === "enable", { userId: user.id, ip });
    return { enabled: input.action === "enable" };
  },
});
