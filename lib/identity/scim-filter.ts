import type { Prisma } from "../db/generated/client";

/**
 * SCIM filters (RFC 7644 §3.4.2.2) for Users and Groups, turned into a Prisma `where`: attribute
 * operator value, joined by `and` / `or` (`and` binds tighter), `not (…)` and parentheses.
 * Operators eq, ne, co, sw, ew, pr; comparison is case-insensitive as the RFC says for strings.
 */
export class ScimFilterError extends Error {}

type Token = { t: "word" | "str" | "lp" | "rp"; v: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) i++;
    else if (c === "(" || c === ")") (out.push({ t: c === "(" ? "lp" : "rp", v: c }), i++);
    else if (c === '"') {
      let v = "";
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\" && i + 1 < s.length) i++;
        v += s[i++];
      }
      if (s[i] !== '"') throw new ScimFilterError("A quoted value isn't closed.");
      i++;
      out.push({ t: "str", v });
    } else {
      const m = s.slice(i).match(/^[^\s()"]+/)!;
      out.push({ t: "word", v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

export type AttributeMap<W> = Record<string, (op: string, value: string | boolean | null) => W>;

export function parseScimFilter<W extends object>(filter: string, attributes: AttributeMap<W>): W {
  if (filter.length > 1000) throw new ScimFilterError("The filter is too long.");
  const tokens = tokenize(filter);
  let pos = 0;
  const peek = () => tokens[pos];
  const word = (w: string) => peek()?.t === "word" && peek().v.toLowerCase() === w;
  const expr = (): W => {
    let left = term();
    while (word("or")) {
      pos++;
      left = { OR: [left, term()] } as W;
    }
    return left;
  };
  const term = (): W => {
    let left = factor();
    while (word("and")) {
      pos++;
      left = { AND: [left, factor()] } as W;
    }
    return left;
  };
  const factor = (): W => {
    if (word("not")) {
      pos++;
      return { NOT: factor() } as W;
    }
    if (peek()?.t === "lp") {
      pos++;
      const inner = expr();
      if (peek()?.t !== "rp") throw new ScimFilterError("A parenthesis isn't closed.");
      pos++;
      return inner;
    }
    const attr = tokens[pos++];
    const op = tokens[pos++];
    if (!attr || attr.t !== "word" || !op || op.t !== "word") throw new ScimFilterError("Expected: attribute operator value.");
    const map = attributes[attr.v.toLowerCase()];
    if (!map) throw new ScimFilterError(`Filtering on ${attr.v} isn't supported.`);
    const o = op.v.toLowerCase();
    if (o === "pr") return map("pr", null);
    if (!["eq", "ne", "co", "sw", "ew"].includes(o)) throw new ScimFilterError(`The operator ${op.v} isn't supported.`);
    const val = tokens[pos++];
    if (!val) throw new ScimFilterError("A value is missing.");
    const value = val.t === "str" ? val.v : val.v === "true" ? true : val.v === "false" ? false : val.v === "null" ? null : val.v;
    return map(o, value);
  };
  const result = expr();
  if (pos !== tokens.length) throw new ScimFilterError("Unexpected text at the end of the filter.");
  return result;
}

/** A case-insensitive string condition on one column. */
export function textCondition(op: string, value: string | boolean | null): Prisma.StringFilter | null {
  if (op === "pr") return { not: "" };
  const v = String(value ?? "");
  switch (op) {
    case "eq":
      return { equals: v, mode: "insensitive" };
    case "ne":
      return { not: { equals: v, mode: "insensitive" } } as Prisma.StringFilter;
    case "co":
      return { contains: v, mode: "insensitive" };
    case "sw":
      return { startsWith: v, mode: "insensitive" };
    case "ew":
      return { endsWith: v, mode: "insensitive" };
  }
  return null;
}
