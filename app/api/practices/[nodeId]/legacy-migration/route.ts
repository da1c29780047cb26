import { route } from "@/lib/api/handler";
import { migrationSpec } from "@/lib/practice/em-sync-api";

export const dynamic = "force-dynamic";

/**
 * Legacy migration of a practice-system practice into this practice (issue 14): `plan` is the
 * preflight and dry run (writes nothing), `apply` runs it in one transaction. Needs settings.edit
 * at the practice's enterprise (lib/practice/em-sync-api.ts).
 */
export const POST = route(migrationSpec);
