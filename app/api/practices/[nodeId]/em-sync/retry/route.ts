import { route } from "@/lib/api/handler";
import { emSyncNodeSchema, emSyncRetryHandler, practiceRef } from "@/lib/practice/em-sync-api";

export const dynamic = "force-dynamic";

/** Retry now: the practice's failed EM Sync deliveries and those waiting in backoff are due again (issue 14). */
export const POST = route({ access: { permission: "settings.edit", resource: practiceRef }, input: emSyncNodeSchema, handler: emSyncRetryHandler });
