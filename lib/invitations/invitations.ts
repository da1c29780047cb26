import { z } from "zod";
import { AppError, fromZodError } from "../api/errors";
import { emailSchema } from "../auth/credentials";
import { bumpAuthzVersion } from "../authz/load";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { addedNoticeEmail, invitationEmail } from "../email/templates";
import { auditForUser } from "../security/audit";
import { securityEnv } from "../security/env";
import { describePolicy, passwordProblems, storePassword } from "../security/password-policy";
import { getSecuritySettingsMany, combinePolicies, userPolicy } from "../security/settings";
import { TOKEN_MESSAGES, checkToken, issueToken, useToken, type TokenFailure } from "../security/tokens";
import { recordAudit } from "../audit/audit";

/**
 * Invitations: an admin invites someone by email with a role at one or more places. A new person
 * gets an INVITED account and a single-use link to set their password; someone who already has
 * an account just gains the roles and gets a notice. Bindings are created at once, and the email
 * goes through the outbox in the same transaction. The caller has already checked permissions.
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

export async function createBindings(tx: Tx, userId: string, email: string, assignments: { nodeId: string; roleId: string }[], grantedById: string, reason: string, nodeById: Map<string, { name: string; rootId: string }>) {
  const existing = await tx.roleBinding.findMany({ where: { userId, nodeId: { in: assignments.map((a) => a.nodeId) } }, select: { nodeId: true } });
  if (existing.length) {
    throw new AppError("conflict", `${email} already has a role at ${existing.map((e) => nodeById.get(e.nodeId)?.name ?? "that place").join(", ")}. Change their role there instead.`);
  }
  for (const a of assignments) await tx.roleBinding.create({ data: { userId, nodeId: a.nodeId, roleId: a.roleId, grantedById, reason } });
  for (const root of new Set(assignments.map((a) => nodeById.get(a.nodeId)!.rootId))) await bumpAuthzVersion(tx, root);
}

async function inviterName(tx: Tx | Db, id: string): Promise<string> {
  return (await tx.user.findUnique({ where: { id }, select: { name: true } }))?.name ?? "An administrator";
}

export async function inviteMember(
  tx: Tx,
  raw: { email: string; name?: string; assignments: { nodeId: string; roleId: string }[]; invitedById: string; ip?: string | null },
): Promise<{ userId: string; invitationId: string | null; existingUser: boolean }> {
  const input = parse(inviteSchema, raw);
  const { nodeById, roots } = await resolveAssignments(tx, input.assignments);
  let user = await tx.user.findUnique({ where: { email: input.email }, select: { id: true, name: true, status: true } });
  const existingUser = user !== null;
  if (user?.status === "DISABLED") throw new AppError("conflict", `The account for ${input.email} is disabled. Enable it before giving it new access.`);
  if (!user) {
    user = await tx.user.create({
      data: { email: input.email, name: input.name || input.email.split("@")[0], status: "INVITED" },
      select: { id: true, name: true, status: true },
    });
  }
  await createBindings(tx, user.id, input.email, input.assignments, input.invitedById, "invited", nodeById);
  const places = input.assignments.map((a) => nodeById.get(a.nodeId)!.name);
  const inviter = await inviterName(tx, input.invitedById);
  const env = securityEnv();
  let invitationId: string | null = null;
  if (user.status === "INVITED") {
    const ttlMs = env.inviteTtlHours * 3_600_000;
    const issued = await issueToken(tx, { userId: user.id, kind: "INVITE", ttlMs, tenantId: roots[0], createdById: input.invitedById, details: { places } });
    invitationId = issued.id;
    await enqueueEmail(tx, input.email, "invitation", invitationEmail({ name: user.name, inviter, places, url: `${env.appUrl}/invite/${issued.token}`, ttlMs }));
  } else {
    await enqueueEmail(tx, input.email, "added", addedNoticeEmail({ name: user.name, inviter, places, url: `${env.appUrl}/login` }));
  }
  for (const tenantId of roots) {
    await recordAudit(tx, {
      tenantId,
      actorId: input.invitedById,
      action: "member.invited",
      targetType: "user",
      targetId: user.id,
      details: { email: input.email, existingUser, assignments: input.assignments.filter((a) => nodeById.get(a.nodeId)!.rootId === tenantId) },
      ip: input.ip ?? null,
    });
  }
  return { userId: user.id, invitationId, existingUser };
}

/** "Send invite" again for someone who hasn't activated yet: a new link replaces the old one. */
export async function resendInvitation(tx: Tx, raw: { userId: string; invitedById: string; ip?: string | null }): Promise<{ invitationId: string }> {
  const input = parse(z.object({ userId: z.uuid(), invitedById: z.uuid(), ip: z.string().max(64).nullish() }), raw);
  const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true, name: true, status: true } });
  if (!user) throw new AppError("not_found", "That person was not found.");
  if (user.status !== "INVITED") throw new AppError("conflict", `${user.email} has already activated their account. Use “Reset password” if they can't sign in.`);
  const bindings = await tx.roleBinding.findMany({ where: { userId: user.id }, select: { node: { select: { name: true, rootId: true } } } });
  const places = bindings.map((b) => b.node.name);
  const env = securityEnv();
  const ttlMs = env.inviteTtlHours * 3_600_000;
  const issued = await issueToken(tx, { userId: user.id, kind: "INVITE", ttlMs, tenantId: bindings[0]?.node.rootId ?? null, createdById: input.invitedById, details: { places } });
  await enqueueEmail(tx, user.email, "invitation", invitationEmail({ name: user.name, inviter: await inviterName(tx, input.invitedById), places, url: `${env.appUrl}/invite/${issued.token}`, ttlMs }));
  await auditForUser(tx, user.id, { actorId: input.invitedById, action: "member.invitation_resent", ip: input.ip });
  return { invitationId: issued.id };
}

