import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit, type AuditTx } from "../audit/audit";
import { OWNER_ROLE_IDS, decide, where, type Subject } from "../authz";
import { sharedLoader } from "../authz/load";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { enqueueEmail } from "../email/outbox";
import { accessReviewEmail } from "../email/templates";
import { liveBinding } from "../members/accounts";
import { setMemberRoles } from "../members/admin";
import { securityEnv } from "../security/env";

/**
 * Access reviews (issue 9). An owner schedules a campaign over a place (access_reviews.schedule):
 * quarterly by default, so completing one schedules the next. When it opens, every live role
 * binding at the place and below becomes a line, with the person's last sign-in and an inactivity
 * flag (no sign-in for 30 days). Each line is reviewed by whoever holds access_reviews.decide at
 * the line's place (its admins, from the policy): certify, or revoke (the binding is removed at
 * once through setMemberRoles, so the person's next request is refused). Nobody reviews their own
 * line. When the last line is decided the campaign completes with its outcome (a report page and
 * an `access_review.completed` event). runAccessReviewJobs() opens due campaigns and emails
 * reminders; the server runs it every few minutes (instrumentation.ts).
 */
export const INACTIVE_DAYS = 30;
export const REMIND_DAYS_BEFORE_DUE = 3;
const DAY = 86_400_000;

export const scheduleInput = z.object({
  nodeId: z.uuid({ error: "Choose a place." }),
  startsAt: z.iso.datetime({ offset: true, error: "Use a full date and time." }).optional(),
  dueInDays: z.number({ error: "Enter a number of days." }).int({ error: "Enter whole days." }).min(1, { error: "Give reviewers at least a day." }).max(90, { error: "At most 90 days." }).default(14),
  repeat: z.enum(["quarterly", "once"], { error: "Choose quarterly or once." }).default("quarterly"),
});

export const decideInput = z.object({
  lineId: z.uuid({ error: "Choose a line." }),
  decision: z.enum(["certify", "revoke"], { error: "Choose certify or revoke." }),
  note: z.string().trim().max(1000, { error: "Keep the note under 1,000 characters." }).optional(),
});

const addMonths = (d: Date, months: number) => {
  const x = new Date(d);
  x.setUTCMonth(x.getUTCMonth() + months);
  return x;
};

type Actor = { subject: Subject; userId: string };

/** Schedules a review of the place (opened at once when it starts now or earlier). */
export async function scheduleReview(tx: AuditTx, actor: Actor, input: z.output<typeof scheduleInput>, now = new Date()) {
  const node = await tx.orgNode.findUnique({ where: { id: input.nodeId }, select: { id: true, rootId: true, name: true, archivedAt: true } });
  if (!node || node.archivedAt) throw new AppError("not_found", "Not found.");
  const startsAt = input.startsAt ? new Date(input.startsAt) : now;
  const review = await tx.accessReview.create({
    data: { tenantId: node.rootId, nodeId: node.id, startsAt, dueAt: new Date(startsAt.getTime() + input.dueInDays * DAY), repeatMonths: input.repeat === "quarterly" ? 3 : 0, createdById: actor.userId },
  });
  await recordAudit(tx, { tenantId: node.rootId, actorId: actor.userId, action: "access_review.scheduled", targetType: "access_review", targetId: review.id, nodeId: node.id, details: { place: node.name, startsAt: startsAt.toISOString(), dueAt: review.dueAt.toISOString(), repeat: input.repeat } });
  if (startsAt <= now) await openReview(tx, review.id, now);
  return { id: review.id };
}

