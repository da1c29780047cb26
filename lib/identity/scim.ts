import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { OWNER_ROLE_IDS } from "../authz/roles";
import type { Prisma } from "../db/generated/client";
import type { Tx } from "../db/client";
import { applyGroupRoles, findOrCreateAccount, revokeIdentityAccess } from "./provision";
import { ScimFilterError, parseScimFilter, textCondition } from "./scim-filter";

/**
 * SCIM 2.0 (RFC 7643 resources, RFC 7644 protocol) for one tenant, the one whose bearer token was
 * presented: Users and Groups with filter, pagination, PUT, PATCH and DELETE. Everything is scoped in
 * the query to that tenant — a Users row is a person with a SCIM identity *in this tenant* — so
 * another tenant's people are simply not found (404). Creating or renaming a user needs an email in
 * a domain the tenant has verified (lib/identity/provision.ts). Deactivation disables the account
 * (the tenant manages it) and ends every session at once. Groups map to roles through the same
 * mapping table as SSO (identity_group_mappings).
 */
export const SCHEMAS = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  group: "urn:ietf:params:scim:schemas:core:2.0:Group",
  list: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  patch: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
} as const;
const PROVIDER = "scim";

type Ctx = { tenantId: string; tokenId: string; ip: string | null; base: string };

export const scimError = (code: "invalid" | "conflict" | "not_found" | "forbidden", scimType: string | null, message: string) =>
  new AppError(code, message, scimType ? { scimType: [scimType] } : undefined);

/** RFC 7644 §3.12 error body, from our AppError body. */
export function scimErrorResponse(status: number, body: { error: { message: string; fields?: Record<string, string[]> } }, headers: Record<string, string>): Response {
  const scimType = body.error.fields?.scimType?.[0] ?? (status === 400 ? "invalidValue" : undefined);
  const detail = status === 400 && body.error.fields && !body.error.fields.scimType ? `${body.error.message} ${Object.entries(body.error.fields).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ")}` : body.error.message;
  return new Response(JSON.stringify({ schemas: [SCHEMAS.error], status: String(status), ...(scimType ? { scimType } : {}), detail }), { status, headers: { ...headers, "Content-Type": "application/scim+json" } });
}

export const scimJson = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/scim+json" } });

export const listQuerySchema = z.object({
  filter: z.string().max(1000).optional(),
  startIndex: z.coerce.number().int().min(1).default(1).catch(1),
  count: z.coerce.number().int().min(0).max(200).default(100).catch(100),
  excludedAttributes: z.string().max(200).optional(),
});
type ListQuery = z.output<typeof listQuerySchema>;

// ───────────── Users ─────────────

const str = (max: number) => z.string().trim().max(max, `At most ${max} characters.`);
export const scimUserSchema = z.looseObject({
  userName: str(254).min(1, "userName is required."),
  externalId: str(500).nullish(),
  displayName: str(200).nullish(),
  name: z.looseObject({ formatted: str(200).nullish(), givenName: str(100).nullish(), familyName: str(100).nullish() }).nullish(),
  emails: z.array(z.looseObject({ value: str(254), primary: z.boolean().optional(), type: z.string().max(50).optional() })).max(20).nullish(),
  active: z.union([z.boolean(), z.enum(["true", "false", "True", "False"]).transform((v) => v.toLowerCase() === "true")]).default(true),
});
type ScimUserInput = z.output<typeof scimUserSchema>;

/** What we keep of a SCIM user. */
interface Desired {
  email: string;
  name: string | null;
  externalId: string | null;
  active: boolean;
}

function desiredFrom(body: ScimUserInput): Desired {
  const primary = body.emails?.find((e) => e.primary) ?? body.emails?.[0];
  const email = (primary?.value ?? body.userName).toLowerCase();
  const name = body.displayName || body.name?.formatted || [body.name?.givenName, body.name?.familyName].filter(Boolean).join(" ") || null;
  return { email, name, externalId: body.externalId ?? null, active: body.active };
}

