import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { AppError, fromZodError, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { PERMISSIONS, SCOPES, TEMPLATES_BY_ID, canGrant, decide, resolveRoleGrants, type Grant, type Permission, type Scope, type Subject } from "../authz";
import { canChangeRole, type RoleDefinition } from "../authz/rules";
import { bumpAuthzVersion } from "../authz/load";
import type { RoleRow } from "../authz/subject";
import type { Db, Tx } from "../db/client";
import type { Actor } from "../members/admin";
import { inSubtree } from "../orgs/nodes";
import { cleanGrant, diffAgainstParent, MAX_CUSTOM_ROLE_DEPTH, roleFieldsSchema, type RoleDiff, type RoleFields } from "./spec";

export * from "./spec";

/**
 * Custom roles: a tenant's own permission templates. Each one inherits from a parent (a built-in
 * role of the tenant's family or another custom role of the tenant) and stores only what it adds
 * (`grants`) and removes (`removals`); resolveRoleGrants() folds the chain, so a change to a
 * parent reaches every role below it. Every change is audited and bumps the tenant's authz
 * version in the caller's transaction.
 *
 * Rules enforced here (the caller has checked roles.create / roles.edit / roles.delete at the place):
 * - a role is defined at the place it was created (`nodeId`); only someone who may edit / delete
 *   roles there, or above it, may change it (canChangeRole), nor the roles inheriting from it;
 * - nobody saves a role granting what they don't hold where it is defined (canGrant there): every
 *   permission of the role, on create and on edit alike;
 * - an edit or delete must not reach people where the editor can't edit roles;
 * - built-in roles are read-only; a role in use or with children can't be deleted (409);
 * - an edit carries the version it started from; a save from an older version is refused (409) and
 *   writes nothing: the version is checked and incremented in the same UPDATE, so of two concurrent
 *   saves from one version exactly one succeeds.
 */

export const createRoleInput = roleFieldsSchema.extend({ placeId: z.uuid({ error: "Unknown place." }) });
export const updateRoleInput = roleFieldsSchema.extend({
  placeId: z.uuid({ error: "Unknown place." }),
  roleId: z.string().min(1).max(100),
  /** The role's version when the editor opened it (getRole); a save from an older one answers 409. */
  version: z.number().int().min(0),
});

export const STALE_ROLE_MESSAGE = "Someone else changed this role since you opened it; reload to see their changes.";
export const deleteRoleInput = z.object({ placeId: z.uuid({ error: "Unknown place." }), roleId: z.string().min(1).max(100) });

const familyOfKind = (kind: string) => (kind === "CARE_PROFILE" ? "care" : "clinic");

export async function placeTenant(db: Db | Tx, placeId: string) {
  const place = await db.orgNode.findUnique({ where: { id: placeId }, select: { id: true, name: true, rootId: true } });
  if (!place) throw notFound("That place");
  const root = await db.orgNode.findUniqueOrThrow({ where: { id: place.rootId }, select: { id: true, kind: true, name: true } });
  return { place, rootId: root.id, family: familyOfKind(root.kind) };
}

/** The tenant's custom roles as the policy module reads them. */
export async function tenantRoleRows(db: Db | Tx, rootId: string): Promise<Map<string, RoleRow>> {
  const rows = await db.role.findMany({ where: { tenantId: rootId }, select: { id: true, key: true, name: true, tenantId: true, parentId: true, grants: true, removals: true } });
  return new Map(rows.map((r) => [r.id, r]));
}

export function effectiveGrants(roleId: string, roles: ReadonlyMap<string, RoleRow>): Grant[] {
  return resolveRoleGrants(roleId, roles);
}

/** The role's parent chain, nearest first (built-in at the end). */
function chainOf(roleId: string, roles: ReadonlyMap<string, RoleRow>): string[] {
  const out: string[] = [];
  let id: string | null | undefined = roleId;
  while (id && out.length <= MAX_CUSTOM_ROLE_DEPTH + 2) {
    out.push(id);
    id = roles.get(id)?.parentId;
  }
  return out;
}

/** The role itself and every custom role that inherits from it, directly or not. */
export function descendantRoleIds(roleId: string, roles: ReadonlyMap<string, RoleRow>): string[] {
  const out = [roleId];
  for (let i = 0; i < out.length; i++) for (const r of roles.values()) if (r.parentId === out[i] && !out.includes(r.id)) out.push(r.id);
  return out;
}

export const AFFECTED_NAMES = 12;

/** People whose rights change if this role changes: holders of it or of a role inheriting from it, in this tenant. */
export async function affectedPeople(db: Db | Tx, rootId: string, roleId: string, roles?: ReadonlyMap<string, RoleRow>) {
  const rows = roles ?? (await tenantRoleRows(db, rootId));
  const roleIds = descendantRoleIds(roleId, rows);
  const bindings = await db.roleBinding.findMany({
    where: { roleId: { in: roleIds }, node: { rootId }, pending: false },
    select: { userId: true, nodeId: true, user: { select: { name: true } } },
    orderBy: { user: { name: "asc" } },
  });
  // Names for the editor's "who is affected" preview (issue 11), the first few only.
  const names = [...new Map(bindings.map((b) => [b.userId, b.user.name])).values()].slice(0, AFFECTED_NAMES);
  return { people: new Set(bindings.map((b) => b.userId)).size, names, roles: roleIds.length - 1, nodeIds: [...new Set(bindings.map((b) => b.nodeId))] };
}

/**
 * How many people hold each role at the place or below it: distinct people per role among
 * accepted (not pending) bindings of people not deleted, counted in one grouped query.
 */
export async function roleHolderCounts(db: Db | Tx, placeId: string): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ role_id: string; holders: number }[]>`
    SELECT b.role_id, count(DISTINCT b.user_id)::int AS holders
    FROM org_node_closure c
    JOIN role_bindings b ON b.node_id = c.descendant_id
    JOIN users u ON u.id = b.user_id
    WHERE c.ancestor_id = ${placeId}::uuid AND NOT b.pending AND u.deleted_at IS NULL
    GROUP BY b.role_id`;
  return new Map(rows.map((r) => [r.role_id, r.holders]));
}

