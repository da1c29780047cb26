"use server";

import { action } from "@/lib/api/handler";
import { acknowledgeAlert, acknowledgeInput, rulesInput, saveAlertRules } from "@/lib/audit/alerts";
import { retentionInput, setRetention } from "@/lib/audit/archive";

/** Acknowledges an alert with a note: the alert inbox is for whoever reads the whole tenant's log (owners, admins). */
export const acknowledgeAlertAction = action({
  access: {
    permission: "audit_log.read",
    resource: async (input, ctx) => {
      const alert = await ctx.db.auditAlert.findUnique({ where: { id: input.alertId }, select: { tenantId: true } });
      return alert ? { nodeId: alert.tenantId } : null;
    },
  },
  input: acknowledgeInput,
  handler: async ({ input, tx, user }) => acknowledgeAlert(tx, { userId: user.id }, input),
});

/** Saves the tenant's alert thresholds: a security setting, so settings.edit at the tenant root. */
export const saveAlertRulesAction = action({
  access: { permission: "settings.edit", resource: (input) => ({ nodeId: input.tenantId }) },
  input: rulesInput,
  handler: async ({ input, tx, user }) => saveAlertRules(tx, { userId: user.id }, input),
});

/** Sets how long the tenant keeps audit events before `npm run audit:archive` moves them out: owners only. */
export const setRetentionAction = action({
  access: { permission: "tenant.set_audit_retention", resource: (input) => ({ nodeId: input.tenantId }) },
  input: retentionInput,
  handler: async ({ input, tx, user }) => setRetention(tx, { userId: user.id }, input),
});
