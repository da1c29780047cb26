import { route } from "@/lib/api/handler";
import { revokeApiKey } from "@/lib/machine/keys";
import { KeyParams, tenantOf } from "@/lib/machine/routes";

export const dynamic = "force-dynamic";

/** Revokes a key: its next request is 401. */
export const DELETE = route({
  access: { permission: "api_keys.delete", resource: (i) => ({ nodeId: i.id }) },
  input: KeyParams,
  handler: async ({ input, tx, user, ip }) => {
    await revokeApiKey(tx, await tenantOf(tx, input.id), input.keyId, { userId: user.id, ip });
    return { revoked: true };
  },
});
