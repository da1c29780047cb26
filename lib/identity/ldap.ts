import { Client } from "ldapts";
import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { emailDomain } from "../members/accounts";
import { isLoopbackUrl } from "./connections";
import { applyGroupRoles, findOrCreateAccount, revokeIdentityAccess } from "./provision";
import { openSecret, sealSecret } from "./secrets";

/**
 * LDAP / Active Directory sync with ldapts: bind as a service account, search users under a base
 * with a filter, read groups (groupOfNames `member`), map attributes, and make the tenant's people
 * match — adds, changes, removals — with a dry-run preview of exactly what a sync would do. A person
 * gone from the directory loses access (identity roles removed, account disabled, sessions ended).
 * Only emails in the tenant's verified domains are synced; others are listed as skipped.
 * ldaps:// is verified against the system CAs or the CA certificate given; plain ldap:// only on loopback.
 */
export const ldapConfigSchema = z.object({
  url: z
    .string({ error: "Enter the directory URL, like ldaps://ldap.example.com:636." })
    .trim()
    .regex(/^ldaps?:\/\/[^\s/]+(:\d+)?\/?$/, "Enter the directory URL, like ldaps://ldap.example.com:636.")
    .refine((u) => u.startsWith("ldaps://") || isLoopbackUrl(u.replace(/^ldap:/, "http:")), "Use ldaps:// (plain ldap:// is allowed only for 127.0.0.1 and localhost)."),
  bindDn: z.string({ error: "Enter the bind DN." }).trim().min(1, "Enter the bind DN.").max(500),
  baseDn: z.string({ error: "Enter the search base." }).trim().min(1, "Enter the search base, like ou=people,dc=example,dc=com.").max(500),
  userFilter: z.string().trim().max(1000).default("(objectClass=inetOrgPerson)"),
  groupBaseDn: z.string().trim().max(500).default(""),
  groupFilter: z.string().trim().max(1000).default("(objectClass=groupOfNames)"),
  idAttribute: z.string().trim().max(100).default("entryUUID"),
  emailAttribute: z.string().trim().max(100).default("mail"),
  nameAttribute: z.string().trim().max(100).default("cn"),
  groupNameAttribute: z.string().trim().max(100).default("cn"),
  groupMemberAttribute: z.string().trim().max(100).default("member"),
  /** PEM of the CA that signed the directory's certificate (a private CA); empty = the system's. */
  tlsCaCert: z.string().trim().max(20_000).default(""),
});
export type LdapConfig = z.output<typeof ldapConfigSchema>;

export const directoryInputSchema = z.object({
  name: z.string({ error: "Name the directory." }).trim().min(1, "Name the directory.").max(100),
  config: ldapConfigSchema,
  bindPassword: z.string().max(1000).optional(),
  scheduleMinutes: z.coerce.number().int("Whole minutes.").min(0, "0 (manual) or more.").max(10_080, "At most a week.").default(0),
});

export interface DirectoryUser {
  dn: string;
  id: string;
  email: string;
  name: string;
  groups: string[];
}

const first = (v: unknown): string => (Array.isArray(v) ? first(v[0]) : Buffer.isBuffer(v) ? v.toString("utf8") : v == null ? "" : String(v));
const all = (v: unknown): string[] => (Array.isArray(v) ? v.map(first) : v == null ? [] : [first(v)]);