/** Takes the lines (every live binding at the place and below) and opens the campaign. */
export async function openReview(tx: AuditTx, reviewId: string, now = new Date()): Promise<number> {
  const review = await tx.accessReview.findUniqueOrThrow({ where: { id: reviewId } });
  const claimed = await tx.accessReview.updateMany({ where: { id: reviewId, status: "scheduled" }, data: { status: "open", openedAt: now } });
  if (claimed.count === 0) return 0;
  const bindings = await tx.roleBinding.findMany({
    // Owner roles are not reviewed: only an owner can take them away (lib/authz/rules.ts), and the last one stays.
    where: { ...liveBinding(now), pending: false, roleId: { notIn: [...OWNER_ROLE_IDS] }, node: { archivedAt: null, ancestorLinks: { some: { ancestorId: review.nodeId } } } },
    select: { id: true, nodeId: true, userId: true, roleId: true, user: { select: { lastSignInAt: true } } },
  });
  const cutoff = new Date(now.getTime() - INACTIVE_DAYS * DAY);
  await tx.accessReviewLine.createMany({
    data: bindings.map((b) => ({ reviewId, tenantId: review.tenantId, nodeId: b.nodeId, userId: b.userId, roleId: b.roleId, bindingId: b.id, lastSignInAt: b.user.lastSignInAt, inactive: !b.user.lastSignInAt || b.user.lastSignInAt < cutoff })),
  });
  await recordAudit(tx, { tenantId: review.tenantId, actorId: null, action: "access_review.opened", targetType: "access_review", targetId: reviewId, nodeId: review.nodeId, details: { lines: bindings.length, inactive: bindings.filter((b) => !b.user.lastSignInAt || b.user.lastSignInAt < cutoff).length } });
  if (bindings.length === 0) await completeReview(tx, reviewId, now);
  return bindings.length;
}

/** Certifies or revokes one line; revoking removes the binding now. Completes the campaign after its last line. */
export async function decideLine(tx: AuditTx, actor: Actor, input: z.output<typeof decideInput>, now = new Date()) {
  const line = await tx.accessReviewLine.findUnique({ where: { id: input.lineId }, include: { review: { select: { id: true, status: true, tenantId: true } } } });
  if (!line) throw new AppError("not_found", "Not found.");
  if (line.review.status !== "open") throw new AppError("conflict", "This review is not open.");
  if (line.userId === actor.userId) throw new AppError("forbidden", "You can't review your own access: another admin of this place does.");
  const decision = input.decision === "certify" ? "certified" : "revoked";
  const done = await tx.accessReviewLine.updateMany({ where: { id: line.id, decision: "pending" }, data: { decision, decidedById: actor.userId, decidedAt: now, note: input.note || null } });
  if (done.count === 0) throw new AppError("conflict", "Someone has already decided this line.");
  let removed = false;
  if (decision === "revoked") {
    const binding = await tx.roleBinding.findUnique({ where: { id: line.bindingId }, select: { nodeId: true } });
    if (binding) {
      await setMemberRoles(tx, { subject: actor.subject, userId: actor.userId }, binding.nodeId, line.userId, [{ nodeId: binding.nodeId, roleId: null }], { requireExisting: false });
      removed = true;
    }
  }
  await recordAudit(tx, {
    tenantId: line.tenantId, actorId: actor.userId, action: decision === "certified" ? "access_review.line_certified" : "access_review.line_revoked", targetType: "user", targetId: line.userId, nodeId: line.nodeId,
    details: { reviewId: line.reviewId, roleId: line.roleId, inactive: line.inactive, note: input.note || null, ...(decision === "revoked" ? { bindingRemoved: removed } : {}) },
  });
  const pending = await tx.accessReviewLine.count({ where: { reviewId: line.reviewId, decision: "pending" } });
  if (pending === 0) await completeReview(tx, line.reviewId, now);
  return { decision, completed: pending === 0 };
}

async function completeReview(tx: AuditTx, reviewId: string, now: Date) {
  const review = await tx.accessReview.findUniqueOrThrow({ where: { id: reviewId } });
  const lines = await tx.accessReviewLine.findMany({ where: { reviewId }, select: { decision: true, inactive: true } });
  const outcome = { total: lines.length, certified: lines.filter((l) => l.decision === "certified").length, revoked: lines.filter((l) => l.decision === "revoked").length, inactive: lines.filter((l) => l.inactive).length };
  await tx.accessReview.update({ where: { id: reviewId }, data: { status: "completed", completedAt: now, outcome } });
  let next: string | null = null;
  if (review.repeatMonths > 0) {
    const startsAt = addMonths(review.startsAt, review.repeatMonths);
    next = (await tx.accessReview.create({ data: { tenantId: review.tenantId, nodeId: review.nodeId, startsAt, dueAt: new Date(startsAt.getTime() + (review.dueAt.getTime() - review.startsAt.getTime())), repeatMonths: review.repeatMonths, createdById: review.createdById } })).id;
  }
  await recordAudit(tx, { tenantId: review.tenantId, actorId: null, action: "access_review.completed", targetType: "access_review", targetId: reviewId, nodeId: review.nodeId, details: { ...outcome, nextReviewId: next } });
}

