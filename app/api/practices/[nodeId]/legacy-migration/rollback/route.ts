import { route } from "@/lib/api/handler";
import { practiceRef, rollbackHandler, rollbackInput } from "@/lib/practice/em-sync-api";

export const dynamic = "force-dynamic";

/** Rolls back an applied legacy migration of this practice within its window (issue 14). */
export const POST = route({ access: { permission: "settings.edit", resource: practiceRef }, input: rollbackInput, handler: rollbackHandler });
