import { z } from "zod";
import { AppError, fromZodError } from "../api/errors";
import { emailSchema } from "../auth/credentials";
import { hashPassword } from "../auth/password";
import { ADMIN_ROLE_IDS, OWNER_ROLE_IDS } from "../authz/roles";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { activationEmail, resetEmail, securityAlertEmail } from "../email/templates";
import { domainVerifiedHere, liveBinding } from "../members/accounts";
import { assignmentsSchema, createBindings, policyForAssignments, resolveAssignments } from "../invitations/invitations";
import { recordAudit } from "../audit/audit";
import { auditForUser } from "./audit";
import { randomToken } from "./crypto";
import { securityEnv } from "./env";
import { REUSED_PASSWORD, isRecentlyUsed, passwordProblems, storePassword } from "./password-policy";
import { resetLimit } from "./rate-limit";
import { userPolicy } from "./settings";
import { TOKEN_MESSAGES, checkToken, issueToken, useToken } from "./tokens";

/**
 * What administrators (and the public "forgot password" page) do to accounts: reset links,
 * unlock, end sessions, create users. Callers check permissions with the policy module first;
 * these functions validate their input, write the change, queue any email and audit it, all in
 * the caller's transaction.
 */
function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw fromZodError(r.error);
  return r.data;
}

const ip = z.string().max(64).nullish();

export async function sendPasswordReset(tx: Tx, raw: { userId: string; requestedById: string | null; ip?: string | null }): Promise<void> {
  const input = parse(z.object({ userId: z.uuid(), requestedById: z.uuid().nullable(), ip }), raw);
  const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true, name: true, status: true } });
  const byAdmin = input.requestedById !== null;
  if (!user) {
    if (byAdmin) throw new AppError("not_found", "That person was not found.");
    return;
  }
  if (user.status !== "ACTIVE") {
    if (!byAdmin) return; // the public page says the same thing whatever happens
    throw new AppError(
      "conflict",
      user.status === "INVITED" ? `${user.email} hasn't activated their account yet. Send the invitation again instead.` : `The account for ${user.email} is disabled. Enable it first.`,
    );
  }
  const env = securityEnv();
  const ttlMs = env.resetTtlMinutes * 60_000;
  const issued = await issueToken(tx, { userId: user.id, kind: "RESET", ttlMs, createdById: input.requestedById });
  await enqueueEmail(tx, user.email, "reset", resetEmail({ name: user.name, url: `${env.appUrl}/reset-password/${issued.token}`, ttlMs, byAdmin }));
  await auditForUser(tx, user.id, { actorId: input.requestedById, action: "auth.password_reset_requested", ip: input.ip, details: { byAdmin } });
}

/** The public "forgot password" request: the same answer whether or not the email exists. */
export async function requestPasswordReset(tx: Tx, raw: unknown, meta: { ip?: string | null }): Promise<void> {
  const { email } = parse(z.object({ email: emailSchema }), raw);
  const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
  if (user) await sendPasswordReset(tx, { userId: user.id, requestedById: null, ip: meta.ip ?? null });
}

export const newPasswordSchema = z
  .object({
    password: z.string({ error: "Choose a password." }).min(1, "Choose a password.").max(256, "Use at most 256 characters."),
    confirm: z.string({ error: "Type the password again." }).min(1, "Type the password again."),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords don't match." });

/** Checks a new password against the person's policy and history; throws the per-field messages. */
export async function assertAcceptablePassword(tx: Tx | Db, userId: string, password: string): Promise<void> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, name: true } });
  const policy = await userPolicy(tx, userId);
  const problems = passwordProblems(policy.password, password, user);
  if (problems.length) throw new AppError("invalid", "Choose a stronger password.", { password: problems });
  if (await isRecentlyUsed(tx, userId, password, policy.password.historyCount)) throw new AppError("invalid", "Choose a password you haven't used before.", { password: [REUSED_PASSWORD(policy.password.historyCount)] });
}