const scimUserWhere = (tenantId: string): Prisma.UserWhereInput => ({ deletedAt: null, externalIdentities: { some: { tenantId, providerKey: PROVIDER } } });

const userInclude = (tenantId: string) =>
  ({
    externalIdentities: { where: { tenantId, providerKey: PROVIDER }, select: { externalId: true, createdAt: true } },
    scimGroups: { where: { group: { tenantId } }, select: { group: { select: { id: true, displayName: true } } } },
  }) satisfies Prisma.UserInclude;
type UserRow = Prisma.UserGetPayload<{ include: ReturnType<typeof userInclude> }>;

function userResource(u: UserRow, base: string) {
  const identity = u.externalIdentities[0];
  const [givenName, ...rest] = u.name.split(" ");
  return {
    schemas: [SCHEMAS.user],
    id: u.id,
    ...(identity?.externalId ? { externalId: identity.externalId } : {}),
    userName: u.email,
    name: { formatted: u.name, givenName, familyName: rest.join(" ") },
    displayName: u.name,
    emails: [{ value: u.email, type: "work", primary: true }],
    active: u.status === "ACTIVE",
    groups: u.scimGroups.map((g) => ({ value: g.group.id, display: g.group.displayName, $ref: `${base}/Groups/${g.group.id}` })),
    meta: { resourceType: "User", created: (identity?.createdAt ?? u.createdAt).toISOString(), lastModified: u.updatedAt.toISOString(), location: `${base}/Users/${u.id}` },
  };
}

const USER_FILTERS = {
  username: (op: string, v: string | boolean | null) => ({ email: textCondition(op, v)! }),
  "emails.value": (op: string, v: string | boolean | null) => ({ email: textCondition(op, v)! }),
  emails: (op: string, v: string | boolean | null) => ({ email: textCondition(op, v)! }),
  displayname: (op: string, v: string | boolean | null) => ({ name: textCondition(op, v)! }),
  "name.formatted": (op: string, v: string | boolean | null) => ({ name: textCondition(op, v)! }),
  id: (op: string, v: string | boolean | null) => (z.uuid().safeParse(v).success ? (op === "ne" ? { NOT: { id: String(v) } } : { id: String(v) }) : op === "ne" ? {} : { id: { in: [] } }),
  externalid: (op: string, v: string | boolean | null) => ({ externalIdentities: { some: { providerKey: PROVIDER, externalId: textCondition(op, v)! } } }),
  active: (op: string, v: string | boolean | null) => ({ status: (v === true || v === "true") === (op !== "ne") ? ("ACTIVE" as const) : { not: "ACTIVE" as const } }),
} satisfies Record<string, (op: string, v: string | boolean | null) => Prisma.UserWhereInput>;

function filterWhere<W extends object>(filter: string | undefined, map: Record<string, (op: string, v: string | boolean | null) => W>): W | object {
  if (!filter?.trim()) return {};
  try {
    return parseScimFilter<W>(filter, map);
  } catch (err) {
    if (err instanceof ScimFilterError) throw scimError("invalid", "invalidFilter", err.message);
    throw err;
  }
}

export async function listUsers(tx: Tx, ctx: Ctx, q: ListQuery) {
  const where: Prisma.UserWhereInput = { AND: [scimUserWhere(ctx.tenantId), filterWhere<Prisma.UserWhereInput>(q.filter, USER_FILTERS) as Prisma.UserWhereInput] };
  const [total, rows] = await Promise.all([
    tx.user.count({ where }),
    q.count === 0 ? Promise.resolve([]) : tx.user.findMany({ where, include: userInclude(ctx.tenantId), orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: q.startIndex - 1, take: q.count }),
  ]);
  return { schemas: [SCHEMAS.list], totalResults: total, startIndex: q.startIndex, itemsPerPage: rows.length, Resources: rows.map((u) => userResource(u, ctx.base)) };
}

async function loadUser(tx: Tx, ctx: Ctx, id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  return tx.user.findFirst({ where: { id, ...scimUserWhere(ctx.tenantId) }, include: userInclude(ctx.tenantId) });
}