/** The lines the subject may see in a review (filtered in SQL by where()). */
export async function reviewLines(db: Db | Tx, subject: Subject, reviewId: string) {
  const lines = await db.accessReviewLine.findMany({ where: { AND: [{ reviewId }, where(subject, "access_reviews.read", "accessReviewLine")] }, orderBy: [{ nodeId: "asc" }, { userId: "asc" }] });
  const [users, nodes, roles] = await Promise.all([
    db.user.findMany({ where: { id: { in: [...new Set(lines.flatMap((l) => [l.userId, ...(l.decidedById ? [l.decidedById] : [])]))] } }, select: { id: true, name: true, email: true } }),
    db.orgNode.findMany({ where: { id: { in: [...new Set(lines.map((l) => l.nodeId))] } }, select: { id: true, name: true } }),
    db.role.findMany({ where: { id: { in: [...new Set(lines.map((l) => l.roleId))] } }, select: { id: true, name: true } }),
  ]);
  const u = new Map(users.map((x) => [x.id, x]));
  const n = new Map(nodes.map((x) => [x.id, x.name]));
  const r = new Map(roles.map((x) => [x.id, x.name]));
  return lines.map((l) => ({
    id: l.id, nodeId: l.nodeId, place: n.get(l.nodeId) ?? "(removed place)", userId: l.userId, person: u.get(l.userId)?.name ?? "Someone", email: u.get(l.userId)?.email ?? "", role: r.get(l.roleId) ?? l.roleId,
    lastSignInAt: l.lastSignInAt?.toISOString() ?? null, inactive: l.inactive, decision: l.decision as "pending" | "certified" | "revoked", decidedBy: l.decidedById ? (u.get(l.decidedById)?.name ?? "Someone") : null, decidedAt: l.decidedAt?.toISOString() ?? null, note: l.note,
    canDecide: l.decision === "pending" && l.userId !== subject.userId && decide(subject, "access_reviews.decide", { nodeId: l.nodeId }),
  }));
}

/** The campaigns the subject takes part in: those with a line they may see, and (for schedulers) every one of the tenant. */
export async function listReviews(db: Db | Tx, subject: Subject, tenantId: string) {
  const all = decide(subject, "access_reviews.schedule", { nodeId: tenantId });
  const reviews = await db.accessReview.findMany({
    where: { tenantId, ...(all ? {} : { lines: { some: where(subject, "access_reviews.read", "accessReviewLine") as Prisma.AccessReviewLineWhereInput } }) },
    orderBy: [{ startsAt: "desc" }],
    take: 100,
  });
  const nodes = new Map((await db.orgNode.findMany({ where: { id: { in: [...new Set(reviews.map((r) => r.nodeId))] } }, select: { id: true, name: true } })).map((x) => [x.id, x.name]));
  const pending = await db.accessReviewLine.groupBy({ by: ["reviewId"], where: { reviewId: { in: reviews.map((r) => r.id) }, decision: "pending" }, _count: { _all: true } });
  const left = new Map(pending.map((p) => [p.reviewId, p._count._all]));
  return reviews.map((r) => ({ id: r.id, place: nodes.get(r.nodeId) ?? "(removed place)", nodeId: r.nodeId, status: r.status as "scheduled" | "open" | "completed", startsAt: r.startsAt.toISOString(), dueAt: r.dueAt.toISOString(), repeat: r.repeatMonths > 0 ? "quarterly" : "once", pending: left.get(r.id) ?? 0, outcome: r.outcome as { total: number; certified: number; revoked: number; inactive: number } | null }));
}

/**
 * The reviewers of an open campaign who still have lines to decide: people with a live binding at a
 * line's place or above it whose compiled policy allows access_reviews.decide there (not on their own line).
 */
