/**
 * Where to go after sign-in (`?next=`): only a path on this site. Anything else answers "/", so an
 * open redirect can't hand a fresh session to a phishing page. Universal (pages and client forms).
 *
 * Refused: not a string; not starting with exactly one "/" ("//host", "/\host"); a backslash, a
 * control character, whitespace or an invisible format character anywhere, before or after
 * percent-decoding (browsers drop tabs and newlines from URLs, so "/\t/evil.test" is "//evil.test");
 * malformed percent-encoding; anything that parses to another origin.
 */
const FORBIDDEN = /[\u0000-\u0020\u007F-\u00A0\u00AD\\\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]/;
const BASE = "http://next-path.invalid";

export function safeNextPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2000) return "/";
  let decoded = raw;
  for (let i = 0; i < 3; i++) {
    if (FORBIDDEN.test(decoded) || !decoded.startsWith("/") || decoded.startsWith("//")) return "/";
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return "/";
    }
    if (next === decoded) break;
    decoded = next;
  }
  if (FORBIDDEN.test(decoded) || !decoded.startsWith("/") || decoded.startsWith("//")) return "/";
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  // Dot segments can collapse into a protocol-relative path ("/.//evil.test" → "//evil.test").
  const path = url.pathname + url.search + url.hash;
  return path.startsWith("//") ? "/" : path;
}
