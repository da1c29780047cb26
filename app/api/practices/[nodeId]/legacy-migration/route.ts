import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { prisma } from "@/lib/db";
import { PracticeSystemUnavailable, practiceClientFromEnv } from "@/lib/practice/connector";
import { applyMigration, migrationRequestSchema as input, planMigration } from "@/lib/practice/migration";

export const dynamic = "force-dynamic";

const unavailable = (err: unknown) => {
  if (err instanceof PracticeSystemUnavailable) throw new AppError("unavailable", "The practice system is not answering; try again shortly.");
  throw err;
};

/**
 * Legacy migration of a practice-system practice into this practice (issue 14): `plan` is the
 * preflight and dry run (writes nothing), `apply` runs it in one transaction. Needs settings.edit
 * at the practice (its owners and admins, e.g. at the enterprise).
 */
export const POST = route({
  access: { permission: "settings.edit", resource: (i) => ({ nodeId: i.nodeId }) },
  input,
  // Its own transaction: a large practice takes longer than the wrapper's default transaction timeout.
  transaction: false,
  handler: async ({ input, user, ip }) => {
    const client = practiceClientFromEnv();
    const db = await prisma();
    if (input.mode === "plan") return { plan: await planMigration(db, client, input).catch(unavailable) };
    return db.$transaction((tx) => applyMigration(tx, client, { userId: user.id, ip }, input), { timeout: 600_000 }).catch(unavailable);
  },
});
