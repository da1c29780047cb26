import { z } from "zod";
import { AppError, notFound } from "../api/errors";
import { ROLE_TEMPLATES, builtinRoleId, decide, resolveRoleGrants, type Grant, type Permission, type Subject } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { tenantRoleRows } from "../roles/custom";
import type { LegacyUser, PracticeSystemClient } from "./connector";

/**
 * Legacy migration of one practice-system practice into a CareAccess practice (issue 14):
 * preflight → dry run (plan) → apply in one transaction → rollback within a window.
 *
 * Each legacy flag means a fixed set of CareAccess permissions (FLAG_PERMISSIONS, disjoint sets);
 * `is_practice_admin` implies every flag, as it does in the old system. A person's target is the
 * union for the flags the old system allows them; they get the closest role (fewest changes) plus
 * per-binding adjustments that make their permissions at the practice exactly the target: nobody
 * gains or loses a permission. Owners are never a candidate (an owner's removals don't apply).
 */

export const FLAG_PERMISSIONS: Record<string, readonly Permission[]> = {
  can_view_patients: ["patients.read_contact", "patients.read"],
  can_edit_patients: ["patients.create", "patients.edit"],
  can_view_schedule: ["appointments.read"],
  can_edit_schedule: ["appointments.create", "appointments.edit", "appointments.delete", "appointments.check_in"],
  can_process_payments: ["payments.read", "payments.process", "charges.read", "charges.create"],
  can_issue_refunds: ["refunds.read", "refunds.create", "refunds.process"],
  can_view_reports: ["billing_reports.read"],
  can_manage_inventory: ["products.read", "products.edit", "stock.read", "stock.edit"],
  can_manage_users: ["members.read_contact", "members.read", "members.create", "members.edit", "members.manage_roles"],
  is_practice_admin: ["settings.read", "settings.edit", "locations.read"],
};
export const KNOWN_LEGACY_FLAGS = Object.keys(FLAG_PERMISSIONS);

/** The old system's answer (mirrors practice-system/server.ts legacyAllows). */
export const legacyAllows = (flags: readonly string[], flag: string) => flags.includes(flag) || (flags.includes("is_practice_admin") && KNOWN_LEGACY_FLAGS.includes(flag));

export function targetPermissions(flags: readonly string[]): Set<Permission> {
  return new Set(KNOWN_LEGACY_FLAGS.filter((f) => legacyAllows(flags, f)).flatMap((f) => FLAG_PERMISSIONS[f]));
}

export interface CandidateRole {
  id: string;
  name: string;
  grants: readonly Grant[];
}

export interface RoleChoice {
  roleId: string;
  roleName: string;
  add: Permission[];
  remove: Permission[];
}

const plain = (g: Grant) => (g.scope ?? "subtree") === "subtree" && !g.conditions;

/** The closest role for a target set, and the adjustments that make it exact. */
export function closestRole(target: ReadonlySet<Permission>, roles: readonly CandidateRole[]): RoleChoice {
  let best: RoleChoice | null = null;
  for (const r of roles) {
    const byPerm = new Map<Permission, Grant[]>();
    for (const g of r.grants) byPerm.set(g.permission, [...(byPerm.get(g.permission) ?? []), g]);
    const exact = new Set([...byPerm].filter(([p, gs]) => target.has(p) && gs.length === 1 && plain(gs[0])).map(([p]) => p));
    const remove = [...byPerm.keys()].filter((p) => !exact.has(p)).sort();
    const add = [...target].filter((p) => !exact.has(p)).sort();
    if (!best || add.length + remove.length < best.add.length + best.remove.length) best = { roleId: r.id, roleName: r.name, add, remove };
  }
  return best!;
}

export interface PreflightIssue {
  kind: "unknown_flag" | "invalid_email" | "duplicate_email" | "several_practices" | "no_admin" | "no_exact_role" | "existing_account" | "already_bound";
  /** blocking: apply refuses until fixed in the practice system; decision: apply goes ahead as the plan says. */
  severity: "blocking" | "decision" | "info";
  userId?: string;
  message: string;
}

