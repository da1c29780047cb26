import { z } from "zod";
import { route } from "@/lib/api/handler";
import { rollbackMigration } from "@/lib/practice/migration";

export const dynamic = "force-dynamic";

/** Rolls back an applied legacy migration of this practice within its window (issue 14). */
export const POST = route({
  access: { permission: "settings.edit", resource: (i) => ({ nodeId: i.nodeId }) },
  input: z.object({ nodeId: z.uuid({ error: "Choose a practice." }), migrationId: z.uuid({ error: "Choose a migration." }) }).strict(),
  handler: async ({ input, user, ip, tx }) => rollbackMigration(tx, { userId: user.id, ip }, input),
});