/** Reads the directory: users with their group names. */
export async function readDirectory(config: LdapConfig, bindPassword: string): Promise<DirectoryUser[]> {
  const client = new Client({ url: config.url, timeout: 15_000, connectTimeout: 5_000, tlsOptions: config.url.startsWith("ldaps://") ? { ca: config.tlsCaCert ? [config.tlsCaCert] : undefined, minVersion: "TLSv1.2" } : undefined });
  try {
    await client.bind(config.bindDn, bindPassword);
    const { searchEntries: people } = await client.search(config.baseDn, { scope: "sub", filter: config.userFilter, attributes: ["dn", config.idAttribute, config.emailAttribute, config.nameAttribute], paged: { pageSize: 500 }, sizeLimit: 50_000 });
    const { searchEntries: groups } = await client.search(config.groupBaseDn || config.baseDn, { scope: "sub", filter: config.groupFilter, attributes: [config.groupNameAttribute, config.groupMemberAttribute], paged: { pageSize: 500 } });
    const groupsOf = new Map<string, string[]>();
    for (const g of groups) {
      const name = first(g[config.groupNameAttribute]);
      for (const member of all(g[config.groupMemberAttribute])) {
        const key = member.toLowerCase();
        groupsOf.set(key, [...(groupsOf.get(key) ?? []), name]);
      }
    }
    return people
      .map((p) => ({ dn: p.dn, id: first(p[config.idAttribute]) || p.dn, email: first(p[config.emailAttribute]).trim().toLowerCase(), name: first(p[config.nameAttribute]).trim(), groups: (groupsOf.get(p.dn.toLowerCase()) ?? []).sort() }))
      .filter((p) => p.email);
  } catch (err) {
    const e = err as Error & { code?: string | number };
    if (/invalid credentials/i.test(e.message) || e.code === 49) throw new AppError("invalid", "The directory refused the bind DN and password.", { bindPassword: ["The directory refused the bind DN and password."] });
    throw new AppError("unavailable", `Couldn't read the directory: ${e.message}`);
  } finally {
    await client.unbind().catch(() => {});
  }
}

export interface SyncPlan {
  adds: { email: string; name: string; groups: string[]; existingAccount: boolean }[];
  changes: { email: string; what: string[] }[];
  removals: { email: string; userId: string }[];
  skipped: { email: string; reason: string }[];
  unchanged: number;
}

/** What a sync would do, from the directory's users and the tenant's current state (no writes). */
export async function planSync(db: Db | Tx, directory: { id: string; tenantId: string }, people: DirectoryUser[]): Promise<SyncPlan> {
  const verified = new Set((await db.tenantDomain.findMany({ where: { tenantId: directory.tenantId, verifiedDomain: { not: null } }, select: { domain: true } })).map((d) => d.domain));
  const links = await db.externalIdentity.findMany({ where: { tenantId: directory.tenantId, providerKey: directory.id }, select: { subject: true, userId: true, groups: true, user: { select: { email: true, name: true, status: true } } } });
  const bySubject = new Map(links.map((l) => [l.subject, l]));
  const plan: SyncPlan = { adds: [], changes: [], removals: [], skipped: [], unchanged: 0 };
  const seen = new Set<string>();
  for (const p of people) {
    if (!verified.has(emailDomain(p.email))) {
      plan.skipped.push({ email: p.email, reason: `${emailDomain(p.email)} isn't a verified domain of this organisation` });
      continue;
    }
    seen.add(p.id);
    const link = bySubject.get(p.id);
    if (!link) {
      const existing = await db.user.findUnique({ where: { email: p.email }, select: { id: true } });
      plan.adds.push({ email: p.email, name: p.name, groups: p.groups, existingAccount: !!existing });
      continue;
    }
    const what = [
      ...(link.user.email !== p.email ? [`email → ${p.email}`] : []),
      ...(p.name && link.user.name !== p.name ? [`name → ${p.name}`] : []),
      ...(JSON.stringify([...(link.groups ?? [])].sort()) !== JSON.stringify(p.groups) ? [`groups → ${p.groups.join(", ") || "(none)"}`] : []),
      ...(link.user.status !== "ACTIVE" ? ["reactivated"] : []),
    ];
    if (what.length) plan.changes.push({ email: p.email, what });
    else plan.unchanged++;
  }
  for (const l of links) if (!seen.has(l.subject)) plan.removals.push({ email: l.user.email, userId: l.userId });
  return plan;
}

