import { route } from "@/lib/api/handler";
import { emSyncStatusSpec, emSyncToggleSpec } from "@/lib/practice/em-sync-api";

export const dynamic = "force-dynamic";

/** EM Sync of this practice (issue 14): GET the status panel's figures, POST { sourcePracticeId, enabled } to turn it on or off. */
export const GET = route(emSyncStatusSpec);
export const POST = route(emSyncToggleSpec);
