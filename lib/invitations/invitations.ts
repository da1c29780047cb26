import { z } from "zod";
import { AppError, fromZodError } from "../api/errors";
import { emailSchema } from "../auth/credentials";
import { bumpAuthzVersion } from "../authz/load";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { invitationEmail, joinInvitationEmail } from "../email/templates";
import { auditForUser } from "../security/audit";
import { securityEnv } from "../security/env";
import { describePolicy, passwordProblems, storePassword } from "../security/password-policy";
import { getSecuritySettingsMany, combinePolicies, userPolicy } from "../security/settings";
import { TOKEN_MESSAGES, checkToken, issueToken, useToken, type TokenFailure } from "../security/tokens";
import { recordAudit } from "../audit/audit";
import { domainVerifiedElsewhere } from "../members/accounts";

/**
 * Invitations: an admin invites someone by email with a role at one or more places. The roles are
 * created *pending*: they grant nothing until the person accepts. A new email gets an INVITED
 * account (managed by the inviting tenant) and a link to set a password; an existing account gets
 * a link to accept or decline, and sees the invitation in the app too. The inviter's answer is the
 * same either way, so an invitation never tells whether an email has an account.
 */
export const assignmentsSchema = z
  .array(z.object({ nodeId: z.uuid({ error: "Choose a place." }), roleId: z.string({ error: "Choose a role." }).min(1, "Choose a role.").max(200) }))
  .min(1, "Choose at least one place and role.")
  .max(50, "At most 50 places at once.")
  .refine((a) => new Set(a.map((x) => x.nodeId)).size === a.length, "Each place can be chosen only once.");

export const inviteSchema = z.object({
  email: emailSchema,
  name: z.string().trim().max(200, "Keep the name under 200 characters.").optional(),
  assignments: assignmentsSchema,
  invitedById: z.uuid(),
  ip: z.string().max(64).nullish(),
});
export type InviteInput = z.input<typeof inviteSchema>;

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw fromZodError(r.error);
  return r.data;
}

/** Loads and checks the nodes and roles of assignments; returns node names by id and the tenant roots. */
export async function resolveAssignments(tx: Tx | Db, assignments: { nodeId: string; roleId: string }[]) {
  const nodes = await tx.orgNode.findMany({ where: { id: { in: assignments.map((a) => a.nodeId) } }, select: { id: true, name: true, rootId: true, archivedAt: true } });
  const roles = await tx.role.findMany({ where: { id: { in: assignments.map((a) => a.roleId) } }, select: { id: true, tenantId: true } });
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const roleById = new Map(roles.map((r) => [r.id, r]));
  const fields: Record<string, string[]> = {};
  assignments.forEach((a, i) => {
    const node = nodeById.get(a.nodeId);
    if (!node || node.archivedAt) (fields[`assignments.${i}.nodeId`] ??= []).push("That place doesn't exist.");
    const role = roleById.get(a.roleId);
    if (!role || (node && role.tenantId && role.tenantId !== node.rootId)) (fields[`assignments.${i}.roleId`] ??= []).push("That role isn't available here.");
  });
  if (Object.keys(fields).length) throw new AppError("invalid", "Some fields need attention.", fields);
  return { nodeById, roots: [...new Set(nodes.map((n) => n.rootId))] };
}

export async function createBindings(
  tx: Tx,
  userId: string,
  email: string,
  assignments: { nodeId: string; roleId: string }[],
  grantedById: string,
  reason: string,
  nodeById: Map<string, { name: string; rootId: string }>,
  options: { pending?: boolean } = {},
) {
  const existing = await tx.roleBinding.findMany({ where: { userId, nodeId: { in: assignments.map((a) => a.nodeId) } }, select: { nodeId: true } });
  if (existing.length) {
    throw new AppError("conflict", `${email} already has a role at ${existing.map((e) => nodeById.get(e.nodeId)?.name ?? "that place").join(", ")}. Change their role there instead.`);
  }
  for (const a of assignments) await tx.roleBinding.create({ data: { userId, nodeId: a.nodeId, roleId: a.roleId, grantedById, reason, pending: options.pending ?? false } });
  for (const root of new Set(assignments.map((a) => nodeById.get(a.nodeId)!.rootId))) await bumpAuthzVersion(tx, root);
}

