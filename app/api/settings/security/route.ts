import { z } from "zod";
import { route } from "@/lib/api/handler";
import { saveTenantSecuritySettings } from "@/lib/security/settings-admin";
import { getSecuritySettings, securitySettingsSchema } from "@/lib/security/settings";

export const dynamic = "force-dynamic";

const tenant = z.object({ tenantId: z.uuid({ error: "Choose an organisation." }) });

/** A tenant's security settings (defaults filled in). */
export const GET = route({
  access: { permission: "settings.read", resource: (input) => ({ nodeId: input.tenantId }) },
  input: tenant,
  handler: async ({ input, tx }) => ({ settings: await getSecuritySettings(tx, input.tenantId) }),
});

/** Saves them: needs a recent password check; refuses an IP list that excludes you unless confirmed. */
export const PUT = route({
  access: { permission: "settings.edit", resource: (input) => ({ nodeId: input.tenantId }) },
  input: tenant.extend({ settings: securitySettingsSchema, confirmLockout: z.boolean().default(false) }).strict(),
  handler: async ({ input, user, sessionId, tx }) => ({
    settings: await saveTenantSecuritySettings(tx, { tenantId: input.tenantId, settings: input.settings, confirmLockout: input.confirmLockout, userId: user.id, sessionId }),
  }),
});