/** Completes a reset from the emailed link: new password, every session signed out, an alert sent. */
export async function completePasswordReset(tx: Tx, raw: unknown, meta: { ip?: string | null } = {}): Promise<{ email: string }> {
  const input = parse(newPasswordSchema.and(z.object({ token: z.string().min(1, TOKEN_MESSAGES.RESET.invalid) })), raw);
  const check = await checkToken(tx, ["RESET"], input.token);
  if (!check.ok) throw new AppError(check.reason === "invalid" ? "not_found" : "conflict", TOKEN_MESSAGES.RESET[check.reason], { token: [TOKEN_MESSAGES.RESET[check.reason]] });
  const userId = check.row.userId;
  await assertAcceptablePassword(tx, userId, input.password);
  if (!(await useToken(tx, check.row.id))) throw new AppError("conflict", TOKEN_MESSAGES.RESET.used, { token: [TOKEN_MESSAGES.RESET.used] });
  await storePassword(tx, userId, input.password);
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, name: true } });
  await endSessionsRaw(tx, userId, "password reset");
  await resetLimit("signInAccount", user.email);
  await enqueueEmail(tx, user.email, "security_alert", securityAlertEmail({ name: user.name, title: "your password was changed", lines: ["Your CareAccess password was just reset, and every device was signed out.", "If this wasn't you, contact your administrator right away."] }));
  await auditForUser(tx, userId, { actorId: userId, action: "auth.password_reset", ip: meta.ip });
  return { email: user.email };
}

export async function unlockAccount(tx: Tx, raw: { userId: string; byUserId: string; ip?: string | null }): Promise<void> {
  const input = parse(z.object({ userId: z.uuid(), byUserId: z.uuid(), ip }), raw);
  const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true, lockedUntil: true, failedLoginCount: true } });
  if (!user) throw new AppError("not_found", "That person was not found.");
  await tx.user.update({ where: { id: user.id }, data: { lockedUntil: null, failedLoginCount: 0 } });
  await resetLimit("signInAccount", user.email);
  await auditForUser(tx, user.id, { actorId: input.byUserId, action: "auth.account_unlocked", ip: input.ip, details: { wasLocked: !!user.lockedUntil && user.lockedUntil > new Date() } });
}