export async function getUser(tx: Tx, ctx: Ctx, id: string) {
  const u = await loadUser(tx, ctx, id);
  if (!u) throw scimError("not_found", null, `User ${id} not found.`);
  return userResource(u, ctx.base);
}

const audit = (tx: Tx, ctx: Ctx, action: string, userId: string, details: Record<string, unknown>) =>
  recordAudit(tx, { tenantId: ctx.tenantId, actorId: null, action, targetType: "user", targetId: userId, ip: ctx.ip, details: { via: "scim", tokenId: ctx.tokenId, ...details } });

/** Active ↔ disabled, as the SCIM client says; deactivation ends every session now. Owners are left alone. */
async function setActive(tx: Tx, ctx: Ctx, userId: string, active: boolean) {
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { status: true } });
  if (!active && user.status === "ACTIVE") {
    const owner = await tx.roleBinding.count({ where: { userId, roleId: { in: [...OWNER_ROLE_IDS] }, pending: false, node: { rootId: ctx.tenantId } } });
    if (owner) throw scimError("forbidden", "mutability", "The organisation's owners can't be deactivated by SCIM; an owner changes that in CareAccess.");
    await tx.user.update({ where: { id: userId }, data: { status: "DISABLED" } });
    const ended = await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: "signed out: deactivated by SCIM" } });
    await audit(tx, ctx, "member.deactivated", userId, { sessionsEnded: ended.count });
  } else if (active && user.status === "DISABLED") {
    await tx.user.update({ where: { id: userId }, data: { status: "ACTIVE" } });
    await audit(tx, ctx, "member.reactivated", userId, {});
  }
}

async function scimGroupNames(tx: Tx, tenantId: string, userId: string) {
  return (await tx.scimGroupMember.findMany({ where: { userId, group: { tenantId } }, select: { group: { select: { displayName: true } } } })).map((m) => m.group.displayName);
}

async function save(tx: Tx, ctx: Ctx, desired: Desired, existingId: string | null) {
  const groups = existingId ? await scimGroupNames(tx, ctx.tenantId, existingId) : [];
  const claims = { source: "scim" as const, providerKey: PROVIDER, subject: existingId ?? desired.externalId ?? desired.email, email: desired.email, name: desired.name, groups, externalId: desired.externalId };
  if (existingId) {
    // Keep the link's subject (the user id once linked); the email may change within verified domains.
    const link = await tx.externalIdentity.findUniqueOrThrow({ where: { tenantId_providerKey_userId: { tenantId: ctx.tenantId, providerKey: PROVIDER, userId: existingId } } });
    claims.subject = link.subject;
  }
  const { user, created } = await findOrCreateAccount(tx, ctx.tenantId, claims, { create: true }).catch((err) => {
    if (err instanceof AppError && err.code === "forbidden") throw scimError("invalid", "invalidValue", err.message);
    if (err instanceof AppError && err.code === "conflict") throw scimError("conflict", "uniqueness", err.message);
    throw err;
  });
  if (existingId && user.id !== existingId) throw scimError("conflict", "uniqueness", "That userName belongs to another user.");
  await setActive(tx, ctx, user.id, desired.active);
  await applyGroupRoles(tx, ctx.tenantId, user.id, { source: "scim", actorId: null, ip: ctx.ip });
  return { user, created };
}

export async function createUser(tx: Tx, ctx: Ctx, body: ScimUserInput) {
  const desired = desiredFrom(body);
  const existing = await tx.user.findFirst({ where: { email: desired.email, ...scimUserWhere(ctx.tenantId) }, select: { id: true } });
  if (existing) throw scimError("conflict", "uniqueness", `A user with userName ${desired.email} already exists.`);
  const { user, created } = await save(tx, ctx, desired, null);
  await audit(tx, ctx, created ? "member.provisioned" : "member.linked", user.id, { email: desired.email, externalId: desired.externalId });
  return getUser(tx, ctx, user.id);
}