export async function pendingReviewers(db: Db, reviewId: string): Promise<{ id: string; email: string; name: string; lines: number }[]> {
  const lines = await db.accessReviewLine.findMany({ where: { reviewId, decision: "pending" }, select: { nodeId: true, userId: true, tenantId: true } });
  if (lines.length === 0) return [];
  const nodeIds = [...new Set(lines.map((l) => l.nodeId))];
  const candidates = await db.roleBinding.findMany({
    where: { ...liveBinding(), pending: false, node: { rootId: lines[0].tenantId, descendantLinks: { some: { descendantId: { in: nodeIds } } } }, user: { status: "ACTIVE" } },
    select: { user: { select: { id: true, email: true, name: true, isPlatformStaff: true } } },
  });
  const people = [...new Map(candidates.map((c) => [c.user.id, c.user])).values()];
  const out: { id: string; email: string; name: string; lines: number }[] = [];
  const loader = sharedLoader(db);
  for (const p of people) {
    const subject = await loader.load(p.id, { isPlatformStaff: p.isPlatformStaff });
    const mine = lines.filter((l) => l.userId !== p.id && decide(subject, "access_reviews.decide", { nodeId: l.nodeId })).length;
    if (mine > 0) out.push({ id: p.id, email: p.email, name: p.name, lines: mine });
  }
  return out;
}

async function emailReviewers(db: Db, review: { id: string; tenantId: string; nodeId: string; dueAt: Date }, reminder: boolean) {
  const place = (await db.orgNode.findUnique({ where: { id: review.nodeId }, select: { name: true } }))?.name ?? "a place";
  const url = `${securityEnv().appUrl}/o/${review.nodeId}/settings/access-reviews/${review.id}`;
  const due = review.dueAt.toISOString().slice(0, 10);
  const reviewers = await pendingReviewers(db, review.id);
  for (const r of reviewers) {
    await enqueueEmail(db, r.email, "access_review", accessReviewEmail({
      name: r.name,
      title: reminder ? `Reminder: access review of ${place} due ${due}` : `Access review of ${place}: please review by ${due}`,
      lines: [`${r.lines} ${r.lines === 1 ? "person's access waits" : "people's access wait"} for your decision at ${place}: certify each line, or revoke access that is no longer needed.`, `The review is due on ${due}.`],
      url,
    }));
  }
  return reviewers.length;
}

/**
 * The periodic job: opens scheduled campaigns whose start has come, emails the reviewers of each
 * newly open campaign once, and reminds those who still have lines when the due date is within
 * REMIND_DAYS_BEFORE_DUE days (at most once a day), all through the email outbox.
 */
export async function runAccessReviewJobs(db: Db, now = new Date()): Promise<{ opened: number; notified: number; reminded: number }> {
  let opened = 0, notified = 0, reminded = 0;
  for (const r of await db.accessReview.findMany({ where: { status: "scheduled", startsAt: { lte: now } }, select: { id: true } })) {
    await db.$transaction((tx: Tx) => openReview(tx, r.id, now));
    opened++;
  }
  // Newly opened (by this job or by scheduling one that starts now): tell the reviewers once.
  for (const review of await db.accessReview.findMany({ where: { status: "open", remindedAt: null } })) {
    const claimed = await db.accessReview.updateMany({ where: { id: review.id, remindedAt: null }, data: { remindedAt: now } });
    if (claimed.count > 0) notified += await emailReviewers(db, review, false);
  }
  const dueSoon = await db.accessReview.findMany({ where: { status: "open", dueAt: { lte: new Date(now.getTime() + REMIND_DAYS_BEFORE_DUE * DAY) }, remindedAt: { lt: new Date(now.getTime() - DAY) } } });
  for (const review of dueSoon) {
    const claimed = await db.accessReview.updateMany({ where: { id: review.id, remindedAt: review.remindedAt }, data: { remindedAt: now } });
    if (claimed.count > 0) reminded += await emailReviewers(db, review, true);
  }
  return { opened, notified, reminded };
}

/** Runs runAccessReviewJobs every few minutes in the server process (instrumentation.ts). */
export function startAccessReviewWorker(getDb: () => Promise<Db>, everyMs = 5 * 60_000) {
  const holder = globalThis as unknown as { __careaccessReviewWorker?: NodeJS.Timeout };
  if (holder.__careaccessReviewWorker) return;
  holder.__careaccessReviewWorker = setInterval(() => void getDb().then((db) => runAccessReviewJobs(db)).catch((err) => console.error("access reviews", err)), everyMs);
  holder.__careaccessReviewWorker.unref?.();
}