async function endSessionsRaw(tx: Tx | Db, userId: string, reason: string, exceptSessionId?: string): Promise<number> {
  const { count } = await tx.session.updateMany({
    where: { userId, revokedAt: null, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
    data: { revokedAt: new Date(), revokedReason: reason.slice(0, 200) },
  });
  return count;
}

/** Signs a person out everywhere (except, optionally, the session asking). Returns how many ended. */
export async function endSessions(tx: Tx, raw: { userId: string; byUserId: string; reason: string; exceptSessionId?: string }): Promise<number> {
  const input = parse(z.object({ userId: z.uuid(), byUserId: z.uuid(), reason: z.string().trim().min(1).max(200), exceptSessionId: z.string().max(200).optional() }), raw);
  const count = await endSessionsRaw(tx, input.userId, input.reason, input.exceptSessionId);
  await auditForUser(tx, input.userId, { actorId: input.byUserId, action: "auth.sessions_ended", details: { count, reason: input.reason, self: input.userId === input.byUserId } });
  return count;
}

export const createUserSchema = z.object({
  email: emailSchema,
  name: z.string({ error: "Enter the person's name." }).trim().min(1, "Enter the person's name.").max(200, "Keep the name under 200 characters."),
  phone: z.string().trim().max(40, "That phone number is too long.").regex(/^[+()\d\s.-]*$/, "Use digits, spaces and + ( ) - only.").optional(),
  password: z.string().max(256, "Use at most 256 characters.").nullable(),
  assignments: assignmentsSchema,
  createdById: z.uuid(),
});

/**
 * "Add user": with a password the admin chose (must meet the tenant's policy; the person must
 * change it at first sign-in), or with null, an INVITED account and an emailed activation link.
 */
export async function createUserWithPassword(
  tx: Tx,
  raw: { email: string; name: string; phone?: string; password: string | null; assignments: { nodeId: string; roleId: string }[]; createdById: string },
): Promise<{ userId: string }> {
  const input = parse(createUserSchema, raw);
  const { nodeById, roots } = await resolveAssignments(tx, input.assignments);
  if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    throw new AppError("conflict", `An account for ${input.email} already exists. Invite them to add a role here instead.`, { email: ["An account with this email already exists."] });
  }
  const rolesByRoot = new Map<string, Set<string>>();
  for (const a of input.assignments) {
    const root = nodeById.get(a.nodeId)!.rootId;
    rolesByRoot.set(root, (rolesByRoot.get(root) ?? new Set()).add(a.roleId));
  }
  if (input.password !== null) {
    // A password chosen by an admin makes the account usable at once, before anyone proved they own
    // the address: only for addresses in a domain this organization has verified.
    if (!(await domainVerifiedHere(tx, input.email, roots[0]))) {
      throw new AppError("invalid", "Some fields need attention.", {
        password: ["You can set a password only for addresses in a domain your organization has verified. Send an activation email instead."],
      });
    }
    const policy = await policyForAssignments(tx, roots, rolesByRoot);
    const problems = passwordProblems(policy.password, input.password, { email: input.email, name: input.name });
    if (problems.length) throw new AppError("invalid", "Choose a stronger password.", { password: problems });
  }
  const user = await tx.user.create({
    data: {
      email: input.email,
      name: input.name,
      phone: input.phone || null,
      status: input.password === null ? "INVITED" : "ACTIVE",
      passwordHash: input.password === null ? null : await hashPassword(input.password),
      passwordChangedAt: input.password === null ? null : new Date(),
      mustChangePassword: input.password !== null,
      // With a password (verified domain): managed here at once. With an activation link: once activated.
      managedByTenantId: input.password === null ? null : roots[0],
    },
    select: { id: true },
  });
  // Without a password the roles wait for the activation link, like an invitation's.
  await createBindings(tx, user.id, input.email, input.assignments, input.createdById, "added by an administrator", nodeById, { pending: input.password === null });
  if (input.password === null) {
    const env = securityEnv();
    const ttlMs = env.activationTtlHours * 3_600_000;
    const issued = await issueToken(tx, { userId: user.id, kind: "ACTIVATION", ttlMs, tenantId: roots[0], createdById: input.createdById });
    await enqueueEmail(tx, input.email, "activation", activationEmail({ name: input.name, url: `${env.appUrl}/invite/${issued.token}`, ttlMs }));
  }
  for (const tenantId of roots) {
    await recordAudit(tx, { tenantId, actorId: input.createdById, action: "member.created", targetType: "user", targetId: user.id, details: { email: input.email, passwordSetByAdmin: input.password !== null } });
  }
  return { userId: user.id };
}

/** Admins (owners and admins at the tenant root) who get security alerts about a tenant. */
export async function tenantAdmins(db: Db | Tx, tenantId: string): Promise<{ id: string; email: string; name: string }[]> {
  const rows = await db.roleBinding.findMany({
    // Accepted, live and not suspended here: an invitee or a suspended admin gets no alerts about this tenant's people.
    where: {
      ...liveBinding(),
      roleId: { in: [...OWNER_ROLE_IDS, ...ADMIN_ROLE_IDS] },
      node: { rootId: tenantId, archivedAt: null },
      user: { status: "ACTIVE", suspensions: { none: { tenantId } } },
    },
    select: { user: { select: { id: true, email: true, name: true } } },
  });
  return [...new Map(rows.map((r) => [r.user.id, r.user])).values()];
}

/** Generates a strong temporary password (for tests and tools; the UI never shows one to an admin). */
export function generatePassword(): string {
  return randomToken(18);
}
