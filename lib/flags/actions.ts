"use server";

import { z } from "zod";
import { action } from "@/lib/api/handler";
import { flagTenantRef, flagUpdateSchema, listTenantFlags, updateFeatureFlag } from "./flags";

/**
 * Settings → Features. Reaching the page needs `settings.read` at the tenant root (outsiders 404);
 * each change then needs what updateFeatureFlag() checks: platform staff for platform flags,
 * `settings.edit` for the rest and for per-role visibility.
 */

export const updateFeatureFlagAction = action({
  access: { permission: "settings.read", resource: flagTenantRef },
  input: flagUpdateSchema,
  handler: async ({ input, user, subject, ip, tx }) => updateFeatureFlag(tx, { userId: user.id, subject, ip }, input),
});

export const listFeatureFlagsAction = action({
  access: { permission: "settings.read", resource: flagTenantRef },
  input: z.object({ tenantId: z.uuid({ error: "Choose an organisation." }) }),
  handler: async ({ input, tx }) => listTenantFlags(tx, input.tenantId),
});
