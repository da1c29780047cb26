import { z } from "zod";
import { CATALOGUE, PERMISSIONS, RESOURCES, isPermission, resourceOf, type Permission, type Resource } from "../authz/catalogue";
import { SCOPES, conditionsSchema, type Grant, type Scope } from "../authz/grants";
import { ROLE_TEMPLATES, type RoleFamily } from "../authz/roles";
import { describeWindow } from "../authz/explain";

/**
 * Custom roles, the universal half: input schemas, the diff against a parent role and the
 * feature-by-feature matrix. No I/O and no server-only imports, so the editor in the browser and
 * the server compute the same diff from the same code. The database half is ./custom.ts.
 */

export const MAX_CUSTOM_ROLE_DEPTH = 6;

const permissionSchema = z.string().refine(isPermission, "Not a permission in the catalogue.");

/** One permission the role should have, as the editor sends it. */
export const desiredGrantSchema = z
  .object({
    permission: permissionSchema,
    scope: z.enum(SCOPES, { error: "Choose where this applies." }),
    conditions: conditionsSchema.optional(),
    hide: z.array(z.string().min(1)).optional(),
    readOnly: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const roleFieldsSchema = z.object({
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(2, "Use at least 2 characters.")
    .max(60, "Keep the name under 60 characters.")
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} .,'&()/-]*$/u, "Use letters, numbers, spaces and . , ' & ( ) / - only."),
  description: z.string().trim().max(300, "Keep the description under 300 characters.").default(""),
  parentId: z.string({ error: "Choose a role to start from." }).min(1, "Choose a role to start from.").max(100),
  /** The complete set of permissions the role should have (inherited ones included). */
  grants: z
    .array(desiredGrantSchema)
    .max(PERMISSIONS.length * 2)
    .refine((gs) => new Set(gs.map((g) => g.permission)).size === gs.length, "Each permission may appear once.")
    .refine((gs) => gs.length > 0, "Give the role at least one permission."),
});
export type RoleFields = z.infer<typeof roleFieldsSchema>;
export type RoleFieldsInput = z.input<typeof roleFieldsSchema>;

/** A stable string for comparing grants (key order and empty fields don't matter). */
function grantKey(g: Grant): string {
  const c = g.conditions ?? {};
  return JSON.stringify([
    g.permission,
    g.scope ?? "subtree",
    c.maxAmount ?? null,
    c.timeWindow ? [[...c.timeWindow.days].sort(), c.timeWindow.start, c.timeWindow.end] : null,
    c.validFrom ?? null,
    c.validUntil ?? null,
    [...(g.hide ?? [])].sort(),
    [...(g.readOnly ?? [])].sort(),
  ]);
}

export function byPermission(grants: readonly Grant[]): Map<Permission, Grant[]> {
  const out = new Map<Permission, Grant[]>();
  for (const g of grants) out.set(g.permission, [...(out.get(g.permission) ?? []), g]);
  return out;
}

const sameGrants = (a: readonly Grant[], b: readonly Grant[]) =>
  a.length === b.length && a.map(grantKey).sort().join("|") === b.map(grantKey).sort().join("|");

export interface RoleDiff {
  /** What the role stores: grants it adds (or changes) … */
  grants: Grant[];
  /** … and parent permissions it removes (a changed permission is removed, then added back). */
  removals: Permission[];
  /** For people: permissions the parent lacks, the role's that differ, and the parent's it drops. */
  added: Permission[];
  changed: Permission[];
  removed: Permission[];
}

/**
 * Stores only the difference: the effective grants of a role are `parent − removals + grants`
 * (resolveRoleGrants), so for any desired set, this returns grants/removals that reproduce it.
 */
export function diffAgainstParent(parent: readonly Grant[], desired: readonly Grant[]): RoleDiff {
  const from = byPermission(parent);
  const to = byPermission(desired);
  const diff: RoleDiff = { grants: [], removals: [], added: [], changed: [], removed: [] };
  for (const permission of PERMISSIONS) {
    const before = from.get(permission);
    const after = to.get(permission);
    if (!before && !after) continue;
    if (before && !after) {
      diff.removals.push(permission);
      diff.removed.push(permission);
    } else if (!before && after) {
      diff.grants.push(...after);
      diff.added.push(permission);
    } else if (before && after && !sameGrants(before, after)) {
      diff.removals.push(permission);
      diff.grants.push(...after);
      diff.changed.push(permission);
    }
  }
  return diff;
}

/** Normalizes an editor grant (drops empty optional fields) so stored JSON stays small. */
export function cleanGrant(g: z.infer<typeof desiredGrantSchema>): Grant {
  const out: Grant = { permission: g.permission as Permission, scope: g.scope };
  const c = g.conditions;
  if (c && Object.values(c).some((v) => v !== undefined)) out.conditions = c;
  if (g.hide?.length) out.hide = g.hide;
  if (g.readOnly?.length) out.readOnly = g.readOnly;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The matrix: features grouped by catalogue group, actions in columns.
// ---------------------------------------------------------------------------------------------

export const MATRIX_COLUMNS = ["read", "create", "edit", "delete", "export"] as const;
export type MatrixColumn = (typeof MATRIX_COLUMNS)[number] | "other";

export const SCOPE_LABEL: Record<Scope, string> = {
  subtree: "All",
  node: "This place only",
  assigned: "Assigned",
  own: "Own",
};
export const SCOPE_HELP: Record<Scope, string> = {
  subtree: "everywhere the role is given, and below",
  node: "only at the exact place the role is given",
  assigned: "records that are the person's own or shared with them",
  own: "records the person owns (author, provider, requester)",
};

export const ACTION_LABEL: Record<string, string> = {
  read: "Read",
  create: "Create",
  edit: "Edit",
  delete: "Delete",
  export: "Export",
  read_contact: "Read contact",
  read_sensitive: "Read sensitive",
  check_in: "Check in",
  approve: "Approve",
  process: "Process",
  manage: "Manage",
  manage_roles: "Manage roles",
  request: "Request",
  transfer_ownership: "Transfer ownership",
};

export const actionOf = (p: Permission) => p.slice(p.indexOf(".") + 1);
export const columnOf = (action: string): MatrixColumn => ((MATRIX_COLUMNS as readonly string[]).includes(action) ? (action as MatrixColumn) : "other");
export const permissionLabel = (p: Permission) => `${CATALOGUE[resourceOf(p)].label}: ${ACTION_LABEL[actionOf(p)] ?? actionOf(p)}`;

/** The features a tenant of this family can use: those its owner template grants. */
export function familyResources(family: RoleFamily | string): Resource[] {
  const owner = ROLE_TEMPLATES.find((t) => t.family === family && (t.key === "owner" || t.key === "care_owner"));
  const used = new Set(owner?.grants.map((g) => resourceOf(g.permission)) ?? []);
  return RESOURCES.filter((r) => used.has(r));
}

export function familyGroups(family: RoleFamily | string): { group: string; resources: Resource[] }[] {
  const groups: { group: string; resources: Resource[] }[] = [];
  for (const r of familyResources(family)) {
    const group = CATALOGUE[r].group;
    const last = groups[groups.length - 1];
    if (last?.group === group) last.resources.push(r);
    else groups.push({ group, resources: [r] });
  }
  return groups;
}

const shortDate = (iso: string) => new Date(iso).toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" });

/** "under $200", "Mon–Fri 09:00–17:00", "until Jan 5, 2027", "hides ssn". */
export function describeGrantLimits(g: Grant): string[] {
  const out: string[] = [];
  const c = g.conditions;
  if (c?.maxAmount !== undefined) out.push(`under $${c.maxAmount.toLocaleString("en-US")}`);
  // The window is read in the time zone of the place where the role is given.
  if (c?.timeWindow) out.push(`${describeWindow(c.timeWindow)} local time`);
  if (c?.validFrom) out.push(`from ${shortDate(c.validFrom)}`);
  if (c?.validUntil) out.push(`until ${shortDate(c.validUntil)}`);
  if (g.hide?.length) out.push(`hides ${g.hide.join(", ")}`);
  if (g.readOnly?.length) out.push(`read-only ${g.readOnly.join(", ")}`);
  return out;
}

/** Every cell of a role's matrix, for one feature. */
export function matrixRow(resource: Resource, grants: ReadonlyMap<Permission, Grant[]>) {
  const actions = CATALOGUE[resource].actions as readonly string[];
  const cells = new Map<MatrixColumn, { permission: Permission; action: string; grants: Grant[] }[]>();
  for (const action of actions) {
    const permission = `${resource}.${action}` as Permission;
    const col = columnOf(action);
    cells.set(col, [...(cells.get(col) ?? []), { permission, action, grants: grants.get(permission) ?? [] }]);
  }
  return cells;
}

/** A role id from a URL segment (built-in ids contain a colon, which may arrive encoded). */
export function decodeRoleId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
