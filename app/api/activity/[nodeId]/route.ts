import { route } from "@/lib/api/handler";
import { activityListQuery, listActivity } from "@/lib/audit/activity";
import { placeOfActivity } from "@/lib/audit/activity-access";

export const dynamic = "force-dynamic";

/** GET /api/activity/:nodeId?actor&action&targetType&targetId&place&outcome&from&to&cursor&limit — the place's audit events, newest first. */
export const GET = route({
  access: { permission: "audit_log.read", resource: (i) => ({ nodeId: i.nodeId }) },
  input: activityListQuery,
  handler: async ({ input, tx }) => listActivity(tx, await placeOfActivity(tx, input.nodeId), input),
});
