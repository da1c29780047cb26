/**
 * Retention and archive (issue 9), on PGlite and, with TEST_DATABASE_URL, PostgreSQL: only owners
 * set retention; the archive writes JSON Lines + a manifest before removing exactly the rows past
 * retention; the live chain verifies from the checkpoint; a tampered archive line is named; the
 * append-only trigger lets nothing else delete.
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AppError } from "../api/errors";
import { runAs, type Spec } from "../api/handler";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import { setRetentionAction } from "./actions";
import { archiveTenant, retentionYears, verifyArchive } from "./archive";
import { recordAuditNow, verifyChain } from "./audit";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const plusYears = (d: Date, years: number) => {
  const x = new Date(d);
  x.setUTCFullYear(x.getUTCFullYear() + years);
  return x;
};

describe.each(TEST_DATABASES)("audit retention and archive ($name)", (kind) => {
  let db: TestDatabase;
  let lakeside: string;
  let robs: string;
  let dir: string;
  const call = async (entry: unknown, email: string, input: Record<string, unknown>) => {
    try {
      return { ok: true as const, data: await runAs((entry as { spec: Spec<never, unknown> }).spec, input, await callerFor(db, email)) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false as const, code: err.code, fields: err.fields };
      throw err;
    }
  };
  const events = async (n: number, label: string) => {
    for (let i = 0; i < n; i++) await recordAuditNow(db.prisma, { tenantId: lakeside, actorId: null, action: "test.event", details: { label, i } });
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    lakeside = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Lakeside Physio" } })).id;
    robs = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Rob's Care" } })).id;
    dir = await mkdtemp(path.join(tmpdir(), "audit-archive-"));
  });
  afterAll(async () => {
    await db?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("retention defaults to 6 years; only an owner changes it (audited); admin 403, stranger 404, bad input 400", async () => {
    expect(await retentionYears(db.prisma, robs)).toBe(6);
    expect(await call(setRetentionAction, "marta@family.test", { tenantId: robs, years: 8 })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(setRetentionAction, "owner@lakeside.test", { tenantId: robs, years: 8 })).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(setRetentionAction, "rob@family.test", { tenantId: robs, years: 0 })).toMatchObject({ ok: false, code: "invalid", fields: { years: ["Keep events for at least a year."] } });
    expect(await retentionYears(db.prisma, robs)).toBe(6);
    expect(await call(setRetentionAction, "rob@family.test", { tenantId: robs, years: 8 })).toMatchObject({ ok: true, data: { years: 8 } });
    expect(await retentionYears(db.prisma, robs)).toBe(8);
    expect((await db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: robs, action: "audit_retention.changed" } })).details).toEqual({ before: { years: 6 }, after: { years: 8 } });
  });

  test("archive then verify: the old prefix goes to JSONL + manifest, newer rows stay, the live chain verifies from the checkpoint", async () => {
    await events(4, "old");
    await sleep(30);
    const boundary = new Date();
    await sleep(30);
    await events(3, "new");
    const old = await db.prisma.auditEvent.findMany({ where: { tenantId: lakeside, createdAt: { lt: boundary } }, orderBy: { id: "asc" }, select: { id: true, hash: true } });
    const kept = await db.prisma.auditEvent.findMany({ where: { tenantId: lakeside, createdAt: { gte: boundary } }, orderBy: { id: "asc" } });
    expect(kept).toHaveLength(3);

    // Six years after the boundary: everything before it is past retention.
    const m = await archiveTenant(db.prisma, lakeside, { dir, now: plusYears(boundary, 6), batch: 3 });
    expect(m).toMatchObject({ tenantId: lakeside, count: old.length, firstId: old[0].id.toString(), lastId: old.at(-1)!.id.toString(), checkpointHash: old.at(-1)!.hash, retentionYears: 6 });
    const lines = (await readFile(path.join(dir, m!.file), "utf8")).trim().split("\n");
    expect(lines).toHaveLength(old.length);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ id: m!.lastId, hash: m!.checkpointHash });

    // Rows newer than retention are untouched (same ids, same hashes); the old ones are gone.
    expect(await db.prisma.auditEvent.count({ where: { tenantId: lakeside, createdAt: { lt: boundary } } })).toBe(0);
    const after = await db.prisma.auditEvent.findMany({ where: { tenantId: lakeside, id: { lte: kept.at(-1)!.id } }, orderBy: { id: "asc" } });
    expect(after).toEqual(kept);
    expect(await verifyChain(db.prisma, lakeside)).toEqual({ ok: true, count: 4 }); // 3 kept + the audit_log.archived event
    expect((await db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: lakeside, action: "audit_log.archived" } })).details).toMatchObject({ count: old.length, checkpointHash: m!.checkpointHash, sha256: m!.sha256 });

    const [v] = await verifyArchive(dir, db.prisma);
    expect(v).toMatchObject({ tenantId: lakeside, count: old.length, problems: [] });
    expect(v.notes).toContain(`linked to the live chain at event #${kept[0].id}`);
    // Nothing more is past retention at the same moment.
    expect(await archiveTenant(db.prisma, lakeside, { dir, now: plusYears(boundary, 6) })).toBeNull();
  });

  test("the append-only trigger refuses every other delete: no setting, a made-up archive id, rows outside the archive's range", async () => {
    await expect(db.prisma.auditEvent.deleteMany({ where: { tenantId: lakeside } })).rejects.toThrow(/append-only/);
    const [archive] = await db.prisma.auditArchive.findMany({ where: { tenantId: lakeside } });
    const attempt = (id: string) =>
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT set_config('careaccess.audit_archive', ${id}, true)`;
        await tx.auditEvent.deleteMany({ where: { tenantId: lakeside } });
      });
    await expect(attempt("00000000-0000-4000-8000-000000000000")).rejects.toThrow(/append-only/);
    await expect(attempt(archive.id)).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditEvent.updateMany({ where: { tenantId: lakeside }, data: { action: "x" } })).rejects.toThrow(/append-only/);
    expect(await verifyChain(db.prisma, lakeside)).toMatchObject({ ok: true });
  });

  test("tampering with a line of the archive: verify names the line; a second archive links to the first", async () => {
    const copy = await mkdtemp(path.join(tmpdir(), "audit-archive-tampered-"));
    try {
      await cp(dir, copy, { recursive: true });
      const file = (await readdir(copy)).find((n) => n.endsWith(".jsonl"))!;
      const lines = (await readFile(path.join(copy, file), "utf8")).trim().split("\n");
      const row = JSON.parse(lines[1]);
      lines[1] = JSON.stringify({ ...row, action: "patient.read_nothing_to_see" });
      await writeFile(path.join(copy, file), lines.join("\n") + "\n");
      const [v] = await verifyArchive(copy);
      expect(v.problems).toEqual([`${file}: sha256 differs from the manifest (the file was changed)`, `${file}: first broken link at line 2 (event #${row.id}): its content does not match its hash (changed)`]);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }

    await sleep(30);
    const boundary = new Date();
    await sleep(30);
    await events(1, "newest");
    const second = await archiveTenant(db.prisma, lakeside, { dir, now: plusYears(boundary, 6) });
    const [first] = await db.prisma.auditArchive.findMany({ where: { tenantId: lakeside }, orderBy: { lastId: "asc" } });
    expect(second).toMatchObject({ count: 4, firstPrevHash: first.checkpointHash });
    const verdicts = await verifyArchive(dir, db.prisma);
    expect(verdicts.map((x) => x.problems)).toEqual([[], []]);
    expect(verdicts.flatMap((x) => x.notes).some((n) => n.startsWith("linked to the next archive"))).toBe(true);
    expect(await verifyChain(db.prisma, lakeside)).toEqual({ ok: true, count: 2 });
  });
});