export interface PlannedPerson {
  legacyUserId: string;
  email: string;
  name: string;
  flags: string[];
  choice: RoleChoice;
  /** Existing account (joined by email) or a new one managed by the tenant. */
  account: "new" | "existing";
  skip: boolean;
}

export interface MigrationPlan {
  sourcePracticeId: string;
  nodeId: string;
  people: PlannedPerson[];
  issues: PreflightIssue[];
  summary: { people: number; exactRole: number; adjusted: number; skipped: number; blocking: number; byRole: Record<string, number> };
}

const emailOk = (e: string) => z.email().safeParse(e).success;

/** Candidate roles at a clinic tenant: its built-in clinic roles (not Owner) and its custom roles. */
export async function candidateRoles(db: Db | Tx, tenantId: string): Promise<CandidateRole[]> {
  const custom = await tenantRoleRows(db, tenantId);
  const builtins = ROLE_TEMPLATES.filter((t) => t.family === "clinic" && t.key !== "owner").map((t) => ({ id: builtinRoleId(t.key), name: t.name, grants: t.grants }));
  return [...builtins, ...[...custom.values()].map((r) => ({ id: r.id, name: r.name, grants: resolveRoleGrants(r.id, custom) }))];
}

/** Every email in the practice system with the practices it is in (the "several practices" check). */
export type PracticeDirectory = Map<string, { id: string; name: string }[]>;
export async function practiceDirectory(client: PracticeSystemClient): Promise<PracticeDirectory> {
  const out: PracticeDirectory = new Map();
  for (const p of await client.practices()) {
    for (const u of await client.users(p.id)) {
      const email = u.email.toLowerCase();
      out.set(email, [...(out.get(email) ?? []), { id: p.id, name: p.name }]);
    }
  }
  return out;
}

/**
 * Preflight + dry run: reads the practice system over HTTP, writes nothing anywhere. A batch of
 * migrations (a whole enterprise) passes one `directory` read up front instead of each plan
 * reading every practice again.
 */
