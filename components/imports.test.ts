import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";

/** Components depend on lib/, never on app/: server actions come from lib/<domain>/actions.ts. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const IMPORT_FROM_APP = /from\s+["'](@\/app\/|(\.\.\/)+app\/)/;

test("no component imports from app/", () => {
  const offenders = walk("components").filter((f) => IMPORT_FROM_APP.test(readFileSync(f, "utf8")));
  expect(offenders).toEqual([]);
});
