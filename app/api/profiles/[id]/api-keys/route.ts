import { route } from "@/lib/api/handler";
import { createApiKey } from "@/lib/machine/keys";
import { CreateKeyBody, tenantOf } from "@/lib/machine/routes";
import { keyUsage, listMachineAccess, tenantRateLimit } from "@/lib/machine/service-accounts";
import { ProfileIdParams } from "@/lib/profiles/schemas";

export const dynamic = "force-dynamic";

/** The tenant's service accounts, live API keys (never their secrets) and 24 hours of usage. */
export const GET = route({
  access: { permission: "api_keys.read", resource: (i) => ({ nodeId: i.id }) },
  input: ProfileIdParams,
  handler: async ({ input, tx }) => {
    const tenantId = await tenantOf(tx, input.id);
    return { ...(await listMachineAccess(tx, tenantId)), usage: await keyUsage(tx, tenantId), rateLimitPerMinute: await tenantRateLimit(tx, tenantId) };
  },
});

/** Creates a key (for a service account, or for the caller); the secret is in this answer only. */
export const POST = route(
  {
    access: { permission: "api_keys.create", resource: (i) => ({ nodeId: i.id }) },
    input: CreateKeyBody,
    handler: async ({ input, tx, user, subject, ip }) => {
      const { id: _id, ...body } = input;
      return createApiKey(tx, await tenantOf(tx, input.id), body, { userId: user.id, ip, subject });
    },
  },
  { status: 201 },
);
