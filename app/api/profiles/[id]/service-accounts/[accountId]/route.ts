import { route } from "@/lib/api/handler";
import { AccountParams, UpdateServiceAccountBody, tenantOf } from "@/lib/machine/routes";
import { deleteServiceAccount, setServiceAccountStatus } from "@/lib/machine/service-accounts";

export const dynamic = "force-dynamic";

/** Disables (its keys answer 401 at once) or enables a service account. */
export const PATCH = route({
  access: { permission: "api_keys.delete", resource: (i) => ({ nodeId: i.id }) },
  input: UpdateServiceAccountBody,
  handler: async ({ input, tx, user, ip }) => {
    await setServiceAccountStatus(tx, await tenantOf(tx, input.id), input.accountId, input.status, { userId: user.id, ip });
    return { status: input.status };
  },
});

/** Removes a service account: its keys are revoked and its roles taken away. */
export const DELETE = route({
  access: { permission: "api_keys.delete", resource: (i) => ({ nodeId: i.id }) },
  input: AccountParams,
  handler: async ({ input, tx, user, ip }) => {
    await deleteServiceAccount(tx, await tenantOf(tx, input.id), input.accountId, { userId: user.id, ip });
    return { deleted: true };
  },
});
