import { route } from "@/lib/api/handler";
import { migrationHandler, migrationInput, practiceRef } from "@/lib/practice/em-sync-api";

export const dynamic = "force-dynamic";

/**
 * Legacy migration of a practice-system practice into this practice (issue 14): `plan` is the
 * preflight and dry run (writes nothing), `apply` runs it in one transaction. Needs settings.edit
 * at the practice (its enterprise's owners and admins).
 */
export const POST = route({
  access: { permission: "settings.edit", resource: practiceRef },
  input: migrationInput,
  // Its own transaction: a large practice takes longer than the wrapper's default transaction timeout.
  transaction: false,
  handler: migrationHandler,
});