/** Applies a plan: one transaction for the whole sync (a failure leaves nothing half-done). */
export async function applySync(tx: Tx, directory: { id: string; tenantId: string }, people: DirectoryUser[], opts: { actorId: string | null; ip: string | null; now?: Date }) {
  const now = opts.now ?? new Date();
  const plan = await planSync(tx, directory, people);
  const skipped = new Set(plan.skipped.map((s) => s.email));
  for (const p of people) {
    if (skipped.has(p.email)) continue;
    const { user } = await findOrCreateAccount(tx, directory.tenantId, { source: "ldap", providerKey: directory.id, subject: p.id, email: p.email, name: p.name || null, groups: p.groups, externalId: p.dn }, { create: true, now });
    // The directory manages this account: present there means active here (unless they own the tenant, left as is).
    if (user.status === "DISABLED") await tx.user.update({ where: { id: user.id }, data: { status: "ACTIVE" } });
    await applyGroupRoles(tx, directory.tenantId, user.id, { source: "ldap", actorId: opts.actorId, ip: opts.ip });
  }
  for (const r of plan.removals) {
    await revokeIdentityAccess(tx, directory.tenantId, r.userId, { source: "ldap", reason: "removed from the directory", disable: true, actorId: opts.actorId, ip: opts.ip, now });
    await tx.externalIdentity.deleteMany({ where: { tenantId: directory.tenantId, providerKey: directory.id, userId: r.userId } });
  }
  return plan;
}

export function summary(plan: SyncPlan) {
  return { adds: plan.adds.length, changes: plan.changes.length, removals: plan.removals.length, skipped: plan.skipped.length, unchanged: plan.unchanged };
}

type Actor = { userId: string | null; ip: string | null };

async function loadDirectory(db: Db | Tx, tenantId: string, id: string) {
  const row = await db.ldapDirectory.findFirst({ where: { id, tenantId } });
  if (!row) throw new AppError("not_found", "That directory was not found.");
  const config = ldapConfigSchema.safeParse(row.config);
  if (!config.success || !row.bindPasswordEnc) throw new AppError("conflict", "This directory's settings are incomplete: edit and save them again.");
  return { row, config: config.data, password: openSecret(row.bindPasswordEnc, "ldap_bind_password") };
}

/** Dry run: reads the directory and says what a sync would change. */
export async function previewSync(db: Db, tenantId: string, id: string) {
  const { row, config, password } = await loadDirectory(db, tenantId, id);
  return planSync(db, row, await readDirectory(config, password));
}

/** A sync now (manual, or the scheduler's): the directory is read outside the transaction. */
export async function runSync(db: Db, tenantId: string, id: string, actor: Actor, now = new Date()) {
  const { row, config, password } = await loadDirectory(db, tenantId, id);
  const people = await readDirectory(config, password);
  return db.$transaction(async (tx) => {
    const plan = await applySync(tx, row, people, { actorId: actor.userId, ip: actor.ip, now });
    const result = { ...summary(plan), at: now.toISOString() };
    await tx.ldapDirectory.update({ where: { id }, data: { lastSyncAt: now, lastSyncResult: result, nextSyncAt: row.scheduleMinutes > 0 ? new Date(now.getTime() + row.scheduleMinutes * 60_000) : null } });
    await recordAudit(tx, { tenantId, actorId: actor.userId, action: "directory.synced", targetType: "ldap_directory", targetId: id, ip: actor.ip, details: { ...result, removed: plan.removals.map((r) => r.email), added: plan.adds.map((a) => a.email) } });
    return plan;
  });
}

