import { createHash, randomUUID } from "node:crypto";
import { open, readFile, readdir, unlink } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../api/errors";
import type { Db, Tx } from "../db/client";
import { GENESIS, hashEvent, recordAudit, type AuditTx } from "./audit";

/**
 * Retention and archive (issue 9). Each tenant keeps its audit events in the database for
 * `audit_retention.years` (default 6, HIPAA's figure). `archiveTenant()` moves the older prefix of
 * the tenant's chain to a JSON Lines file plus a manifest, and only then deletes those rows:
 *
 * 1. the rows are read, their chain is checked, and each is written as one line; the file is
 *    fsynced and closed, then the manifest (tenant, count, first/last id and time, the hash the
 *    first row links to, the checkpoint = hash of the last archived row, sha256 of the file),
 *    fsynced too, then the directory;
 * 2. one transaction takes the chain's lock, stores the checkpoint in `audit_archives`, sets the
 *    transaction-local `careaccess.audit_archive` to that row's id (the append-only trigger lets a
 *    DELETE through only for rows of that tenant within that row's id range) and deletes exactly
 *    the archived rows, writing an `audit_log.archived` event. Any failure rolls it all back.
 *
 * The newest event of a chain is never archived, so appends keep linking to a row in the table;
 * verifyChain() starts the remaining rows from the stored checkpoint.
 */
export const DEFAULT_RETENTION_YEARS = 6;
export const ARCHIVE_FORMAT = "careaccess-audit-archive/1";

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  archiveId: string;
  tenantId: string;
  count: number;
  firstId: string;
  lastId: string;
  firstAt: string;
  lastAt: string;
  /** The hash the first archived row links to: GENESIS, or the checkpoint of the previous archive. */
  firstPrevHash: string;
  /** The hash of the last archived row: the first remaining row's prev_hash. */
  checkpointHash: string;
  file: string;
  sha256: string;
  retentionYears: number;
  cutoff: string;
  createdAt: string;
}

export async function retentionYears(db: Db | Tx, tenantId: string): Promise<number> {
  return (await db.auditRetention.findUnique({ where: { tenantId } }))?.years ?? DEFAULT_RETENTION_YEARS;
}

export const retentionInput = z.object({
  tenantId: z.uuid({ error: "Choose an organisation." }),
  years: z.number({ error: "Enter a number of years." }).int({ error: "Enter whole years." }).min(1, { error: "Keep events for at least a year." }).max(100, { error: "At most 100 years." }),
});

/** Sets the tenant's retention (owners: tenant.set_audit_retention at the root), audited with before/after. */
export async function setRetention(tx: AuditTx, actor: { userId: string }, input: z.output<typeof retentionInput>): Promise<{ years: number }> {
  const root = await tx.orgNode.findUnique({ where: { id: input.tenantId }, select: { parentId: true } });
  if (!root || root.parentId !== null) throw new AppError("invalid", "Retention belongs to the whole organisation.", { tenantId: ["Choose the organisation, not a place inside it."] });
  const before = await retentionYears(tx, input.tenantId);
  await tx.auditRetention.upsert({ where: { tenantId: input.tenantId }, create: { tenantId: input.tenantId, years: input.years }, update: { years: input.years, updatedAt: new Date() } });
  await recordAudit(tx, { tenantId: input.tenantId, actorId: actor.userId, action: "audit_retention.changed", targetType: "tenant", targetId: input.tenantId, details: { before: { years: before }, after: { years: input.years } } });
  return { years: input.years };
}

/** The moment before which events are past retention. */
export function retentionCutoff(now: Date, years: number): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

type EventRow = Awaited<ReturnType<Db["auditEvent"]["findMany"]>>[number];

/** One archived row as a line: every stored column, the id as a string, the time in ISO form. */
function toLine(r: EventRow): string {
  return JSON.stringify({
    id: r.id.toString(), tenantId: r.tenantId, actorId: r.actorId, action: r.action, targetType: r.targetType, targetId: r.targetId, details: r.details, ip: r.ip,
    createdAt: r.createdAt.toISOString(), prevHash: r.prevHash, hash: r.hash, nodeId: r.nodeId, userAgent: r.userAgent, sessionId: r.sessionId, via: r.via, credentialId: r.credentialId, onBehalfOf: r.onBehalfOf,
  });
}