/** Built-in roles of the tenant's family, then the tenant's custom roles, each with how many people hold it in the place. */
export async function listRoles(db: Db | Tx, placeId: string) {
  const { rootId, family } = await placeTenant(db, placeId);
  const [roles, holders] = await Promise.all([
    db.role.findMany({
      where: { OR: [{ tenantId: null, family }, { tenantId: rootId }] },
      orderBy: [{ createdAt: "asc" }],
      select: { id: true, name: true, description: true, tenantId: true, parentId: true, updatedAt: true },
    }),
    roleHolderCounts(db, placeId),
  ]);
  const names = new Map(roles.map((r) => [r.id, r.name]));
  const builtinOrder = [...TEMPLATES_BY_ID.keys()];
  const rows = roles.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    builtin: r.tenantId === null,
    parentId: r.parentId,
    parentName: r.parentId ? (names.get(r.parentId) ?? null) : null,
    holders: holders.get(r.id) ?? 0,
  }));
  return {
    rootId,
    family,
    builtin: rows.filter((r) => r.builtin).sort((a, b) => builtinOrder.indexOf(a.id) - builtinOrder.indexOf(b.id)),
    custom: rows.filter((r) => !r.builtin),
  };
}

/** One role as seen from a place: its effective grants, parent chain and who holds it there. Null when it isn't this tenant's. */
export async function getRole(db: Db | Tx, placeId: string, roleId: string) {
  const { rootId, family } = await placeTenant(db, placeId);
  const role = await db.role.findUnique({ where: { id: roleId }, select: { id: true, name: true, description: true, tenantId: true, nodeId: true, parentId: true, family: true, grants: true, removals: true, version: true, updatedAt: true } });
  if (!role) return null;
  if (role.tenantId === null ? role.family !== family && role.family !== "platform" : role.tenantId !== rootId) return null;
  const roles = await tenantRoleRows(db, rootId);
  const parentNames = new Map((await db.role.findMany({ where: { id: { in: chainOf(roleId, roles) } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]));
  const [holders, affected] = await Promise.all([
    db.roleBinding.findMany({
      where: { roleId, node: inSubtree(placeId), pending: false, user: { deletedAt: null } },
      orderBy: [{ user: { name: "asc" } }, { node: { depth: "asc" } }],
      select: { id: true, expiresAt: true, user: { select: { id: true, name: true, email: true } }, node: { select: { id: true, name: true, kind: true } } },
    }),
    affectedPeople(db, rootId, roleId, roles),
  ]);
  const children = [...roles.values()].filter((r) => r.parentId === roleId).map((r) => ({ id: r.id, name: r.name }));
  const chain = chainOf(roleId, roles).slice(1).map((id) => ({ id, name: parentNames.get(id) ?? id }));
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    builtin: role.tenantId === null,
    family: role.tenantId === null ? role.family : family,
    rootId,
    /** Custom roles: where the role was defined (only people who manage roles there may change it). */
    definedAt: role.tenantId === null ? null : await definedAt(db, rootId, role.nodeId),
    /** Sent back by an edit (updateCustomRole's expectedVersion). */
    version: role.version,
    parentId: role.parentId,
    chain,
    children,
    grants: effectiveGrants(roleId, roles),
    parentGrants: role.parentId ? effectiveGrants(role.parentId, roles) : [],
    stored: { grants: (role.grants ?? []) as Grant[], removals: (role.removals ?? []) as Permission[] },
    holders: holders.map((h) => ({ bindingId: h.id, userId: h.user.id, name: h.user.name, email: h.user.email, nodeId: h.node.id, nodeName: h.node.name, nodeKind: h.node.kind, expiresAt: h.expiresAt?.toISOString() ?? null })),
    affected,
  };
}

/** Roles a new custom role can start from: the family's built-ins and the tenant's custom roles, with their effective grants. */
export async function parentChoices(db: Db | Tx, placeId: string) {
  const { rootId, family } = await placeTenant(db, placeId);
  const roles = await tenantRoleRows(db, rootId);
  const rows = await db.role.findMany({ where: { OR: [{ tenantId: null, family }, { tenantId: rootId }] }, orderBy: { createdAt: "asc" }, select: { id: true, name: true, tenantId: true } });
  const builtinOrder = [...TEMPLATES_BY_ID.keys()];
  return rows
    .sort((a, b) => Number(a.tenantId !== null) - Number(b.tenantId !== null) || builtinOrder.indexOf(a.id) - builtinOrder.indexOf(b.id))
    .map((r) => ({ id: r.id, name: r.name, builtin: r.tenantId === null, depth: chainOf(r.id, roles).length - 1, grants: effectiveGrants(r.id, roles) }));
}

/**
 * For the editor: per permission, the scopes the actor may hand out at the place (empty: none).
 * Computed with canGrant, the same rule the server applies on save.
 */
export function grantableScopes(actor: Subject, placeId: string): Partial<Record<Permission, Scope[]>> {
  const out: Partial<Record<Permission, Scope[]>> = {};
  for (const permission of PERMISSIONS) {
    const scopes = SCOPES.filter((scope) => canGrant(actor, placeId, [{ permission, scope }]).ok);
    if (scopes.length) out[permission] = scopes;
  }
  return out;
}

async function checkParent(tx: Tx, rootId: string, family: string, parentId: string, roles: ReadonlyMap<string, RoleRow>, selfId?: string) {
  const parent = await tx.role.findUnique({ where: { id: parentId }, select: { id: true, tenantId: true, family: true } });
  const usable = parent && (parent.tenantId === null ? parent.family === family : parent.tenantId === rootId);
  if (!usable) throw new AppError("invalid", "That role can't be used as a parent here.", { parentId: ["Choose one of the roles listed."] });
  const chain = chainOf(parentId, roles);
  if (selfId && chain.includes(selfId)) throw new AppError("invalid", "A role can't inherit from itself or from a role that inherits from it.", { parentId: ["Choose a role that doesn't inherit from this one."] });
  if (chain.length > MAX_CUSTOM_ROLE_DEPTH) throw new AppError("invalid", `Roles can inherit at most ${MAX_CUSTOM_ROLE_DEPTH} levels deep.`, { parentId: ["Choose a role closer to a built-in one."] });
}

async function checkName(tx: Tx, rootId: string, family: string, name: string, selfId?: string) {
  const clash = await tx.role.findFirst({
    where: { name: { equals: name, mode: "insensitive" }, OR: [{ tenantId: rootId }, { tenantId: null, family }], ...(selfId ? { NOT: { id: selfId } } : {}) },
    select: { tenantId: true },
  });
  if (clash) {
    const msg = clash.tenantId === null ? "That is the name of a built-in role; choose another." : "Another role here already has that name.";
    throw new AppError("conflict", msg, { name: [msg] });
  }
}

function refuseUngrantable(actor: Actor, placeId: string, grants: readonly Grant[]) {
  const verdict = canGrant(actor.subject, placeId, grants);
  if (!verdict.ok) throw new AppError(verdict.code, verdict.reason);
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 40) || "role";

function parseFields(raw: unknown): RoleFields {
  const parsed = roleFieldsSchema.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

const auditDiff = (d: RoleDiff) => ({ added: d.added, changed: d.changed, removed: d.removed });

export async function createCustomRole(tx: Tx, actor: Actor, placeId: string, raw: RoleFields) {
  const input = parseFields(raw);
  const { rootId, family } = await placeTenant(tx, placeId);
  const roles = await tenantRoleRows(tx, rootId);
  await checkParent(tx, rootId, family, input.parentId, roles);
  await checkName(tx, rootId, family, input.name);
  const desired = input.grants.map(cleanGrant);
  // Everything the new role hands out is new: the actor must hold all of it at the place.
  refuseUngrantable(actor, placeId, desired);
  const diff = diffAgainstParent(effectiveGrants(input.parentId, roles), desired);
  const id = randomUUID();
  await tx.role.create({
    data: {
      id,
      key: `${slug(input.name)}_${randomBytes(3).toString("hex")}`,
      name: input.name,
      description: input.description,
      family,
      tenantId: rootId,
      nodeId: placeId,
      parentId: input.parentId,
      grants: diff.grants as object[],
      removals: diff.removals,
    },
  });
  await recordAudit(tx, { tenantId: rootId, actorId: actor.userId, action: "role.created", targetType: "role", targetId: id, details: { name: input.name, parentId: input.parentId, placeId, ...auditDiff(diff) }, ip: actor.ip });
  await bumpAuthzVersion(tx, rootId);
  return { id, diff };
}

async function loadCustom(tx: Tx, rootId: string, roleId: string) {
  const role = await tx.role.findUnique({ where: { id: roleId }, select: { id: true, name: true, tenantId: true, nodeId: true, parentId: true, family: true, version: true } });
  if (!role || (role.tenantId !== null && role.tenantId !== rootId)) throw notFound("That role");
  if (role.tenantId === null) throw new AppError("forbidden", "Built-in roles are read-only. Create a custom role that starts from this one instead.");
  return { ...role, definedAt: await definedAt(tx, rootId, role.nodeId) };
}

/**
 * Where a custom role was defined: its node, or the tenant root for roles that predate recording it
 * and for a node that has since been archived or left the tenant (the root is the strictest answer).
 */
export async function definedAt(db: Db | Tx, rootId: string, nodeId: string | null): Promise<RoleDefinition> {
  const node = nodeId ? await db.orgNode.findUnique({ where: { id: nodeId }, select: { id: true, name: true, rootId: true, archivedAt: true } }) : null;
  if (node && node.rootId === rootId && !node.archivedAt) return { nodeId: node.id, nodeName: node.name };
  const root = await db.orgNode.findUniqueOrThrow({ where: { id: rootId }, select: { id: true, name: true } });
  return { nodeId: root.id, nodeName: root.name };
}

/**
 * canChangeRole for the role itself and, for an edit, for every custom role inheriting from it
 * (their rights change with it): all must be defined where the actor may manage roles.
 */
async function refuseRoleChange(tx: Tx, actor: Actor, rootId: string, role: { id: string; definedAt: RoleDefinition }, permission: "roles.edit" | "roles.delete", roles?: ReadonlyMap<string, RoleRow>) {
  const verdict = canChangeRole(actor.subject, role.definedAt, permission);
  if (!verdict.ok) throw new AppError(verdict.code, verdict.reason);
  if (!roles) return;
  const below = descendantRoleIds(role.id, roles).slice(1);
  if (!below.length) return;
  const rows = await tx.role.findMany({ where: { id: { in: below } }, select: { name: true, nodeId: true }, orderBy: { name: "asc" } });
  const blocked: string[] = [];
  for (const r of rows) if (!canChangeRole(actor.subject, await definedAt(tx, rootId, r.nodeId), permission).ok) blocked.push(r.name);
  if (blocked.length) throw new AppError("forbidden", `Roles defined where you can't edit roles inherit from this one (${blocked.join(", ")}); ask someone who manages roles there.`);
}

/** An edit must not change the rights of people where the actor can't edit roles. */
async function refuseOutsideReach(tx: Tx, actor: Actor, rootId: string, roleId: string, roles: ReadonlyMap<string, RoleRow>, permission: Permission) {
  const { nodeIds } = await affectedPeople(tx, rootId, roleId, roles);
  const outside = nodeIds.filter((nodeId) => !decide(actor.subject, permission, { nodeId }));
  if (outside.length) {
    const names = await tx.orgNode.findMany({ where: { id: { in: outside } }, select: { name: true }, orderBy: { name: "asc" } });
    throw new AppError("forbidden", `This role is held at places where you can't manage roles (${names.map((n) => n.name).join(", ")}); ask someone who manages roles there.`);
  }
}

/**
 * Saves an edit made from `expectedVersion` of the role (what getRole returned when the editor
 * opened it). 409 with nothing written when the role was saved by someone else since.
 */
export async function updateCustomRole(tx: Tx, actor: Actor, placeId: string, roleId: string, raw: RoleFields, expectedVersion: number) {
  const input = parseFields(raw);
  const { rootId, family } = await placeTenant(tx, placeId);
  const role = await loadCustom(tx, rootId, roleId);
  const roles = await tenantRoleRows(tx, rootId);
  await refuseRoleChange(tx, actor, rootId, role, "roles.edit", roles);
  await checkParent(tx, rootId, family, input.parentId, roles, roleId);
  await checkName(tx, rootId, family, input.name, roleId);
  await refuseOutsideReach(tx, actor, rootId, roleId, roles, "roles.edit");
  const before = effectiveGrants(roleId, roles);
  const desired = input.grants.map(cleanGrant);
  const change = diffAgainstParent(before, desired);
  // The saved role, not only what the edit adds, must be held by the actor where the role is defined.
  refuseUngrantable(actor, role.definedAt.nodeId, desired);
  const diff = diffAgainstParent(effectiveGrants(input.parentId, roles), desired);
  const affected = await affectedPeople(tx, rootId, roleId, roles);
  if (role.version !== expectedVersion) throw new AppError("conflict", STALE_ROLE_MESSAGE);
  // Checked again in the UPDATE itself: a concurrent save that got there first leaves 0 rows here.
  const saved = await tx.role.updateMany({
    where: { id: roleId, version: expectedVersion },
    data: { name: input.name, description: input.description, parentId: input.parentId, grants: diff.grants as object[], removals: diff.removals, version: { increment: 1 } },
  });
  if (saved.count !== 1) throw new AppError("conflict", STALE_ROLE_MESSAGE);
  await recordAudit(tx, {
    tenantId: rootId,
    actorId: actor.userId,
    action: "role.updated",
    targetType: "role",
    targetId: roleId,
    details: { name: input.name, previousName: role.name, parentId: input.parentId, previousParentId: role.parentId, placeId, ...auditDiff(change), affectedPeople: affected.people },
    ip: actor.ip,
  });
  await bumpAuthzVersion(tx, rootId);
  return { id: roleId, change, affected: affected.people, version: expectedVersion + 1 };
}

export async function deleteCustomRole(tx: Tx, actor: Actor, placeId: string, roleId: string) {
  const { rootId } = await placeTenant(tx, placeId);
  const role = await loadCustom(tx, rootId, roleId);
  await refuseRoleChange(tx, actor, rootId, role, "roles.delete");
  const [holders, children] = await Promise.all([
    tx.roleBinding.findMany({ where: { roleId }, select: { userId: true } }),
    tx.role.findMany({ where: { parentId: roleId }, select: { name: true } }),
  ]);
  const people = new Set(holders.map((h) => h.userId)).size;
  if (people || children.length) {
    const reasons = [
      people ? `${people} ${people === 1 ? "person holds" : "people hold"} it` : null,
      children.length ? `${children.map((c) => c.name).join(", ")} ${children.length === 1 ? "inherits" : "inherit"} from it` : null,
    ].filter(Boolean);
    throw new AppError("conflict", `This role can't be deleted while ${reasons.join(" and ")}. Give ${people ? "them another role" : "those roles another parent"} first.`);
  }
  await tx.role.delete({ where: { id: roleId } });
  await recordAudit(tx, { tenantId: rootId, actorId: actor.userId, action: "role.deleted", targetType: "role", targetId: roleId, details: { name: role.name, parentId: role.parentId, placeId }, ip: actor.ip });
  await bumpAuthzVersion(tx, rootId);
}
