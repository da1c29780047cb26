import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ScimFilterError, parseScimFilter, textCondition } from "./scim-filter";

/** SCIM filters: the grammar's sentences parse to the expected tree; any other text is a ScimFilterError, never a crash. */
type W = { email?: unknown; active?: unknown };
const attrs: Record<string, (op: string, v: string | boolean | null) => W> = { username: (op, v) => ({ email: textCondition(op, v) }), active: (_op, v) => ({ active: v }) };

describe("parseScimFilter", () => {
  test.each([
    ['userName eq "a@b.test"', { email: { equals: "a@b.test", mode: "insensitive" } }],
    ['userName sw "a" and active eq true', { AND: [{ email: { startsWith: "a", mode: "insensitive" } }, { active: true }] }],
    ['userName eq "x" or userName eq "y" and active eq false', { OR: [{ email: { equals: "x", mode: "insensitive" } }, { AND: [{ email: { equals: "y", mode: "insensitive" } }, { active: false }] }] }],
    ['not (userName co "\\"q")', { NOT: { email: { contains: '"q', mode: "insensitive" } } }],
    ["userName pr", { email: { not: "" } }],
  ])("%s", (filter, where) => expect(parseScimFilter(filter, attrs)).toEqual(where));

  test.each(['nickName eq "x"', 'userName gt "x"', 'userName eq "x', "userName eq", '(userName eq "x"', 'userName eq "x" extra'])("refuses %s", (filter) => {
    expect(() => parseScimFilter(filter, attrs)).toThrow(ScimFilterError);
  });

  test("any text either parses or is a ScimFilterError (fast-check)", () => {
    const piece = fc.oneof(fc.constantFrom("userName", "active", "eq", "sw", "pr", "and", "or", "not", "(", ")", '"v"', "true", "x"), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        try {
          const where = parseScimFilter(parts.join(" "), attrs);
          expect(typeof where).toBe("object");
        } catch (err) {
          expect(err).toBeInstanceOf(ScimFilterError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