async function inviterName(tx: Tx | Db, id: string): Promise<string> {
  return (await tx.user.findUnique({ where: { id }, select: { name: true } }))?.name ?? "An administrator";
}

export interface InvitationSent {
  email: string;
  /** The same for every email: whether it has an account is the invitee's business. */
  message: string;
}

export async function inviteMember(
  tx: Tx,
  raw: { email: string; name?: string; assignments: { nodeId: string; roleId: string }[]; invitedById: string; ip?: string | null },
): Promise<InvitationSent> {
  const input = parse(inviteSchema, raw);
  const { nodeById, roots } = await resolveAssignments(tx, input.assignments);
  if (roots.length !== 1) throw new AppError("invalid", "Some fields need attention.", { assignments: ["Choose places of one organization."] });
  const tenantId = roots[0];
  let user = await tx.user.findUnique({ where: { email: input.email }, select: { id: true, name: true, status: true } });
  if (!user) {
    // A new person: no one manages the account until they activate it through a tenant's link
    // (acceptInvitation); otherwise a stranger could claim any address before its real employer.
    user = await tx.user.create({
      data: { email: input.email, name: input.name || input.email.split("@")[0], status: "INVITED" },
      select: { id: true, name: true, status: true },
    });
  }
  await createBindings(tx, user.id, input.email, input.assignments, input.invitedById, "invited", nodeById, { pending: true });
  await sendInvitation(tx, { user: { ...user, email: input.email }, tenantId, invitedById: input.invitedById, places: input.assignments.map((a) => nodeById.get(a.nodeId)!.name) });
  await recordAudit(tx, {
    tenantId,
    actorId: input.invitedById,
    action: "member.invited",
    targetType: "user",
    targetId: user.id,
    details: { email: input.email, assignments: input.assignments },
    ip: input.ip ?? null,
  });
  return invitationSent(input.email);
}

export const invitationSent = (email: string): InvitationSent => ({
  email,
  message: `Invitation sent to ${email}. Their access starts when they accept it.`,
});

/** The link and the email: set a password (no account yet) or accept with the existing account. */
async function sendInvitation(tx: Tx, p: { user: { id: string; name: string; email: string; status: string }; tenantId: string; invitedById: string; places: string[] }) {
  const env = securityEnv();
  const ttlMs = env.inviteTtlHours * 3_600_000;
  const issued = await issueToken(tx, { userId: p.user.id, kind: "INVITE", ttlMs, tenantId: p.tenantId, createdById: p.invitedById, details: { places: p.places } });
  const content = { name: p.user.name, inviter: await inviterName(tx, p.invitedById), places: p.places, url: `${env.appUrl}/invite/${issued.token}`, ttlMs };
  await enqueueEmail(tx, p.user.email, "invitation", p.user.status === "INVITED" ? invitationEmail(content) : joinInvitationEmail(content));
  return issued;
}

/** "Send invite" again to someone whose invitation to this tenant is still pending: a new link replaces the old one. */
export async function resendInvitation(tx: Tx, raw: { userId: string; tenantId: string; invitedById: string; ip?: string | null }): Promise<{ invitationId: string }> {
  const input = parse(z.object({ userId: z.uuid(), tenantId: z.uuid(), invitedById: z.uuid(), ip: z.string().max(64).nullish() }), raw);
  const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true, name: true, status: true } });
  if (!user) throw new AppError("not_found", "That person was not found.");
  const pending = await tx.roleBinding.findMany({ where: { userId: user.id, pending: true, node: { rootId: input.tenantId } }, select: { node: { select: { name: true } } } });
  if (pending.length === 0) throw new AppError("conflict", `${user.email} has already accepted. Use “Reset password” if they can't sign in.`);
  const issued = await sendInvitation(tx, { user, tenantId: input.tenantId, invitedById: input.invitedById, places: pending.map((b) => b.node.name) });
  await recordAudit(tx, { tenantId: input.tenantId, actorId: input.invitedById, action: "member.invitation_resent", targetType: "user", targetId: user.id, ip: input.ip ?? null });
  return { invitationId: issued.id };
}

export type InvitationView =
  | { ok: true; email: string; name: string; places: string[]; policyHint: string; kind: "INVITE" | "ACTIVATION"; needsPassword: boolean }
  | { ok: false; reason: TokenFailure; message: string };