export async function planMigration(db: Db | Tx, client: PracticeSystemClient, input: { nodeId: string; sourcePracticeId: string }, opts: { directory?: PracticeDirectory } = {}): Promise<MigrationPlan> {
  const node = await db.orgNode.findUnique({ where: { id: input.nodeId }, select: { id: true, kind: true, rootId: true } });
  if (!node || node.kind !== "PRACTICE") throw notFound("That practice");
  const users = await client.users(input.sourcePracticeId);
  // People in several practices: the same email elsewhere in the practice system.
  const elsewhere = new Map<string, string[]>();
  for (const [email, practices] of opts.directory ?? (await practiceDirectory(client))) {
    const others = practices.filter((p) => p.id !== input.sourcePracticeId).map((p) => p.name);
    if (others.length) elsewhere.set(email, others);
  }
  const roles = await candidateRoles(db, node.rootId);
  const issues: PreflightIssue[] = [];
  const emails = new Map<string, LegacyUser[]>();
  for (const u of users) emails.set(u.email.toLowerCase(), [...(emails.get(u.email.toLowerCase()) ?? []), u]);
  const existing = new Map(
    (await db.user.findMany({ where: { email: { in: users.map((u) => u.email.toLowerCase()) } }, select: { id: true, email: true, bindings: { select: { nodeId: true, node: { select: { rootId: true } } } } } })).map((u) => [u.email, u]),
  );
  const people: PlannedPerson[] = users.map((u) => {
    const email = u.email.trim().toLowerCase();
    let skip = false;
    for (const f of u.flags.filter((f) => !KNOWN_LEGACY_FLAGS.includes(f))) {
      issues.push({ kind: "unknown_flag", severity: "decision", userId: u.userId, message: `${u.name}: "${f}" is not a flag CareAccess knows; it is ignored (the old system ignores it too).` });
    }
    if (!emailOk(email)) {
      issues.push({ kind: "invalid_email", severity: "blocking", userId: u.userId, message: `${u.name}: "${u.email}" is not a valid email address.` });
      skip = true;
    } else if ((emails.get(email)?.length ?? 0) > 1) {
      issues.push({ kind: "duplicate_email", severity: "blocking", userId: u.userId, message: `${u.name}: ${email} is used by ${emails.get(email)!.length} people in this practice.` });
      skip = true;
    }
    if (elsewhere.has(email)) {
      issues.push({ kind: "several_practices", severity: "info", userId: u.userId, message: `${u.name} is also in ${elsewhere.get(email)!.join(", ")}: one account, a role in each practice migrated.` });
    }
    const account = existing.get(email);
    if (account) {
      if (account.bindings.some((b) => b.nodeId === node.id)) {
        issues.push({ kind: "already_bound", severity: "decision", userId: u.userId, message: `${u.name} already has a role at this practice; left as it is.` });
        skip = true;
      } else if (!account.bindings.some((b) => b.node.rootId === node.rootId)) {
        // An existing account joins a tenant only by accepting an invitation.
        issues.push({ kind: "existing_account", severity: "decision", userId: u.userId, message: `${u.name} (${email}) already has a CareAccess account outside this organisation; invite them instead.` });
        skip = true;
      }
    }
    const choice = closestRole(targetPermissions(u.flags), roles);
    if (choice.add.length || choice.remove.length) {
      issues.push({
        kind: "no_exact_role",
        severity: "info",
        userId: u.userId,
        message: `${u.name}: no role matches [${u.flags.join(", ") || "no flags"}] exactly; ${choice.roleName} with ${choice.add.length} added and ${choice.remove.length} removed.`,
      });
    }
    return { legacyUserId: u.userId, email, name: u.name, flags: u.flags, choice, account: account ? "existing" : "new", skip };
  });
  if (!users.some((u) => legacyAllows(u.flags, "is_practice_admin"))) {
    issues.push({ kind: "no_admin", severity: "decision", message: "Nobody in this practice is a practice admin: an enterprise admin will manage it." });
  }
  const byRole: Record<string, number> = {};
  for (const p of people.filter((p) => !p.skip)) byRole[p.choice.roleName] = (byRole[p.choice.roleName] ?? 0) + 1;
  const live = people.filter((p) => !p.skip);
  return {
    sourcePracticeId: input.sourcePracticeId,
    nodeId: node.id,
    people,
    issues,
    summary: {
      people: people.length,
      exactRole: live.filter((p) => !p.choice.add.length && !p.choice.remove.length).length,
      adjusted: live.filter((p) => p.choice.add.length || p.choice.remove.length).length,
      skipped: people.length - live.length,
      blocking: issues.filter((i) => i.severity === "blocking").length,
      byRole,
    },
  };
}

export const ROLLBACK_WINDOW_MS = 24 * 3600_000;

