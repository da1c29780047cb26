import { route } from "@/lib/api/handler";
import { emSyncRetrySpec } from "@/lib/practice/em-sync-api";

export const dynamic = "force-dynamic";

/** Retry now: the practice's failed EM Sync deliveries and those waiting in backoff are due again (issue 14). */
export const POST = route(emSyncRetrySpec);
