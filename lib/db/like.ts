/**
 * Prisma's `contains` / `startsWith` / `endsWith` become PostgreSQL LIKE / ILIKE patterns with the
 * default escape character "\" and pass the text through unescaped, so "%" and "_" in a search
 * would be wildcards. This escapes them (and "\" itself) so the text matches literally.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}
