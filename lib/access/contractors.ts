import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { OWNER_ROLE_IDS } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import type { Db, Tx } from "../db/client";

/**
 * Contractor accounts (issue 11): a person of the tenant marked as a contractor with an end date.
 * Every binding of theirs in the tenant ends by that date: the rows' expires_at are brought
 * forward to it when it is set, and the policy loader caps every binding of the tenant at it
 * (lib/authz/subject.ts, contractorEnds), so a role given later ends then too. Not a UI-only field:
 * decide() refuses from that instant on. Set and cleared with members.manage_roles at the tenant
 * root, under the member rules (owners by owners); an Owner can't be a contractor. Audited.
 */
export const contractorSchema = z
  .object({
    tenantId: z.uuid({ error: "Choose an organisation." }),
    userId: z.uuid({ error: "That person was not found." }),
    /** The instant access ends (the screens send the end of the chosen day); null: not a contractor. */
    endsAt: z.iso.datetime({ offset: true, error: "Choose the contract's last day." }).nullable(),
  })
  .strict();
export type ContractorInput = z.output<typeof contractorSchema>;

export async function contractorOf(db: Db | Tx, tenantId: string, userId: string): Promise<{ endsAt: string } | null> {
  const row = await db.contractor.findUnique({ where: { tenantId_userId: { tenantId, userId } }, select: { endsAt: true } });
  return row ? { endsAt: row.endsAt.toISOString() } : null;
}

export async function setContractor(tx: Tx, actor: { userId: string; ip?: string | null }, input: ContractorInput, now = new Date()) {
  const root = await tx.orgNode.findUniqueOrThrow({ where: { id: input.tenantId }, select: { parentId: true } });
  if (root.parentId !== null) throw new AppError("invalid", "Some fields need attention.", { tenantId: ["Contractors are set for the whole organisation."] });
  const before = await contractorOf(tx, input.tenantId, input.userId);
  if (input.endsAt === null) {
    if (!before) return { contractor: null };
    await tx.contractor.delete({ where: { tenantId_userId: { tenantId: input.tenantId, userId: input.userId } } });
    await bumpAuthzVersion(tx, input.tenantId);
    await recordAudit(tx, { tenantId: input.tenantId, actorId: actor.userId, action: "member.contractor_cleared", targetType: "user", targetId: input.userId, details: { before: before.endsAt }, ip: actor.ip });
    return { contractor: null };
  }
  const endsAt = new Date(input.endsAt);
  if (endsAt <= now) throw new AppError("invalid", "Some fields need attention.", { endsAt: ["The contract's end has already passed."] });
  const owner = await tx.roleBinding.count({ where: { userId: input.userId, roleId: { in: [...OWNER_ROLE_IDS] }, node: { rootId: input.tenantId } } });
  if (owner > 0) throw new AppError("conflict", "An Owner can't be a contractor: give them another role first.");
  await tx.contractor.upsert({
    where: { tenantId_userId: { tenantId: input.tenantId, userId: input.userId } },
    create: { tenantId: input.tenantId, userId: input.userId, endsAt, setById: actor.userId },
    update: { endsAt, setById: actor.userId },
  });
  // Every binding here ends by then (an earlier end of its own is kept).
  const capped = await tx.roleBinding.updateMany({
    where: { userId: input.userId, node: { rootId: input.tenantId }, OR: [{ expiresAt: null }, { expiresAt: { gt: endsAt } }] },
    data: { expiresAt: endsAt },
  });
  await bumpAuthzVersion(tx, input.tenantId);
  await recordAudit(tx, { tenantId: input.tenantId, actorId: actor.userId, action: "member.contractor_set", targetType: "user", targetId: input.userId, details: { endsAt: endsAt.toISOString(), before: before?.endsAt ?? null, bindingsCapped: capped.count }, ip: actor.ip });
  return { contractor: { endsAt: endsAt.toISOString() }, bindingsCapped: capped.count };
}