export async function replaceUser(tx: Tx, ctx: Ctx, id: string, body: ScimUserInput) {
  if (!(await loadUser(tx, ctx, id))) throw scimError("not_found", null, `User ${id} not found.`);
  await save(tx, ctx, desiredFrom(body), id);
  await audit(tx, ctx, "member.updated", id, { fields: Object.keys(body) });
  return getUser(tx, ctx, id);
}

export const patchSchema = z.looseObject({
  Operations: z
    .array(z.looseObject({ op: z.string().transform((o) => o.toLowerCase()).pipe(z.enum(["add", "replace", "remove"], { error: "op must be add, replace or remove." })), path: z.string().max(300).optional(), value: z.unknown().optional() }))
    .min(1, "Operations must list at least one operation.")
    .max(1000),
});
type PatchInput = z.output<typeof patchSchema>;

const bool = (v: unknown) => (typeof v === "string" ? v.toLowerCase() === "true" : Boolean(v));

export async function patchUser(tx: Tx, ctx: Ctx, id: string, body: PatchInput) {
  const current = await loadUser(tx, ctx, id);
  if (!current) throw scimError("not_found", null, `User ${id} not found.`);
  const d: Desired = { email: current.email, name: current.name, externalId: current.externalIdentities[0]?.externalId ?? null, active: current.status === "ACTIVE" };
  let given: string | null = null;
  let family: string | null = null;
  const set = (path: string, value: unknown, remove: boolean) => {
    const p = path.toLowerCase();
    if (p === "active") d.active = remove ? false : bool(value);
    else if (p === "username" || p === "emails" || /^emails\[.*\]\.value$/.test(p) || p === "emails.value") {
      const v = Array.isArray(value) ? (value[0] as { value?: string })?.value : typeof value === "object" && value ? (value as { value?: string }).value : value;
      if (remove || typeof v !== "string") throw scimError("invalid", "mutability", "userName can be replaced but not removed.");
      d.email = v.toLowerCase();
    } else if (p === "displayname" || p === "name.formatted") d.name = remove ? null : String(value);
    else if (p === "name.givenname") given = remove ? "" : String(value);
    else if (p === "name.familyname") family = remove ? "" : String(value);
    else if (p === "name" && value && typeof value === "object") {
      const n = value as { formatted?: string; givenName?: string; familyName?: string };
      if (n.formatted) d.name = n.formatted;
      if (n.givenName !== undefined) given = n.givenName;
      if (n.familyName !== undefined) family = n.familyName;
    } else if (p === "externalid") d.externalId = remove ? null : String(value);
    else throw scimError("invalid", "invalidPath", `The path ${path} isn't supported for Users.`);
  };
  for (const op of body.Operations) {
    if (op.path) set(op.path, op.value, op.op === "remove");
    else if (op.value && typeof op.value === "object" && op.op !== "remove") for (const [k, v] of Object.entries(op.value as Record<string, unknown>)) set(k, v, false);
    else throw scimError("invalid", "noTarget", "An operation without a path needs an object value.");
  }
  if (given !== null || family !== null) {
    const [g, ...f] = current.name.split(" ");
    d.name = [given ?? g, family ?? f.join(" ")].filter(Boolean).join(" ");
  }
  if (!z.email().safeParse(d.email).success) throw scimError("invalid", "invalidValue", "userName must be an email address.");
  await save(tx, ctx, d, id);
  await audit(tx, ctx, "member.updated", id, { operations: body.Operations.map((o) => `${o.op} ${o.path ?? "(value)"}`) });
  return getUser(tx, ctx, id);
}

/** DELETE: the person leaves the tenant through SCIM: identity roles removed, account disabled, sessions ended. */
export async function deleteUser(tx: Tx, ctx: Ctx, id: string) {
  if (!(await loadUser(tx, ctx, id))) throw scimError("not_found", null, `User ${id} not found.`);
  await tx.scimGroupMember.deleteMany({ where: { userId: id, group: { tenantId: ctx.tenantId } } });
  await revokeIdentityAccess(tx, ctx.tenantId, id, { source: "scim", reason: "deleted by SCIM", disable: true, ip: ctx.ip });
  await tx.externalIdentity.deleteMany({ where: { tenantId: ctx.tenantId, providerKey: PROVIDER, userId: id } });
}

