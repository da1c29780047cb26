import { AppError } from "./errors";

/**
 * Text PostgreSQL can't store, refused at the edge: a NUL byte (SQLSTATE 22021) or a lone UTF-16
 * surrogate half (stored silently as U+FFFD, so what was saved isn't what was sent).
 */
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSAFE_TEXT_MESSAGE = "Remove the invisible control characters from this field.";

/**
 * The dotted path of the first string (value or key) in `raw` holding a NUL byte or a lone
 * surrogate ("name", "assignments.0.roleId"; "_" for `raw` itself), or null when all text is safe.
 * Walks plain objects and arrays only, iteratively, so deeply nested JSON can't overflow the stack.
 */
export function findUnsafeText(raw: unknown): string | null {
  // Each entry links to its parent, so the path is built only for the offending string.
  type Item = { value: unknown; key: string | null; parent: Item | null };
  const pathOf = (item: Item, last?: string) => {
    const keys: string[] = last === undefined ? [] : [last];
    for (let at: Item | null = item; at && at.key !== null; at = at.parent) keys.push(at.key);
    return keys.length ? keys.reverse().join(".") : "_";
  };
  const stack: Item[] = [{ value: raw, key: null, parent: null }];
  while (stack.length) {
    const item = stack.pop()!;
    const { value } = item;
    if (typeof value === "string") {
      if (UNSAFE_TEXT.test(value)) return pathOf(item);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: String(i), parent: item });
    } else if (value !== null && typeof value === "object" && isPlainObject(value)) {
      const entries = Object.entries(value);
      const badKey = entries.find(([key]) => UNSAFE_TEXT.test(key));
      if (badKey) return pathOf(item, badKey[0].replace(new RegExp(UNSAFE_TEXT, "g"), "?"));
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i][1], key: entries[i][0], parent: item });
    }
  }
  return null;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws a 400 naming the field when `raw` holds text PostgreSQL can't store (see findUnsafeText). */
export function assertSafeText(raw: unknown): void {
  const field = findUnsafeText(raw);
  if (field) throw new AppError("invalid", "Some fields need attention.", { [field]: [UNSAFE_TEXT_MESSAGE] });
}