export async function saveDirectory(tx: Tx, tenantId: string, id: string | null, input: z.output<typeof directoryInputSchema>, actor: { userId: string; ip: string | null }, now = new Date()) {
  const data = {
    name: input.name,
    config: input.config as object,
    scheduleMinutes: input.scheduleMinutes,
    nextSyncAt: input.scheduleMinutes > 0 ? new Date(now.getTime() + input.scheduleMinutes * 60_000) : null,
    ...(input.bindPassword ? { bindPasswordEnc: sealSecret(input.bindPassword, "ldap_bind_password") } : {}),
  };
  if (!id && !input.bindPassword) throw new AppError("invalid", "Enter the bind password.", { bindPassword: ["Enter the bind password."] });
  const before = id ? await tx.ldapDirectory.findFirst({ where: { id, tenantId } }) : null;
  if (id && !before) throw new AppError("not_found", "That directory was not found.");
  const row = id ? await tx.ldapDirectory.update({ where: { id }, data }) : await tx.ldapDirectory.create({ data: { tenantId, ...data } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: id ? "directory.changed" : "directory.created", targetType: "ldap_directory", targetId: row.id, ip: actor.ip, details: { before: before ? { name: before.name, config: before.config, scheduleMinutes: before.scheduleMinutes } : null, after: { name: row.name, config: row.config, scheduleMinutes: row.scheduleMinutes }, passwordChanged: !!input.bindPassword } });
  return directoryView(row);
}

export async function deleteDirectory(tx: Tx, tenantId: string, id: string, actor: { userId: string; ip: string | null }) {
  const row = await tx.ldapDirectory.findFirst({ where: { id, tenantId } });
  if (!row) throw new AppError("not_found", "That directory was not found.");
  // Its people keep their accounts; the links go (a later directory starts fresh).
  await tx.externalIdentity.deleteMany({ where: { tenantId, providerKey: id } });
  await tx.ldapDirectory.delete({ where: { id } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "directory.deleted", targetType: "ldap_directory", targetId: id, ip: actor.ip, details: { name: row.name } });
}

export function directoryView(row: { id: string; name: string; config: unknown; scheduleMinutes: number; lastSyncAt: Date | null; lastSyncResult: unknown; nextSyncAt: Date | null; bindPasswordEnc: string | null }) {
  return { id: row.id, name: row.name, config: row.config as LdapConfig, scheduleMinutes: row.scheduleMinutes, lastSyncAt: row.lastSyncAt?.toISOString() ?? null, nextSyncAt: row.nextSyncAt?.toISOString() ?? null, lastSyncResult: row.lastSyncResult as Record<string, unknown> | null, hasPassword: !!row.bindPasswordEnc };
}

export async function listDirectories(db: Db | Tx, tenantId: string) {
  return (await db.ldapDirectory.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" } })).map(directoryView);
}

/** The scheduler (started with the outbox worker): syncs each directory whose time has come, once across instances. */
export async function runDueSyncs(db: Db, now = new Date()) {
  const due = await db.ldapDirectory.findMany({ where: { scheduleMinutes: { gt: 0 }, nextSyncAt: { lte: now } }, select: { id: true, tenantId: true, nextSyncAt: true, scheduleMinutes: true } });
  for (const d of due) {
    // Claim it: only the instance that moves nextSyncAt runs it.
    const claimed = await db.ldapDirectory.updateMany({ where: { id: d.id, nextSyncAt: d.nextSyncAt }, data: { nextSyncAt: new Date(now.getTime() + d.scheduleMinutes * 60_000) } });
    if (claimed.count !== 1) continue;
    await runSync(db, d.tenantId, d.id, { userId: null, ip: null }, now).catch(async (err) => {
      await db.ldapDirectory.update({ where: { id: d.id }, data: { lastSyncResult: { error: (err as Error).message, at: now.toISOString() } } }).catch(() => {});
    });
  }
}

export function startDirectorySyncWorker(getDb: () => Promise<Db>, everyMs = 60_000) {
  const holder = globalThis as unknown as { __careaccessLdapWorker?: NodeJS.Timeout };
  if (holder.__careaccessLdapWorker) return;
  holder.__careaccessLdapWorker = setInterval(() => void getDb().then((db) => runDueSyncs(db)).catch((err) => console.error("directory sync", err)), everyMs);
  holder.__careaccessLdapWorker.unref?.();
}