// ───────────── Groups ─────────────

export const scimGroupSchema = z.looseObject({
  displayName: str(500).min(1, "displayName is required."),
  externalId: str(500).nullish(),
  members: z.array(z.looseObject({ value: z.string().max(100) })).max(10_000).default([]),
});
type ScimGroupInput = z.output<typeof scimGroupSchema>;

const groupInclude = { members: { select: { user: { select: { id: true, email: true, name: true } } } } } satisfies Prisma.ScimGroupInclude;
type GroupRow = Prisma.ScimGroupGetPayload<{ include: typeof groupInclude }>;

function groupResource(g: GroupRow, base: string, withMembers = true) {
  return {
    schemas: [SCHEMAS.group],
    id: g.id,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    displayName: g.displayName,
    ...(withMembers ? { members: g.members.map((m) => ({ value: m.user.id, display: m.user.name, $ref: `${base}/Users/${m.user.id}` })) } : {}),
    meta: { resourceType: "Group", created: g.createdAt.toISOString(), lastModified: g.updatedAt.toISOString(), location: `${base}/Groups/${g.id}` },
  };
}

const GROUP_FILTERS = {
  displayname: (op: string, v: string | boolean | null) => ({ displayName: textCondition(op, v)! }),
  externalid: (op: string, v: string | boolean | null) => ({ externalId: textCondition(op, v)! }),
  id: (op: string, v: string | boolean | null) => (z.uuid().safeParse(v).success ? (op === "ne" ? { NOT: { id: String(v) } } : { id: String(v) }) : op === "ne" ? {} : { id: { in: [] } }),
  "members.value": (_op: string, v: string | boolean | null) => (z.uuid().safeParse(v).success ? { members: { some: { userId: String(v) } } } : { id: { in: [] } }),
} satisfies Record<string, (op: string, v: string | boolean | null) => Prisma.ScimGroupWhereInput>;

export async function listGroups(tx: Tx, ctx: Ctx, q: ListQuery) {
  const where: Prisma.ScimGroupWhereInput = { AND: [{ tenantId: ctx.tenantId }, filterWhere<Prisma.ScimGroupWhereInput>(q.filter, GROUP_FILTERS) as Prisma.ScimGroupWhereInput] };
  const withMembers = !/\bmembers\b/i.test(q.excludedAttributes ?? "");
  const [total, rows] = await Promise.all([
    tx.scimGroup.count({ where }),
    q.count === 0 ? Promise.resolve([]) : tx.scimGroup.findMany({ where, include: groupInclude, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: q.startIndex - 1, take: q.count }),
  ]);
  return { schemas: [SCHEMAS.list], totalResults: total, startIndex: q.startIndex, itemsPerPage: rows.length, Resources: rows.map((g) => groupResource(g, ctx.base, withMembers)) };
}

async function loadGroup(tx: Tx, ctx: Ctx, id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  return tx.scimGroup.findFirst({ where: { id, tenantId: ctx.tenantId }, include: groupInclude });
}

export async function getGroup(tx: Tx, ctx: Ctx, id: string) {
  const g = await loadGroup(tx, ctx, id);
  if (!g) throw scimError("not_found", null, `Group ${id} not found.`);
  return groupResource(g, ctx.base);
}

