import { z } from "zod";
import { AppError, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { isLive, isOwnerAt, lookupNode, withoutDelegations, type Subject } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import { builtinRoleId } from "../authz/roles";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { accessRequestEmail } from "../email/templates";
import { securityEnv } from "../security/env";
import type { Actor } from "./requests";

/**
 * Platform support access (issue 11). CareAccess support staff (users.is_platform_staff) hold
 * nothing in a tenant unless its owner grants them time-boxed access: an ordinary binding at the
 * tenant root with an end date, read-only (the Platform support role) by default. The policy
 * module ignores any binding of platform staff without an end date (subject.ts), so without a live
 * grant the switcher doesn't list the tenant and its URLs and API answer 404. Only owners grant and
 * end it; both are audited (support_access.granted / support_access.ended) and emailed.
 */

export const SUPPORT_LEVELS = { read_only: "psm", admin: "admin" } as const;
export const MAX_SUPPORT_DAYS = 30;
const DAY = 86_400_000;

export const supportGrantSchema = z.object({
  tenantId: z.uuid({ error: "Choose the organisation." }),
  staffId: z.uuid({ error: "Choose a support person." }),
  level: z.enum(["read_only", "admin"], { error: "Choose the access level." }).default("read_only"),
  endsAt: z.iso.datetime({ offset: true, error: "Choose when the access ends." }),
  reason: z.string().trim().min(5, "Say why support needs access (at least 5 characters).").max(500, "Keep the reason under 500 characters."),
});
export const supportEndSchema = z.object({ tenantId: z.uuid({ error: "Choose the organisation." }), staffId: z.uuid({ error: "Choose a support person." }) });

/** The tenant if the actor holds a role of their own there (404 otherwise) and owns it (403 otherwise). */
function ownedTenant(subject: Subject, tenantId: string, now: number) {
  const own = withoutDelegations(subject);
  const node = lookupNode(own, tenantId);
  if (!node || node.rootId !== tenantId || !own.bindings.some((b) => b.rootId === tenantId && isLive(b, now))) throw notFound("That organisation");
  if (!isOwnerAt(own, tenantId, now)) throw new AppError("forbidden", "Only an owner can give or end platform support access.");
  return node;
}

const supportUrl = (tenantId: string) => `${securityEnv().appUrl}/o/${tenantId}`;

export async function grantSupportAccess(tx: Tx, actor: Actor, input: z.output<typeof supportGrantSchema>, now = new Date()) {
  const tenant = ownedTenant(actor.subject, input.tenantId, now.getTime());
  const endsAt = new Date(input.endsAt);
  if (endsAt <= now) throw new AppError("invalid", "The end has already passed.", { endsAt: ["Choose an end in the future."] });
  if (endsAt.getTime() - now.getTime() > MAX_SUPPORT_DAYS * DAY) throw new AppError("invalid", `Support access lasts at most ${MAX_SUPPORT_DAYS} days.`, { endsAt: [`Choose an end within ${MAX_SUPPORT_DAYS} days.`] });
  const staff = await tx.user.findFirst({ where: { id: input.staffId, isPlatformStaff: true, status: "ACTIVE", deletedAt: null }, select: { id: true, name: true, email: true } });
  if (!staff) throw new AppError("invalid", "Only CareAccess platform support staff can be given support access.", { staffId: ["Choose a support person from the list."] });
  const roleId = builtinRoleId(SUPPORT_LEVELS[input.level]);
  const data = { roleId, startsAt: now, expiresAt: endsAt, grantedById: actor.userId, reason: `Support access: ${input.reason}`, pending: false, adjustments: {} };
  const binding = await tx.roleBinding.upsert({
    where: { userId_nodeId: { userId: staff.id, nodeId: tenant.id } },
    create: { userId: staff.id, nodeId: tenant.id, ...data },
    update: data,
  });
  await bumpAuthzVersion(tx, tenant.id);
  await recordAudit(tx, {
    tenantId: tenant.id,
    actorId: actor.userId,
    action: "support_access.granted",
    targetType: "user",
    targetId: staff.id,
    nodeId: tenant.id,
    details: { bindingId: binding.id, level: input.level, roleId, endsAt: endsAt.toISOString(), reason: input.reason },
    ip: actor.ip,
  });
  await enqueueEmail(
    tx,
    staff.email,
    "access_request",
    accessRequestEmail({
      name: staff.name,
      title: `Support access to ${tenant.name}`,
      lines: [`You have ${input.level === "admin" ? "admin" : "read-only"} support access to ${tenant.name} until ${endsAt.toISOString().slice(0, 16).replace("T", " ")} UTC.`, `Reason: ${input.reason}`],
      url: supportUrl(tenant.id),
    }),
  );
  return { staffId: staff.id, level: input.level, endsAt: endsAt.toISOString() };
}

export async function endSupportAccess(tx: Tx, actor: Actor, input: z.output<typeof supportEndSchema>, now = new Date()) {
  const tenant = ownedTenant(actor.subject, input.tenantId, now.getTime());
  const binding = await tx.roleBinding.findFirst({ where: { userId: input.staffId, nodeId: tenant.id, user: { isPlatformStaff: true } }, select: { id: true, expiresAt: true, startsAt: true } });
  if (!binding) throw notFound("That support access");
  if (!binding.expiresAt || binding.expiresAt <= now) throw new AppError("conflict", "This support access has already ended.");
  await tx.roleBinding.update({ where: { id: binding.id }, data: { expiresAt: now } });
  await bumpAuthzVersion(tx, tenant.id);
  await recordAudit(tx, { tenantId: tenant.id, actorId: actor.userId, action: "support_access.ended", targetType: "user", targetId: input.staffId, nodeId: tenant.id, details: { bindingId: binding.id, early: true }, ip: actor.ip });
  return { staffId: input.staffId, endedAt: now.toISOString() };
}

export type SupportAccessStatus = "active" | "scheduled" | "ended";

/** Support access to the tenant, current and past (platform staff bindings in it), and the staff who could be given it. */
export async function listSupportAccess(db: Db | Tx, actor: Actor, tenantId: string, now = new Date()) {
  ownedTenant(actor.subject, tenantId, now.getTime());
  const [rows, staff] = await Promise.all([
    db.roleBinding.findMany({
      where: { node: { rootId: tenantId }, user: { isPlatformStaff: true } },
      select: { roleId: true, startsAt: true, expiresAt: true, reason: true, node: { select: { name: true } }, user: { select: { id: true, name: true, email: true } }, grantedBy: { select: { name: true } } },
      orderBy: { createdAt: "desc" },
    }),
    db.user.findMany({ where: { isPlatformStaff: true, status: "ACTIVE", deletedAt: null }, select: { id: true, name: true, email: true }, orderBy: { name: "asc" } }),
  ]);
  return {
    grants: rows.map((r) => ({
      staff: r.user,
      place: r.node.name,
      level: r.roleId === builtinRoleId("psm") ? ("read_only" as const) : ("admin" as const),
      startsAt: r.startsAt?.toISOString() ?? null,
      endsAt: r.expiresAt?.toISOString() ?? null,
      reason: r.reason,
      grantedBy: r.grantedBy?.name ?? null,
      // No end date: grants nothing (the policy module ignores it), shown as ended.
      status: (!r.expiresAt || r.expiresAt <= now ? "ended" : r.startsAt && r.startsAt > now ? "scheduled" : "active") as SupportAccessStatus,
    })),
    staff,
  };
}
