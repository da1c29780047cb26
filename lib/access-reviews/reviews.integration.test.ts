/**
 * Access reviews (issue 9), on PGlite and, with TEST_DATABASE_URL, PostgreSQL: only an owner
 * schedules; each reviewer sees and decides the lines of their own places only, never their own;
 * a revocation takes effect on the person's next request; the campaign completes with its outcome
 * and schedules the next quarter; the job opens due campaigns and emails reviewers and reminders.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AppError } from "../api/errors";
import { runAs, type Spec } from "../api/handler";
import { decide } from "../authz";
import { sharedLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import { decideLineAction, scheduleReviewAction } from "./actions";
import { listReviews, reviewLines, runAccessReviewJobs } from "./reviews";

const DAY = 86_400_000;

describe.each(TEST_DATABASES)("access reviews ($name)", (kind) => {
  let db: TestDatabase;
  let tenant: string;
  let seattle: string;
  let reviewId: string;
  const ids: Record<string, string> = {};
  const call = async (entry: unknown, email: string, input: Record<string, unknown>) => {
    try {
      return { ok: true as const, data: await runAs((entry as { spec: Spec<never, unknown> }).spec, input, await callerFor(db, email)) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false as const, code: err.code, fields: err.fields };
      throw err;
    }
  };
  const subjectOf = (email: string) => sharedLoader(db.prisma).load(ids[email]);
  const lineOf = async (email: string, place: string) => {
    const node = await db.prisma.orgNode.findFirstOrThrow({ where: { name: place, rootId: tenant } });
    return db.prisma.accessReviewLine.findFirstOrThrow({ where: { reviewId, userId: ids[email], nodeId: node.id } });
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    tenant = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Northwind Dental Group" } })).id;
    seattle = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Seattle Practice" } })).id;
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids[u.email] = u.id;
    await db.prisma.user.update({ where: { email: "dr.lee@northwind.test" }, data: { lastSignInAt: new Date(Date.now() - 2 * DAY) } });
    await db.prisma.user.update({ where: { email: "dr.patel@northwind.test" }, data: { lastSignInAt: new Date(Date.now() - 45 * DAY) } });
  });
  afterAll(async () => db?.destroy());

  test("scheduling is the owner's: manager and admin 403, stranger 404, bad input 400 with the field, nothing created", async () => {
    expect(await call(scheduleReviewAction, "manager@northwind.test", { nodeId: seattle })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(scheduleReviewAction, "west.admin@northwind.test", { nodeId: seattle })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(scheduleReviewAction, "owner@lakeside.test", { nodeId: seattle })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(scheduleReviewAction, "owner@northwind.test", { nodeId: tenant, dueInDays: 0 })).toMatchObject({ ok: false, code: "invalid", fields: { dueInDays: ["Give reviewers at least a day."] } });
    expect(await call(scheduleReviewAction, "owner@northwind.test", { nodeId: tenant, repeat: "weekly" })).toMatchObject({ ok: false, code: "invalid", fields: { repeat: ["Choose quarterly or once."] } });
    expect(await db.prisma.accessReview.count()).toBe(0);

    const r = await call(scheduleReviewAction, "owner@northwind.test", { nodeId: tenant });
    expect(r).toMatchObject({ ok: true });
    reviewId = (r as { data: { id: string } }).data.id;
    const review = await db.prisma.accessReview.findUniqueOrThrow({ where: { id: reviewId } });
    expect(review).toMatchObject({ status: "open", repeatMonths: 3 });
    expect(review.dueAt.getTime() - review.startsAt.getTime()).toBe(14 * DAY);
    // Every live non-owner binding in the tenant is a line; the inactivity flag follows the last sign-in.
    const bindings = await db.prisma.roleBinding.count({ where: { node: { rootId: tenant }, pending: false, roleId: { notIn: ["builtin:owner"] } } });
    expect(await db.prisma.accessReviewLine.count({ where: { reviewId } })).toBe(bindings);
    expect((await lineOf("dr.lee@northwind.test", "Seattle Practice")).inactive).toBe(false);
    expect((await lineOf("dr.patel@northwind.test", "Seattle Practice")).inactive).toBe(true);
    expect(await db.prisma.auditEvent.count({ where: { tenantId: tenant, action: { in: ["access_review.scheduled", "access_review.opened"] } } })).toBe(2);
  });

  test("a reviewer sees only the lines of their places; can't decide elsewhere, nor their own line; a stranger sees nothing", async () => {
    const west = await reviewLines(db.prisma, await subjectOf("west.admin@northwind.test"), reviewId);
    expect(new Set(west.map((l) => l.place))).toEqual(new Set(["West Region", "Seattle Practice", "Portland Practice"].filter((p) => west.some((l) => l.place === p))));
    expect(west.some((l) => l.place === "Boston Practice")).toBe(false);
    expect(west.find((l) => l.email === "west.admin@northwind.test")?.canDecide).toBe(false);
    const owner = await reviewLines(db.prisma, await subjectOf("owner@northwind.test"), reviewId);
    expect(owner.length).toBeGreaterThan(west.length);
    expect(await reviewLines(db.prisma, await subjectOf("owner@lakeside.test"), reviewId)).toEqual([]);
    expect(await listReviews(db.prisma, await subjectOf("owner@lakeside.test"), tenant)).toEqual([]);

    const boston = await lineOf("frontdesk@northwind.test", "Boston Practice");
    // Boston is outside the West admin's places: not found for them, as for anything they can't reach.
    expect(await call(decideLineAction, "west.admin@northwind.test", { lineId: boston.id, decision: "revoke" })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(decideLineAction, "manager@northwind.test", { lineId: (await lineOf("dr.lee@northwind.test", "Seattle Practice")).id, decision: "certify" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(decideLineAction, "owner@lakeside.test", { lineId: boston.id, decision: "revoke" })).toMatchObject({ ok: false, code: "not_found" });
    const own = await lineOf("west.admin@northwind.test", "West Region");
    expect(await call(decideLineAction, "west.admin@northwind.test", { lineId: own.id, decision: "certify" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(decideLineAction, "west.admin@northwind.test", { lineId: own.id, decision: "maybe" })).toMatchObject({ ok: false, code: "invalid", fields: { decision: ["Choose certify or revoke."] } });
    expect((await db.prisma.accessReviewLine.findMany({ where: { id: { in: [boston.id, own.id] } } })).map((l) => l.decision)).toEqual(["pending", "pending"]);
    expect(await db.prisma.roleBinding.count({ where: { id: boston.bindingId } })).toBe(1);
  });

  test("a revocation takes effect on the person's next request; certifying twice is a conflict", async () => {
    const maya = await subjectOf("manager@northwind.test");
    expect(decide(maya, "appointments.read", { nodeId: seattle })).toBe(true);
    const line = await lineOf("manager@northwind.test", "Seattle Practice");
    expect(await call(decideLineAction, "west.admin@northwind.test", { lineId: line.id, decision: "revoke", note: "Moved to Portland" })).toMatchObject({ ok: true, data: { decision: "revoked" } });
    expect(await db.prisma.roleBinding.count({ where: { id: line.bindingId } })).toBe(0);
    expect(decide(await subjectOf("manager@northwind.test"), "appointments.read", { nodeId: seattle })).toBe(false);
    const events = await db.prisma.auditEvent.findMany({ where: { tenantId: tenant, targetId: ids["manager@northwind.test"], action: { in: ["member.role_removed", "access_review.line_revoked"] } }, select: { action: true, actorId: true } });
    expect(events.map((e) => e.action).sort()).toEqual(["access_review.line_revoked", "member.role_removed"]);
    const lee = await lineOf("dr.lee@northwind.test", "Seattle Practice");
    expect(await call(decideLineAction, "west.admin@northwind.test", { lineId: lee.id, decision: "certify" })).toMatchObject({ ok: true });
    expect(await call(decideLineAction, "owner@northwind.test", { lineId: lee.id, decision: "revoke" })).toMatchObject({ ok: false, code: "conflict" });
    expect(await db.prisma.roleBinding.count({ where: { id: lee.bindingId } })).toBe(1);
  });

  test("the last decision completes the campaign with its outcome, audited, and schedules the next quarter", async () => {
    for (const l of await db.prisma.accessReviewLine.findMany({ where: { reviewId, decision: "pending" } })) {
      expect(await call(decideLineAction, "owner@northwind.test", { lineId: l.id, decision: "certify" })).toMatchObject({ ok: true });
    }
    const review = await db.prisma.accessReview.findUniqueOrThrow({ where: { id: reviewId } });
    const total = await db.prisma.accessReviewLine.count({ where: { reviewId } });
    expect(review.status).toBe("completed");
    expect(review.outcome).toMatchObject({ total, revoked: 1, certified: total - 1 });
    const completed = await db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant, action: "access_review.completed", targetId: reviewId } });
    expect(completed.details).toMatchObject({ total, revoked: 1 });
    const next = await db.prisma.accessReview.findUniqueOrThrow({ where: { id: (completed.details as { nextReviewId: string }).nextReviewId } });
    expect(next.status).toBe("scheduled");
    expect(next.startsAt.getUTCMonth()).toBe((review.startsAt.getUTCMonth() + 3) % 12);
  });

  test("the job opens a campaign when it starts, emails its reviewers once, and reminds them before the due date", async () => {
    const start = new Date(Date.now() + DAY);
    expect(await call(scheduleReviewAction, "owner@northwind.test", { nodeId: seattle, startsAt: start.toISOString(), dueInDays: 7, repeat: "once" })).toMatchObject({ ok: true });
    const mail = () => db.prisma.emailOutbox.findMany({ where: { kind: "access_review", subject: { contains: "Seattle Practice" } }, select: { to: true, subject: true } });
    expect(await runAccessReviewJobs(db.prisma, new Date())).toMatchObject({ opened: 0 });
    expect(await mail()).toEqual([]);
    expect(await runAccessReviewJobs(db.prisma, new Date(start.getTime() + 60_000))).toMatchObject({ opened: 1 });
    const opened = await mail();
    expect(opened.map((m) => m.to).sort()).toEqual(["owner@northwind.test", "west.admin@northwind.test"]);
    expect(opened[0].subject).toMatch(/^Access review of Seattle Practice: please review by /);
    // Two days later nothing new; five days before the due date is still too early; two days before it, a reminder.
    expect(await runAccessReviewJobs(db.prisma, new Date(start.getTime() + 2 * DAY))).toMatchObject({ opened: 0, notified: 0, reminded: 0 });
    expect(await runAccessReviewJobs(db.prisma, new Date(start.getTime() + 5 * DAY))).toMatchObject({ reminded: 2 });
    expect((await mail()).filter((m) => m.subject.startsWith("Reminder:")).map((m) => m.to).sort()).toEqual(["owner@northwind.test", "west.admin@northwind.test"]);
    expect(await runAccessReviewJobs(db.prisma, new Date(start.getTime() + 5 * DAY + 3_600_000))).toMatchObject({ reminded: 0 });
  });
});