/** Member ids must be this tenant's SCIM users; anyone else is "not found" (never added). */
async function memberIds(tx: Tx, ctx: Ctx, values: { value: string }[]) {
  const ids = [...new Set(values.map((v) => v.value))];
  const valid = ids.filter((id) => z.uuid().safeParse(id).success);
  const found = new Set((await tx.user.findMany({ where: { id: { in: valid }, ...scimUserWhere(ctx.tenantId) }, select: { id: true } })).map((u) => u.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw scimError("invalid", "invalidValue", `No such user: ${missing.slice(0, 5).join(", ")}.`);
  return ids;
}

/** After a group's name or members change: each affected person's SCIM groups and identity roles. */
async function resync(tx: Tx, ctx: Ctx, userIds: Iterable<string>) {
  for (const userId of new Set(userIds)) {
    const groups = await scimGroupNames(tx, ctx.tenantId, userId);
    await tx.externalIdentity.updateMany({ where: { tenantId: ctx.tenantId, providerKey: PROVIDER, userId }, data: { groups } });
    await applyGroupRoles(tx, ctx.tenantId, userId, { source: "scim", actorId: null, ip: ctx.ip });
  }
}

const groupAudit = (tx: Tx, ctx: Ctx, action: string, groupId: string, details: Record<string, unknown>) =>
  recordAudit(tx, { tenantId: ctx.tenantId, actorId: null, action, targetType: "scim_group", targetId: groupId, ip: ctx.ip, details: { via: "scim", tokenId: ctx.tokenId, ...details } });

async function uniqueName(tx: Tx, ctx: Ctx, displayName: string, exceptId?: string) {
  if (await tx.scimGroup.findFirst({ where: { tenantId: ctx.tenantId, displayName, ...(exceptId ? { NOT: { id: exceptId } } : {}) }, select: { id: true } })) {
    throw scimError("conflict", "uniqueness", `A group named ${displayName} already exists.`);
  }
}

export async function createGroup(tx: Tx, ctx: Ctx, body: ScimGroupInput) {
  await uniqueName(tx, ctx, body.displayName);
  const ids = await memberIds(tx, ctx, body.members);
  const g = await tx.scimGroup.create({ data: { tenantId: ctx.tenantId, displayName: body.displayName, externalId: body.externalId ?? null, members: { create: ids.map((userId) => ({ userId })) } } });
  await resync(tx, ctx, ids);
  await groupAudit(tx, ctx, "scim_group.created", g.id, { displayName: body.displayName, members: ids.length });
  return getGroup(tx, ctx, g.id);
}

async function setMembers(tx: Tx, ctx: Ctx, groupId: string, next: string[], before: string[]) {
  const add = next.filter((id) => !before.includes(id));
  const remove = before.filter((id) => !next.includes(id));
  if (remove.length) await tx.scimGroupMember.deleteMany({ where: { groupId, userId: { in: remove } } });
  if (add.length) await tx.scimGroupMember.createMany({ data: add.map((userId) => ({ groupId, userId })) });
  return { add, remove };
}

export async function replaceGroup(tx: Tx, ctx: Ctx, id: string, body: ScimGroupInput) {
  const g = await loadGroup(tx, ctx, id);
  if (!g) throw scimError("not_found", null, `Group ${id} not found.`);
  await uniqueName(tx, ctx, body.displayName, id);
  const before = g.members.map((m) => m.user.id);
  const next = await memberIds(tx, ctx, body.members);
  await tx.scimGroup.update({ where: { id }, data: { displayName: body.displayName, externalId: body.externalId ?? null } });
  const { add, remove } = await setMembers(tx, ctx, id, next, before);
  await resync(tx, ctx, g.displayName !== body.displayName ? [...before, ...next] : [...add, ...remove]);
  await groupAudit(tx, ctx, "scim_group.changed", id, { before: { displayName: g.displayName, members: before.length }, after: { displayName: body.displayName, members: next.length } });
  return getGroup(tx, ctx, id);
}

export async function patchGroup(tx: Tx, ctx: Ctx, id: string, body: PatchInput) {
  const g = await loadGroup(tx, ctx, id);
  if (!g) throw scimError("not_found", null, `Group ${id} not found.`);
  const before = g.members.map((m) => m.user.id);
  let members = [...before];
  let displayName = g.displayName;
  let externalId = g.externalId;
  const values = (v: unknown) => (Array.isArray(v) ? v : v ? [v] : []).map((x) => ({ value: String((x as { value?: unknown }).value ?? x) }));
  for (const op of body.Operations) {
    const path = op.path?.toLowerCase() ?? "";
    const filtered = op.path?.match(/^members\[value eq "([^"]+)"\]$/i);
    if (filtered && op.op === "remove") members = members.filter((m) => m !== filtered[1]);
    else if (path === "members") {
      if (op.op === "remove") members = op.value === undefined ? [] : members.filter((m) => !values(op.value).some((v) => v.value === m));
      else {
        const ids = await memberIds(tx, ctx, values(op.value));
        members = op.op === "replace" ? ids : [...new Set([...members, ...ids])];
      }
    } else if (path === "displayname" && op.op !== "remove") displayName = String(op.value);
    else if (path === "externalid") externalId = op.op === "remove" ? null : String(op.value);
    else if (!op.path && op.value && typeof op.value === "object" && op.op !== "remove") {
      const v = op.value as { displayName?: unknown; externalId?: unknown; members?: unknown };
      if (typeof v.displayName === "string") displayName = v.displayName;
      if (typeof v.externalId === "string") externalId = v.externalId;
      if (v.members !== undefined) {
        const ids = await memberIds(tx, ctx, values(v.members));
        members = op.op === "replace" ? ids : [...new Set([...members, ...ids])];
      }
    } else throw scimError("invalid", "invalidPath", `The operation ${op.op} ${op.path ?? ""} isn't supported for Groups.`);
  }
  const parsed = str(500).min(1, "displayName is required.").safeParse(displayName);
  if (!parsed.success) throw scimError("invalid", "invalidValue", parsed.error.issues[0]?.message ?? "displayName is invalid.");
  if (displayName !== g.displayName) await uniqueName(tx, ctx, displayName, id);
  await tx.scimGroup.update({ where: { id }, data: { displayName, externalId } });
  const { add, remove } = await setMembers(tx, ctx, id, members, before);
  await resync(tx, ctx, displayName !== g.displayName ? [...before, ...members] : [...add, ...remove]);
  await groupAudit(tx, ctx, "scim_group.changed", id, { added: add.length, removed: remove.length, renamed: displayName !== g.displayName });
  return getGroup(tx, ctx, id);
}

export async function deleteGroup(tx: Tx, ctx: Ctx, id: string) {
  const g = await loadGroup(tx, ctx, id);
  if (!g) throw scimError("not_found", null, `Group ${id} not found.`);
  await tx.scimGroup.delete({ where: { id } });
  await resync(tx, ctx, g.members.map((m) => m.user.id));
  await groupAudit(tx, ctx, "scim_group.deleted", id, { displayName: g.displayName });
}

// ───────────── Discovery (RFC 7644 §4) ─────────────

export function serviceProviderConfig(base: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    documentationUri: "https://github.com/careaccess/careaccess/blob/main/docs/enterprise-identity.md",
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 200 },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [{ type: "oauthbearertoken", name: "Bearer token", description: "A SCIM token from Settings > Security > Single sign-on", primary: true }],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypes(base: string) {
  return {
    schemas: [SCHEMAS.list],
    totalResults: 2,
    Resources: [
      { schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], id: "User", name: "User", endpoint: "/Users", schema: SCHEMAS.user, meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` } },
      { schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], id: "Group", name: "Group", endpoint: "/Groups", schema: SCHEMAS.group, meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` } },
    ],
  };
}

/** The handler context of a SCIM route: the token's tenant, the caller's address, our base URL. */
export function scimContext(c: { scim: { tenantId: string; tokenId: string }; ip: string | null }, appUrl: string): Ctx {
  return { tenantId: c.scim.tenantId, tokenId: c.scim.tokenId, ip: c.ip, base: `${appUrl}/scim/v2` };
}
export const SCIM_ROUTE = { errorResponse: scimErrorResponse } as const;
export const idSchema = z.object({ id: z.string().max(100) });
