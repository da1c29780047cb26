import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";

/**
 * Every route handler and server action must go through the one wrapper (lib/api/handler.ts),
 * which resolves the session, validates input and asks the policy. This test reads the source of
 * every entry point and fails on any export that is not built with route() or action().
 */

const HTTP_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

/** Entry points that can't use the wrapper, each with the reason. Keep this list short. */
const EXEMPT: Record<string, string> = {
  "app/api/auth/[...nextauth]/route.ts": "next-auth's own sign-in/sign-out endpoint: it creates the session the wrapper needs",
};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const files = [...walk("app"), ...walk("lib"), ...walk("components")];
const parse = (file: string) => ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
const isUseServerFile = (sf: ts.SourceFile) =>
  sf.statements.some((s) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression) && s.expression.text === "use server");
const hasExport = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const calls = (expr: ts.Expression | undefined, name: string) =>
  !!expr && ts.isCallExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === name;

/** Exports of a file as [name, wrapped-by] pairs (wrapped-by null when not built by the wrapper). */
function exportsOf(sf: ts.SourceFile, wrapper: string): { name: string; wrapped: boolean }[] {
  const out: { name: string; wrapped: boolean }[] = [];
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st) && hasExport(st)) {
      for (const d of st.declarationList.declarations) out.push({ name: d.name.getText(sf), wrapped: calls(d.initializer, wrapper) });
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && hasExport(st)) {
      out.push({ name: st.name?.text ?? "default", wrapped: false });
    } else if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) out.push({ name: el.name.text, wrapped: false });
    } else if (ts.isExportAssignment(st)) {
      out.push({ name: "default", wrapped: false });
    }
  }
  return out;
}

const routeFiles = files.filter((f) => /(^|\/)route\.ts$/.test(f));
const actionFiles = files.filter((f) => isUseServerFile(parse(f)));

describe("every entry point goes through the policy wrapper", () => {
  test("there are route handlers to check (the scan is looking in the right place)", () => {
    expect(routeFiles.length).toBeGreaterThanOrEqual(3);
  });

  test.each(routeFiles)("%s: each HTTP method is built with route()", (file) => {
    if (EXEMPT[file]) return;
    const handlers = exportsOf(parse(file), "route").filter((e) => HTTP_METHODS.has(e.name));
    expect(handlers.length).toBeGreaterThan(0);
    expect(handlers.filter((h) => !h.wrapped).map((h) => h.name)).toEqual([]);
  });

  test.each(actionFiles.length ? actionFiles : ["(no server action files yet)"])("%s: each server action is built with action()", (file) => {
    if (!actionFiles.length) return;
    expect(exportsOf(parse(file), "action").filter((e) => !e.wrapped).map((e) => e.name)).toEqual([]);
  });

  test("exemptions name files that exist", () => {
    for (const file of Object.keys(EXEMPT)) expect(routeFiles).toContain(file);
  });

  test("the checker catches an unwrapped handler and an unwrapped action", () => {
    const sf = ts.createSourceFile("x.ts", `export async function GET() {}\nexport const POST = route({});\nexport const PUT = other();`, ts.ScriptTarget.Latest, true);
    expect(exportsOf(sf, "route")).toEqual([
      { name: "GET", wrapped: false },
      { name: "POST", wrapped: true },
      { name: "PUT", wrapped: false },
    ]);
    const act = ts.createSourceFile("a.ts", `"use server";\nexport const save = action({});\nexport async function leak() {}`, ts.ScriptTarget.Latest, true);
    expect(isUseServerFile(act)).toBe(true);
    expect(exportsOf(act, "action").filter((e) => !e.wrapped).map((e) => e.name)).toEqual(["leak"]);
  });
});
