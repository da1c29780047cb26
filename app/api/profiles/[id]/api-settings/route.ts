import { route } from "@/lib/api/handler";
import { ApiSettingsBody, tenantOf } from "@/lib/machine/routes";
import { setTenantRateLimit } from "@/lib/machine/service-accounts";

export const dynamic = "force-dynamic";

/** The tenant's default per-key rate limit (requests per minute; a key may override it). */
export const PUT = route({
  access: { permission: "settings.edit", resource: (i) => ({ nodeId: i.id }) },
  input: ApiSettingsBody,
  handler: async ({ input, tx, user, ip }) => setTenantRateLimit(tx, await tenantOf(tx, input.id), input.rateLimitPerMinute, { userId: user.id, ip }),
});
