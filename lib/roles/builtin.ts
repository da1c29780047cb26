import type { Db, Tx } from "../db/client";
import { ROLE_TEMPLATES, builtinRoleId } from "../authz/roles";

/**
 * Writes the built-in role templates as rows (tenant null, id `builtin:<key>`), so bindings can
 * reference them and custom roles inherit from them. The grants column mirrors the code, which
 * stays the source of truth; run at every migrate so the two never differ.
 */
export async function syncBuiltinRoles(db: Db | Tx): Promise<void> {
  for (const t of ROLE_TEMPLATES) {
    const data = { key: t.key, name: t.name, family: t.family, description: t.description, grants: t.grants as object[] };
    await db.role.upsert({ where: { id: builtinRoleId(t.key) }, create: { id: builtinRoleId(t.key), ...data }, update: data });
  }
}