export type InvitationView = { ok: true; email: string; name: string; places: string[]; policyHint: string; kind: "INVITE" | "ACTIVATION" } | { ok: false; reason: TokenFailure; message: string };

/** What the invitation page shows for a token: who it is for, or why it can't be used. */
export async function viewInvitation(db: Db | Tx, token: unknown): Promise<InvitationView> {
  const check = await checkToken(db, ["INVITE", "ACTIVATION"], token);
  if (!check.ok) return { ok: false, reason: check.reason, message: TOKEN_MESSAGES.INVITE[check.reason] };
  const user = await db.user.findUniqueOrThrow({ where: { id: check.row.userId }, select: { email: true, name: true } });
  const bindings = await db.roleBinding.findMany({ where: { userId: check.row.userId }, select: { node: { select: { name: true } } } });
  const policy = await userPolicy(db, check.row.userId);
  return { ok: true, email: user.email, name: user.name, places: bindings.map((b) => b.node.name), policyHint: describePolicy(policy.password), kind: check.row.kind as "INVITE" | "ACTIVATION" };
}

export const acceptSchema = z
  .object({
    token: z.string({ error: "This invitation link is not valid." }).min(1, "This invitation link is not valid."),
    name: z.string().trim().min(1, "Enter your name.").max(200, "Keep your name under 200 characters.").optional(),
    password: z.string({ error: "Choose a password." }).min(1, "Choose a password.").max(256, "Use at most 256 characters."),
    confirm: z.string({ error: "Type the password again." }).min(1, "Type the password again."),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords don't match." });

/** Sets the password from an invitation or activation link and activates the account. */
export async function acceptInvitation(tx: Tx, raw: unknown, meta: { ip?: string | null } = {}): Promise<{ email: string }> {
  const input = parse(acceptSchema, raw);
  const check = await checkToken(tx, ["INVITE", "ACTIVATION"], input.token);
  if (!check.ok) throw new AppError(check.reason === "invalid" ? "not_found" : "conflict", TOKEN_MESSAGES.INVITE[check.reason], { token: [TOKEN_MESSAGES.INVITE[check.reason]] });
  const user = await tx.user.findUniqueOrThrow({ where: { id: check.row.userId }, select: { id: true, email: true, name: true, status: true } });
  if (user.status === "DISABLED") throw new AppError("conflict", "This account is disabled. Ask your administrator.");
  const policy = await userPolicy(tx, user.id);
  const problems = passwordProblems(policy.password, input.password, { email: user.email, name: input.name ?? user.name });
  if (problems.length) throw new AppError("invalid", "Choose a stronger password.", { password: problems });
  if (!(await useToken(tx, check.row.id))) throw new AppError("conflict", TOKEN_MESSAGES.INVITE.used, { token: [TOKEN_MESSAGES.INVITE.used] });
  await storePassword(tx, user.id, input.password, { activate: true });
  if (input.name && input.name !== user.name) await tx.user.update({ where: { id: user.id }, data: { name: input.name } });
  await auditForUser(tx, user.id, { actorId: user.id, action: "member.invitation_accepted", ip: meta.ip, details: { kind: check.row.kind } });
  return { email: user.email };
}

/** The strictest password policy of the tenants these assignments are in (for "Add user"). */
export async function policyForAssignments(tx: Tx | Db, roots: string[], roleIdsByRoot: Map<string, Set<string>>) {
  const settings = await getSecuritySettingsMany(tx, roots);
  return combinePolicies(roots.map((tenantId) => ({ tenantId, roles: roleIdsByRoot.get(tenantId) ?? new Set(), settings: settings.get(tenantId)! })));
}