async function fsyncDir(dir: string) {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface ArchiveOptions {
  dir: string;
  now?: Date;
  /** Rows fetched per query while writing the file. */
  batch?: number;
}

/** Archives the tenant's events past retention; null when there is nothing to archive. */
export async function archiveTenant(db: Db, tenantId: string, opts: ArchiveOptions): Promise<ArchiveManifest | null> {
  const now = opts.now ?? new Date();
  const years = await retentionYears(db, tenantId);
  const cutoff = retentionCutoff(now, years);
  const previous = await db.auditArchive.findFirst({ where: { tenantId }, orderBy: { lastId: "desc" } });
  const newest = await db.auditEvent.findFirst({ where: { tenantId }, orderBy: { id: "desc" }, select: { id: true } });
  if (!newest) return null;
  // The archived part is a prefix of the chain: everything before the first row still within
  // retention (a clock step back can't pull a newer row out), and never the newest row.
  const firstKept = await db.auditEvent.findFirst({ where: { tenantId, createdAt: { gte: cutoff } }, orderBy: { id: "asc" }, select: { id: true } });
  const upTo = (firstKept?.id ?? newest.id + 1n) - 1n;
  const limit = upTo < newest.id ? upTo : newest.id - 1n;
  const first = await db.auditEvent.findFirst({ where: { tenantId, id: { lte: limit } }, orderBy: { id: "asc" } });
  if (!first) return null;

  const archiveId = randomUUID();
  const base = `audit-${tenantId}-${first.id}-${limit}`;
  const file = path.join(opts.dir, `${base}.jsonl`);
  const manifestFile = path.join(opts.dir, `${base}.manifest.json`);
  const startHash = previous?.checkpointHash ?? GENESIS;
  const sha = createHash("sha256");
  let prevHash = startHash;
  let count = 0;
  let last: EventRow | null = null;
  const fh = await open(file, "wx");
  try {
    let cursor = first.id - 1n;
    for (;;) {
      const rows = await db.auditEvent.findMany({ where: { tenantId, id: { gt: cursor, lte: limit } }, orderBy: { id: "asc" }, take: opts.batch ?? 2000 });
      if (rows.length === 0) break;
      let chunk = "";
      for (const r of rows) {
        if (r.prevHash !== prevHash || r.hash !== hashEvent(prevHash, r)) {
          throw new AppError("conflict", `The chain is broken at event #${r.id}: nothing was archived. Run npm run audit:verify.`);
        }
        prevHash = r.hash;
        chunk += toLine(r) + "\n";
        count++;
        last = r;
      }
      sha.update(chunk);
      await fh.write(chunk);
      cursor = rows[rows.length - 1].id;
    }
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(file).catch(() => undefined);
    throw err;
  }
  await fh.close();
  if (!last) {
    await unlink(file).catch(() => undefined);
    return null;
  }
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT, archiveId, tenantId, count, firstId: first.id.toString(), lastId: last.id.toString(), firstAt: first.createdAt.toISOString(), lastAt: last.createdAt.toISOString(),
    firstPrevHash: startHash, checkpointHash: last.hash, file: path.basename(file), sha256: sha.digest("hex"), retentionYears: years, cutoff: cutoff.toISOString(), createdAt: now.toISOString(),
  };
  const mh = await open(manifestFile, "wx");
  try {
    await mh.write(JSON.stringify(manifest, null, 2) + "\n");
    await mh.sync();
  } finally {
    await mh.close();
  }
  await fsyncDir(opts.dir);

  const lastId = last.id;
  await db.$transaction(async (tx: Tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${tenantId}))`;
    const current = await tx.auditArchive.findFirst({ where: { tenantId }, orderBy: { lastId: "desc" }, select: { id: true } });
    if ((current?.id ?? null) !== (previous?.id ?? null)) throw new AppError("conflict", "Another archive of this organisation ran at the same time; run it again.");
    await tx.auditArchive.create({
      data: { id: archiveId, tenantId, firstId: first.id, lastId, firstAt: first.createdAt, lastAt: new Date(manifest.lastAt), count, firstPrevHash: startHash, checkpointHash: manifest.checkpointHash, file: manifest.file, sha256: manifest.sha256 },
    });
    await tx.$executeRaw`SELECT set_config('careaccess.audit_archive', ${archiveId}, true)`;
    const removed = await tx.auditEvent.deleteMany({ where: { tenantId, id: { gte: first.id, lte: lastId } } });
    if (removed.count !== count) throw new AppError("conflict", `Expected to remove ${count} events, found ${removed.count}: nothing was removed.`);
    await tx.$executeRaw`SELECT set_config('careaccess.audit_archive', '', true)`;
    await recordAudit(tx, {
      tenantId, actorId: null, action: "audit_log.archived", targetType: "audit_archive", targetId: archiveId, nodeId: tenantId,
      details: { count, firstId: manifest.firstId, lastId: manifest.lastId, firstAt: manifest.firstAt, lastAt: manifest.lastAt, checkpointHash: manifest.checkpointHash, sha256: manifest.sha256, file: manifest.file, retentionYears: years },
    });
  });
  return manifest;
}

/** Every tenant with events (or only one): what `npm run audit:archive` runs. */
export async function archiveExpired(db: Db, opts: ArchiveOptions & { tenantId?: string }): Promise<ArchiveManifest[]> {
  const chains = await db.auditEvent.groupBy({ by: ["tenantId"], where: { tenantId: opts.tenantId ?? { not: null } }, orderBy: { tenantId: "asc" } });
  const out: ArchiveManifest[] = [];
  for (const { tenantId } of chains) {
    if (!tenantId) continue;
    const m = await archiveTenant(db, tenantId, opts);
    if (m) out.push(m);
  }
  return out;
}

export interface ArchiveVerdict {
  manifest: string;
  tenantId: string | null;
  count: number;
  problems: string[];
  notes: string[];
}

/**
 * Verifies the archives in a directory offline: each file's sha256 against its manifest, each
 * line's hash against its content and its link to the line before, the manifest's counts and
 * checkpoint, and consecutive archives of a tenant linking to each other. With a database, also
 * the link to the live chain: the stored checkpoint matches, and the first remaining row (or the
 * next archive) links to it.
 */
export async function verifyArchive(dir: string, db?: Db): Promise<ArchiveVerdict[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".manifest.json")).sort();
  const manifests: { name: string; m: ArchiveManifest | null; error?: string }[] = [];
  for (const name of names) {
    try {
      const m = JSON.parse(await readFile(path.join(dir, name), "utf8")) as ArchiveManifest;
      manifests.push({ name, m: m.format === ARCHIVE_FORMAT ? m : null, error: m.format === ARCHIVE_FORMAT ? undefined : `unknown format ${String(m.format)}` });
    } catch (err) {
      manifests.push({ name, m: null, error: `manifest is not readable JSON (${(err as Error).message})` });
    }
  }
  const verdicts: ArchiveVerdict[] = [];
  const byTenant = new Map<string, ArchiveManifest[]>();
  for (const { name, m, error } of manifests) {
    if (!m) {
      verdicts.push({ manifest: name, tenantId: null, count: 0, problems: [error ?? "unreadable"], notes: [] });
      continue;
    }
    const v: ArchiveVerdict = { manifest: name, tenantId: m.tenantId, count: 0, problems: [], notes: [] };
    verdicts.push(v);
    (byTenant.get(m.tenantId) ?? byTenant.set(m.tenantId, []).get(m.tenantId)!).push(m);
    let text: string;
    try {
      text = await readFile(path.join(dir, m.file), "utf8");
    } catch {
      v.problems.push(`${m.file} is missing`);
      continue;
    }
    if (createHash("sha256").update(text).digest("hex") !== m.sha256) v.problems.push(`${m.file}: sha256 differs from the manifest (the file was changed)`);
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    let prev = m.firstPrevHash;
    let firstBroken: string | null = null;
    let lastRow: { id: string; createdAt: string; hash: string } | null = null;
    lines.forEach((line, i) => {
      if (firstBroken) return;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line);
      } catch {
        firstBroken = `line ${i + 1}: not valid JSON`;
        return;
      }
      const row = { ...r, createdAt: new Date(String(r.createdAt)) } as Parameters<typeof hashEvent>[1] & { id: string; prevHash: string; hash: string };
      if (row.tenantId !== m.tenantId) firstBroken = `line ${i + 1} (event #${row.id}): belongs to another tenant`;
      else if (row.prevHash !== prev) firstBroken = `line ${i + 1} (event #${row.id}): does not link to the line before it`;
      else if (hashEvent(prev, row) !== row.hash) firstBroken = `line ${i + 1} (event #${row.id}): its content does not match its hash (changed)`;
      prev = String(row.hash);
      lastRow = { id: String(row.id), createdAt: String(r.createdAt), hash: String(row.hash) };
      v.count++;
    });
    if (firstBroken) {
      v.problems.push(`${m.file}: first broken link at ${firstBroken}`);
      continue;
    }
    const end = lastRow as { id: string; createdAt: string; hash: string } | null;
    if (v.count !== m.count) v.problems.push(`${m.file}: ${v.count} lines, the manifest says ${m.count}`);
    if (!end || end.hash !== m.checkpointHash || end.id !== m.lastId) v.problems.push(`${m.file}: the last line is not the manifest's checkpoint`);
  }
  // Consecutive archives of a tenant link to each other; the earliest starts the chain or links to one not here.
  for (const [tenantId, list] of byTenant) {
    list.sort((a, b) => (BigInt(a.firstId) < BigInt(b.firstId) ? -1 : 1));
    list.forEach((m, i) => {
      const v = verdicts.find((x) => x.manifest.startsWith(m.file.replace(/\.jsonl$/, "")))!;
      if (i === 0) {
        if (m.firstPrevHash !== GENESIS) v.notes.push(`starts at event #${m.firstId}, after an earlier archive that is not in this directory`);
      } else if (m.firstPrevHash !== list[i - 1].checkpointHash) v.problems.push(`does not link to the previous archive of tenant ${tenantId} (${list[i - 1].file})`);
    });
  }
  if (db) {
    for (const [tenantId, list] of byTenant) {
      for (const m of list) {
        const v = verdicts.find((x) => x.manifest.startsWith(m.file.replace(/\.jsonl$/, "")))!;
        const stored = await db.auditArchive.findUnique({ where: { id: m.archiveId } });
        if (!stored) {
          v.problems.push("the database has no record of this archive");
          continue;
        }
        if (stored.checkpointHash !== m.checkpointHash || stored.sha256 !== m.sha256 || stored.lastId.toString() !== m.lastId) v.problems.push("the database's record of this archive differs from the manifest");
        const nextArchive = await db.auditArchive.findFirst({ where: { tenantId, firstId: { gt: stored.lastId } }, orderBy: { firstId: "asc" } });
        const nextRow = nextArchive ? null : await db.auditEvent.findFirst({ where: { tenantId, id: { gt: stored.lastId } }, orderBy: { id: "asc" }, select: { id: true, prevHash: true } });
        const linkHash = nextArchive?.firstPrevHash ?? nextRow?.prevHash;
        if (linkHash === undefined) v.notes.push("no live rows after this archive");
        else if (linkHash !== m.checkpointHash) v.problems.push(nextArchive ? "the next archive does not link to this one's checkpoint" : `the live chain does not link to this checkpoint (event #${nextRow!.id})`);
        else v.notes.push(nextArchive ? `linked to the next archive (from event #${nextArchive.firstId})` : `linked to the live chain at event #${nextRow!.id}`);
      }
    }
  }
  return verdicts;
}
