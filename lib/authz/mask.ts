import { FIELD_PERMISSIONS, type Permission, type Resource } from "./catalogue";
import { allowingGrants, type DecisionContext, type ResourceRef } from "./decide";
import type { Subject } from "./subject";

export interface Masked<T> {
  /** The record without the fields the subject may not see. */
  record: Partial<T>;
  hidden: string[];
  /** Fields the subject sees but may not change. */
  readOnly: string[];
}

/**
 * Strips the fields the subject may not see and marks those they may not change. A field is
 * visible when some grant of its read permission reaches the record and that grant does not hide
 * it; it is editable when some grant of `<resource>.edit` reaches the record and does not mark it
 * read-only. Union over grants, so adding a binding never hides a field.
 */
export function mask<T extends Record<string, unknown>>(
  subject: Subject,
  resource: Resource,
  ref: ResourceRef,
  record: T,
  context?: DecisionContext,
): Masked<T> {
  const fieldPermissions = FIELD_PERMISSIONS[resource] ?? {};
  const out: Partial<T> = {};
  const hidden: string[] = [];
  const readOnly: string[] = [];
  const cache = new Map<Permission, ReturnType<typeof allowingGrants>>();
  const grantsFor = (p: Permission) => {
    let found = cache.get(p);
    if (!found) cache.set(p, (found = allowingGrants(subject, p, ref, context)));
    return found;
  };
  const editGrants = grantsFor(`${resource}.edit` as Permission);
  for (const [field, value] of Object.entries(record)) {
    const readPermission = fieldPermissions[field];
    const visible = readPermission
      ? grantsFor(readPermission).some(({ grant }) => !grant.hide?.includes(field))
      : true; // fields with no listed permission (ids, timestamps) go with the record
    if (!visible) {
      hidden.push(field);
      continue;
    }
    (out as Record<string, unknown>)[field] = value;
    if (readPermission && !editGrants.some(({ grant }) => !grant.readOnly?.includes(field))) readOnly.push(field);
  }
  return { record: out, hidden, readOnly };
}