/** Applies a fresh plan in the caller's transaction: accounts, bindings, links, one audit row. */
export async function applyMigration(
  tx: Tx,
  client: PracticeSystemClient,
  actor: { userId: string; ip: string | null },
  input: { nodeId: string; sourcePracticeId: string; allowBlocking?: boolean },
  now = new Date(),
  opts: { directory?: PracticeDirectory } = {},
) {
  // The feed's head before the read: EM Sync turned on later starts pulling there (nothing older is replayed).
  const feedHead = (await client.changes(0, 1)).head;
  const plan = await planMigration(tx, client, input, opts);
  if (plan.summary.blocking && !input.allowBlocking) {
    throw new AppError("conflict", `Fix the ${plan.summary.blocking} blocking issue(s) in the practice system first.`, { _: plan.issues.filter((i) => i.severity === "blocking").map((i) => i.message) });
  }
  const node = await tx.orgNode.findUniqueOrThrow({ where: { id: input.nodeId }, select: { rootId: true } });
  const migration = await tx.legacyMigration.create({
    data: { tenantId: node.rootId, nodeId: input.nodeId, sourcePracticeId: input.sourcePracticeId, report: { ...plan.summary, feedHead }, appliedById: actor.userId, appliedAt: now, rollbackUntil: new Date(now.getTime() + ROLLBACK_WINDOW_MS) },
  });
  const createdUserIds: string[] = [];
  const bindingIds: string[] = [];
  for (const p of plan.people.filter((p) => !p.skip)) {
    let user = await tx.user.findUnique({ where: { email: p.email }, select: { id: true } });
    if (!user) {
      user = await tx.user.create({ data: { email: p.email, name: p.name, managedByTenantId: node.rootId }, select: { id: true } });
      createdUserIds.push(user.id);
    }
    const adjustments = { ...(p.choice.add.length ? { add: p.choice.add.map((permission) => ({ permission, scope: "subtree" as const })) } : {}), ...(p.choice.remove.length ? { remove: p.choice.remove } : {}) };
    const binding = await tx.roleBinding.create({
      data: { userId: user.id, nodeId: input.nodeId, roleId: p.choice.roleId, adjustments, grantedById: actor.userId, reason: `Migrated from the practice system (${input.sourcePracticeId})` },
    });
    bindingIds.push(binding.id);
    await tx.legacyLink.create({ data: { nodeId: input.nodeId, legacyUserId: p.legacyUserId, userId: user.id, migrationId: migration.id, legacyFlags: p.flags } });
  }
  await tx.legacyMigration.update({ where: { id: migration.id }, data: { undo: { userIds: createdUserIds, bindingIds } } });
  await bumpAuthzVersion(tx, node.rootId);
  await recordAudit(tx, {
    tenantId: node.rootId,
    actorId: actor.userId,
    action: "legacy_migration.applied",
    targetType: "org_node",
    targetId: input.nodeId,
    ip: actor.ip,
    details: { migrationId: migration.id, sourcePracticeId: input.sourcePracticeId, ...plan.summary },
  });
  return { migrationId: migration.id, plan, rollbackUntil: migration.rollbackUntil };
}

/** Undoes an applied migration within its window: its bindings, links and the accounts it created. */
export async function rollbackMigration(tx: Tx, actor: { userId: string; ip: string | null }, input: { nodeId: string; migrationId: string }, now = new Date()) {
  const m = await tx.legacyMigration.findFirst({ where: { id: input.migrationId, nodeId: input.nodeId } });
  if (!m) throw notFound("That migration");
  if (m.rolledBackAt) throw new AppError("conflict", "That migration was already rolled back.");
  if (now > m.rollbackUntil) throw new AppError("conflict", `The rollback window closed at ${m.rollbackUntil.toISOString()}.`);
  const undo = m.undo as { userIds?: string[]; bindingIds?: string[] };
  await tx.roleBinding.deleteMany({ where: { id: { in: undo.bindingIds ?? [] } } });
  await tx.legacyLink.deleteMany({ where: { migrationId: m.id } });
  // Accounts it created, unless they have since got a role elsewhere.
  const removable = await tx.user.findMany({ where: { id: { in: undo.userIds ?? [] }, bindings: { none: {} } }, select: { id: true } });
  await tx.user.deleteMany({ where: { id: { in: removable.map((u) => u.id) } } });
  await tx.legacyMigration.update({ where: { id: m.id }, data: { rolledBackAt: now } });
  await bumpAuthzVersion(tx, m.tenantId);
  await recordAudit(tx, { tenantId: m.tenantId, actorId: actor.userId, action: "legacy_migration.rolled_back", targetType: "org_node", targetId: m.nodeId, ip: actor.ip, details: { migrationId: m.id, bindings: undo.bindingIds?.length ?? 0, accounts: removable.length } });
  return { bindings: undo.bindingIds?.length ?? 0, accounts: removable.length };
}

/** decide() for one legacy flag: every permission the flag means, at the practice. */
export function careAccessAllows(subject: Subject, nodeId: string, flag: string): boolean {
  const perms = FLAG_PERMISSIONS[flag];
  return perms ? perms.every((p) => decide(subject, p, { nodeId })) : false;
}

/** POST /api/practices/:nodeId/legacy-migration: `plan` (preflight and dry run) or `apply`. */
export const migrationRequestSchema = z
  .object({
    nodeId: z.uuid({ error: "Choose a practice." }),
    sourcePracticeId: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "Choose a practice of the practice system."),
    mode: z.enum(["plan", "apply"], { error: "Choose plan (dry run) or apply." }),
  })
  .strict();
