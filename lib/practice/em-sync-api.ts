import { z } from "zod";
import { AppError, forbidden } from "../api/errors";
import type { AccessContext, SignedInContext } from "../api/handler";
import { featureVisible, type Subject } from "../authz";
import { prisma } from "../db";
import { PracticeSystemUnavailable, practiceClientFromEnv } from "./connector";
import { emSyncStatus, retryEmSync, toggleEmSync } from "./em-push";
import { applyMigration, migrationRequestSchema, planMigration, rollbackMigration } from "./migration";

/**
 * The legacy-migration and EM Sync entry points (issue 14): inputs and handlers, served both as REST
 * routes (app/api/practices/[nodeId]/…) and as the Practice settings screen's server actions
 * (./actions.ts), each of which declares `access: { permission: "settings.edit", resource: practiceRef }`:
 * `settings.edit` at the practice. Its enterprise's (or region's) owners and admins hold it there, a practice's Manager or Front Desk doesn't (403); a stranger gets 404. EM Sync also needs the tenant's
 * platform flag `emSync` (403 while CareAccess staff haven't turned it on).
 */

/** The access resource: the practice itself, or null (404) for anything that isn't one. */
export async function practiceRef(input: { nodeId: string }, ctx: AccessContext) {
  const node = await ctx.db.orgNode.findUnique({ where: { id: input.nodeId }, select: { kind: true, archivedAt: true } });
  return node && node.kind === "PRACTICE" && !node.archivedAt ? { nodeId: input.nodeId } : null;
}

const nodeId = z.uuid({ error: "Choose a practice." });
const sourcePracticeId = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "Choose a practice of the practice system.");

export const unavailable = (err: unknown): never => {
  if (err instanceof PracticeSystemUnavailable) throw new AppError("unavailable", "The practice system is not answering; try again shortly.");
  throw err;
};

const needFlag = (subject: Subject, id: string) => {
  if (!featureVisible(subject, id, "emSync")) throw forbidden("EM Sync is not turned on for this organisation (CareAccess staff turn it on under Features).");
};

/** plan: preflight and dry run (writes nothing); apply: one transaction. Runs with `transaction: false` (a large practice outlasts the default timeout). */
export const migrationInput = migrationRequestSchema;
export async function migrationHandler({ input, user, ip }: SignedInContext<z.output<typeof migrationRequestSchema>>) {
    const client = practiceClientFromEnv();
    const db = await prisma();
    if (input.mode === "plan") return { plan: await planMigration(db, client, input).catch(unavailable) };
    return db.$transaction((tx) => applyMigration(tx, client, { userId: user.id, ip }, input), { timeout: 600_000 }).catch(unavailable);
}

export const rollbackInput = z.object({ nodeId, migrationId: z.uuid({ error: "Choose a migration." }) }).strict();
export const rollbackHandler = async ({ input, user, ip, tx }: SignedInContext<z.output<typeof rollbackInput>>) => rollbackMigration(tx, { userId: user.id, ip }, input);

export const emSyncToggleSchema = z.object({ nodeId, sourcePracticeId, enabled: z.boolean({ error: "Choose on or off." }) }).strict();
/** Runs with `transaction: false`: turning it on may run a migration in its own transaction. */
export async function emSyncToggleHandler({ input, user, ip, subject }: SignedInContext<z.output<typeof emSyncToggleSchema>>) {
  needFlag(subject, input.nodeId);
  return toggleEmSync(await prisma(), practiceClientFromEnv(), { userId: user.id, ip }, input).catch(unavailable);
}

export const emSyncNodeSchema = z.object({ nodeId }).strict();
export const emSyncStatusHandler = async ({ input, tx }: SignedInContext<z.output<typeof emSyncNodeSchema>>) => emSyncStatus(tx, practiceClientFromEnv(), input.nodeId);

export async function emSyncRetryHandler({ input, user, ip, tx, subject }: SignedInContext<z.output<typeof emSyncNodeSchema>>) {
  needFlag(subject, input.nodeId);
  return retryEmSync(tx, { userId: user.id, ip }, input.nodeId);
}