/** Bindings a link offers: the pending ones of its own tenant, never another tenant's invitation. */
function offeredWhere(row: { userId: string; tenantId: string | null }) {
  return row.tenantId ? { userId: row.userId, pending: true, node: { rootId: row.tenantId } } : { id: { in: [] as string[] } };
}

/** What the invitation page shows for a token: who it is for, or why it can't be used. */
export async function viewInvitation(db: Db | Tx, token: unknown): Promise<InvitationView> {
  const check = await checkToken(db, ["INVITE", "ACTIVATION"], token);
  if (!check.ok) return { ok: false, reason: check.reason, message: TOKEN_MESSAGES.INVITE[check.reason] };
  const user = await db.user.findUniqueOrThrow({ where: { id: check.row.userId }, select: { email: true, name: true, status: true } });
  const offered = await db.roleBinding.findMany({ where: offeredWhere(check.row), select: { node: { select: { name: true } } } });
  const policy = await userPolicy(db, check.row.userId);
  return {
    ok: true,
    email: user.email,
    name: user.name,
    places: offered.map((b) => b.node.name),
    policyHint: describePolicy(policy.password),
    kind: check.row.kind as "INVITE" | "ACTIVATION",
    needsPassword: user.status !== "ACTIVE",
  };
}

export const acceptSchema = z
  .object({
    token: z.string({ error: "This invitation link is not valid." }).min(1, "This invitation link is not valid."),
    name: z.string().trim().min(1, "Enter your name.").max(200, "Keep your name under 200 characters.").optional(),
    /** Only for an account that has no password yet; an existing account just accepts. */
    password: z.string({ error: "Choose a password." }).min(1, "Choose a password.").max(256, "Use at most 256 characters.").optional(),
    confirm: z.string({ error: "Type the password again." }).min(1, "Type the password again.").optional(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords don't match." });

/**
 * Accepts an invitation or activation link: an account without a password sets one and is
 * activated; an existing account just accepts. Either way the offered roles become live.
 */
export async function acceptInvitation(tx: Tx, raw: unknown, meta: { ip?: string | null } = {}): Promise<{ email: string; places: string[] }> {
  const input = parse(acceptSchema, raw);
  const check = await checkToken(tx, ["INVITE", "ACTIVATION"], input.token);
  if (!check.ok) throw new AppError(check.reason === "invalid" ? "not_found" : "conflict", TOKEN_MESSAGES.INVITE[check.reason], { token: [TOKEN_MESSAGES.INVITE[check.reason]] });
  const user = await tx.user.findUniqueOrThrow({ where: { id: check.row.userId }, select: { id: true, email: true, name: true, status: true } });
  if (user.status === "DISABLED") throw new AppError("conflict", "This account is disabled. Ask your administrator.");
  const setsPassword = user.status === "INVITED";
  if (setsPassword) {
    if (!input.password) throw new AppError("invalid", "Choose a password.", { password: ["Choose a password."] });
    const policy = await userPolicy(tx, user.id);
    const problems = passwordProblems(policy.password, input.password, { email: user.email, name: input.name ?? user.name });
    if (problems.length) throw new AppError("invalid", "Choose a stronger password.", { password: problems });
  }
  if (!(await useToken(tx, check.row.id))) throw new AppError("conflict", TOKEN_MESSAGES.INVITE.used, { token: [TOKEN_MESSAGES.INVITE.used] });
  if (setsPassword) {
    await storePassword(tx, user.id, input.password!, { activate: true });
    if (input.name && input.name !== user.name) await tx.user.update({ where: { id: user.id }, data: { name: input.name } });
    // Activated through this tenant's link: it created the account, so it manages it, unless
    // another tenant has verified the email's domain (then that tenant does).
    if (check.row.tenantId && !(await domainVerifiedElsewhere(tx, user.email, check.row.tenantId))) {
      await tx.user.updateMany({ where: { id: user.id, managedByTenantId: null }, data: { managedByTenantId: check.row.tenantId } });
    }
  }
  const places = await settleOffered(tx, check.row, "accept");
  await auditForUser(tx, user.id, { actorId: user.id, action: "member.invitation_accepted", ip: meta.ip, details: { kind: check.row.kind, places }, tenantIds: check.row.tenantId ? [check.row.tenantId] : undefined });
  return { email: user.email, places };
}

/** Declines an invitation link: the offered roles are removed and the link can't be used again. */
export async function declineInvitation(tx: Tx, raw: unknown, meta: { ip?: string | null } = {}): Promise<{ places: string[] }> {
  const input = parse(z.object({ token: acceptSchema.shape.token }), raw);
  const check = await checkToken(tx, ["INVITE"], input.token);
  if (!check.ok) throw new AppError(check.reason === "invalid" ? "not_found" : "conflict", TOKEN_MESSAGES.INVITE[check.reason], { token: [TOKEN_MESSAGES.INVITE[check.reason]] });
  if (!(await useToken(tx, check.row.id))) throw new AppError("conflict", TOKEN_MESSAGES.INVITE.used, { token: [TOKEN_MESSAGES.INVITE.used] });
  const places = await settleOffered(tx, check.row, "decline");
  await auditForUser(tx, check.row.userId, { actorId: check.row.userId, action: "member.invitation_declined", ip: meta.ip, details: { places }, tenantIds: check.row.tenantId ? [check.row.tenantId] : undefined });
  return { places };
}

/** Makes the offered roles live (accept) or removes them (decline); bumps each tenant's authz version. */
async function settleOffered(tx: Tx, row: { userId: string; tenantId: string | null }, answer: "accept" | "decline"): Promise<string[]> {
  const offered = await tx.roleBinding.findMany({ where: offeredWhere(row), select: { id: true, node: { select: { name: true, rootId: true, archivedAt: true } } } });
  const ids = offered.map((b) => b.id);
  if (answer === "accept") await tx.roleBinding.updateMany({ where: { id: { in: ids } }, data: { pending: false } });
  else await tx.roleBinding.deleteMany({ where: { id: { in: ids } } });
  for (const root of new Set(offered.map((b) => b.node.rootId))) await bumpAuthzVersion(tx, root);
  return offered.filter((b) => !b.node.archivedAt).map((b) => b.node.name);
}

/** Invitations waiting for the signed-in person, one per tenant (the home page lists them). */
export async function pendingInvitations(db: Db | Tx, userId: string) {
  const rows = await db.roleBinding.findMany({
    where: { userId, pending: true, node: { archivedAt: null } },
    orderBy: { createdAt: "asc" },
    select: { node: { select: { name: true, rootId: true } }, role: { select: { name: true } }, grantedBy: { select: { name: true } } },
  });
  const byTenant = new Map<string, { tenantId: string; places: string[]; invitedBy: string | null }>();
  for (const r of rows) {
    const entry = byTenant.get(r.node.rootId) ?? { tenantId: r.node.rootId, places: [], invitedBy: r.grantedBy?.name ?? null };
    entry.places.push(`${r.node.name} (${r.role.name})`);
    byTenant.set(r.node.rootId, entry);
  }
  return [...byTenant.values()];
}

/** The signed-in person answers an invitation in the app (no link needed: they are who it is for). */
export async function answerInvitation(tx: Tx, userId: string, tenantId: string, answer: "accept" | "decline", meta: { ip?: string | null } = {}) {
  const count = await tx.roleBinding.count({ where: { userId, pending: true, node: { rootId: tenantId } } });
  if (count === 0) throw new AppError("not_found", "That invitation was not found. It may have been withdrawn or already answered.");
  const places = await settleOffered(tx, { userId, tenantId }, answer);
  // The email link of this invitation can't be used any more.
  await tx.accountToken.updateMany({ where: { userId, kind: "INVITE", tenantId, usedAt: null, replacedAt: null }, data: { usedAt: new Date() } });
  await auditForUser(tx, userId, { actorId: userId, action: answer === "accept" ? "member.invitation_accepted" : "member.invitation_declined", ip: meta.ip, details: { places }, tenantIds: [tenantId] });
  return { places };
}

/** The strictest password policy of the tenants these assignments are in (for "Add user"). */
export async function policyForAssignments(tx: Tx | Db, roots: string[], roleIdsByRoot: Map<string, Set<string>>) {
  const settings = await getSecuritySettingsMany(tx, roots);
  return combinePolicies(roots.map((tenantId) => ({ tenantId, roles: roleIdsByRoot.get(tenantId) ?? new Set(), settings: settings.get(tenantId)! })));
}
