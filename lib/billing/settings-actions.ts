"use server";

import { action } from "@/lib/api/handler";
import { clinicTenantRoot } from "@/lib/orgs/tenant-root";
import { requireRecentAuth } from "@/lib/security/reauth";
import { billingProfileSchema, paymentMethodSchema, saveBillingProfile, savePaymentMethod } from "./settings";

/**
 * Settings > Billing. `billing_settings.edit` at the tenant root (a clinic tenant: a practice or an
 * enterprise); anything outside the caller's tenants is 404, a member without the right 403, and
 * every change needs a password confirmed within the tenant's re-authentication window.
 */
const tenantRoot = clinicTenantRoot;

export const saveBillingProfileAction = action({
  access: { permission: "billing_settings.edit", resource: tenantRoot },
  input: billingProfileSchema,
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await requireRecentAuth(tx, { userId: user.id, sessionId });
    const tenant = await tx.orgNode.findUniqueOrThrow({ where: { id: input.tenantId }, select: { id: true, kind: true } });
    return saveBillingProfile(tx, { userId: user.id, ip }, tenant, input);
  },
});

export const savePaymentMethodAction = action({
  access: { permission: "billing_settings.edit", resource: tenantRoot },
  input: paymentMethodSchema,
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await requireRecentAuth(tx, { userId: user.id, sessionId });
    return savePaymentMethod(tx, { userId: user.id, ip }, input.tenantId, input.token);
  },
});
