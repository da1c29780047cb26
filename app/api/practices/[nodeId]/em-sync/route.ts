import { route } from "@/lib/api/handler";
import { emSyncNodeSchema, emSyncStatusHandler, emSyncToggleHandler, emSyncToggleSchema, practiceRef } from "@/lib/practice/em-sync-api";

export const dynamic = "force-dynamic";

/** EM Sync of this practice (issue 14): GET the status panel's figures, POST { sourcePracticeId, enabled } to turn it on or off. */
export const GET = route({ access: { permission: "settings.edit", resource: practiceRef }, input: emSyncNodeSchema, handler: emSyncStatusHandler });
// Its own transaction: turning it on may run the migration first.
export const POST = route({ access: { permission: "settings.edit", resource: practiceRef }, input: emSyncToggleSchema, transaction: false, handler: emSyncToggleHandler });
