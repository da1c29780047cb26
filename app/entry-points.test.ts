import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";

/**
 * Every route handler and server action must go through the one wrapper (lib/api/handler.ts),
 * which resolves the session, validates input and asks the policy. This test reads the source of
 * every file under app/, lib/ and components/ and fails on:
 * - an HTTP method of a route file, or an export of a "use server" file, that is not a call of
 *   route() / action() imported from lib/api/handler (a local look-alike doesn't count);
 * - `export *` in a route or "use server" file (its exports can't be checked here);
 * - a "use server" directive inside a function body (an inline server action bypasses action());
 * - a `public` or `signedIn` entry point that is not listed in OPEN (opening one is a reviewed decision).
 */

const HTTP_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
const HANDLER_MODULE = path.resolve("lib/api/handler");

/** Entry points that can't use the wrapper, each with the reason. Keep this list short. */
const EXEMPT: Record<string, string> = {
  "app/api/auth/[...nextauth]/route.ts": "next-auth's own sign-in/sign-out endpoint: it creates the session the wrapper needs",
};

type OpenAccess = "public" | "signedIn";
/**
 * Every entry point that isn't about a place: open to anyone (`public`) or to anyone signed in,
 * acting on their own data (`signedIn`). Keyed "file export"; adding one here is a reviewed decision.
 */
const OPEN: Record<string, { access: OpenAccess; why: string }> = {
  "app/api/health/route.ts GET": { access: "public", why: "liveness for load balancers" },
  "app/api/health/live/route.ts GET": { access: "public", why: "liveness without the database (cluster balancer, bench baseline)" },
  "app/api/openapi.json/route.ts GET": { access: "public", why: "the API's description, no data" },
  "app/api/public/sign-in/email-code/route.ts POST": { access: "public", why: "sign-in step 2, before there is a session (holds a challenge token)" },
  "app/api/public/sign-in/enrol/route.ts POST": { access: "public", why: "2FA enrolment during sign-in (holds a challenge token)" },
  "app/api/public/sign-in/enrol/confirm/route.ts POST": { access: "public", why: "2FA enrolment during sign-in (holds a challenge token)" },
  "app/api/public/password-reset/route.ts POST": { access: "public", why: "forgot password: the same answer for any email" },
  "app/api/public/password-reset/complete/route.ts POST": { access: "public", why: "an emailed reset link (holds a token)" },
  "app/api/public/invitations/accept/route.ts POST": { access: "public", why: "an emailed invitation or activation link (holds a token)" },
  "app/api/public/invitations/decline/route.ts POST": { access: "public", why: "an emailed invitation link (holds a token)" },
  "app/api/dev/mailbox/route.ts GET": { access: "public", why: "development only; checks platform staff on loopback or the e2e token itself" },
  "app/api/dev/reset/route.ts POST": { access: "public", why: "e2e only; 404 unless E2E_RESET_TOKEN is set and sent" },
  "app/api/me/route.ts GET": { access: "signedIn", why: "the caller and their own memberships" },
  "app/api/profiles/route.ts GET": { access: "signedIn", why: "the places the caller can enter" },
  "app/api/profiles/route.ts POST": { access: "signedIn", why: "create a place; the caller becomes its Owner and nothing else" },
  "app/api/account/sessions/route.ts GET": { access: "signedIn", why: "the caller's own sessions" },
  "app/api/account/sessions/route.ts DELETE": { access: "signedIn", why: "the caller's own sessions" },
  "app/api/account/sessions/[id]/route.ts DELETE": { access: "signedIn", why: "one of the caller's own sessions" },
  "app/api/account/reauth/route.ts POST": { access: "signedIn", why: "the caller confirms it's them" },
  "app/api/account/two-factor/route.ts GET": { access: "signedIn", why: "the caller's own 2FA" },
  "app/api/account/two-factor/route.ts POST": { access: "signedIn", why: "the caller's own 2FA" },
  "app/api/account/two-factor/route.ts DELETE": { access: "signedIn", why: "the caller's own 2FA" },
  "app/api/account/two-factor/confirm/route.ts POST": { access: "signedIn", why: "the caller's own 2FA" },
  "app/api/account/password/route.ts POST": { access: "signedIn", why: "the caller's own password" },
  "lib/invitations/actions.ts answerInvite": { access: "signedIn", why: "the caller answers an invitation to themselves" },
  "app/api/sso/start/route.ts GET": { access: "public", why: "single sign-on begins before there is a session (redirect to the domain's IdP)" },
  "app/api/sso/oidc/callback/route.ts GET": { access: "public", why: "the IdP's redirect back (state, PKCE, signed ID token checked)" },
  "app/api/sso/saml/[connectionId]/acs/route.ts POST": { access: "public", why: "the IdP's signed SAML response (signature, audience, recipient, expiry, InResponseTo checked)" },
  "app/api/sso/saml/[connectionId]/metadata/route.ts GET": { access: "public", why: "our SP metadata for the IdP's admin, no data" },
  // Temporary access (issue 11): the request is for a place the caller may not reach yet, so the
  // domain answers 404 outside every tenant they hold a live role in, and applies the approval policy.
  "lib/access/actions.ts requestAccess": { access: "signedIn", why: "ask for a role at a place of a tenant the caller belongs to (404 otherwise)" },
  "lib/access/actions.ts answerAccessRequest": { access: "signedIn", why: "approvers come from the policy per request (level at its place; never one's own; 404 outside the tenant)" },
  "lib/access/actions.ts declareEmergencyAccess": { access: "signedIn", why: "break-glass is for a place or patient the caller can't see yet; the tenant's policy decides (404 outside the caller's tenants, 403 for a role not allowed)" },
  "lib/access/actions.ts endEmergencyAccess": { access: "signedIn", why: "the holder ends their own emergency access (404 for anyone else's)" },
  "lib/access/actions.ts reviewEmergencyAccess": { access: "signedIn", why: "reviewers come from the policy per emergency (emergency_access.approve at its place, never one's own; 404 outside the tenant)" },
  "lib/access/actions.ts delegate": { access: "signedIn", why: "lend one's own permissions at a place of one's tenant (canDelegate: only what one holds; 404 outside the tenant)" },
  "lib/access/actions.ts endDelegationEarly": { access: "signedIn", why: "the two parties or someone who can change roles at its place (404 for anyone who can't see it)" },
};

type Wrapper = "route" | "action";
type AccessKind = OpenAccess | "memberOf" | "permission" | "scim";
interface Entry {
  name: string;
  /** The wrapper it is built with, when it is a call of route()/action() imported from lib/api/handler. */
  wrappedBy: Wrapper | null;
  /** Its declared access, when the spec can be read (an object literal, or a local const/helper returning one). */
  access: AccessKind | null;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const parse = (file: string, text = readFileSync(file, "utf8")) => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
const isDirective = (s: ts.Statement, text: string) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression) && s.expression.text === text;
const isUseServerFile = (sf: ts.SourceFile) => sf.statements.some((s) => isDirective(s, "use server"));
const isRouteFile = (file: string) => /(^|\/)route\.tsx?$/.test(file);
const hasExport = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** Local names bound to route()/action() by an import from lib/api/handler (through "@/…" or a relative path). */
function wrapperImports(sf: ts.SourceFile): Map<string, Wrapper> {
  const out = new Map<string, Wrapper>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.importClause?.isTypeOnly) continue;
    const spec = st.moduleSpecifier.text;
    const resolved = spec.startsWith("@/") ? path.resolve(spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(sf.fileName), spec) : null;
    if (resolved?.replace(/\.tsx?$/, "") !== HANDLER_MODULE) continue;
    const bindings = st.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const el of bindings.elements) {
      const imported = (el.propertyName ?? el.name).text;
      if (!el.isTypeOnly && (imported === "route" || imported === "action")) out.set(el.name.text, imported);
    }
  }
  return out;
}

const unwrap = (e: ts.Expression): ts.Expression =>
  ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) ? unwrap(e.expression) : e;

/** The top-level `const name = …` initializer or `function name` declaration of this file. */
function topLevel(sf: ts.SourceFile, name: string): ts.Expression | ts.FunctionDeclaration | undefined {
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name?.text === name) return st;
    if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d.initializer;
    }
  }
  return undefined;
}

/** The object literal an expression stands for: itself, a local const, or what a local helper returns. */
function objectOf(sf: ts.SourceFile, expr: ts.Expression | undefined, depth = 0): ts.ObjectLiteralExpression | null {
  if (!expr || depth > 5) return null;
  const e = unwrap(expr);
  if (ts.isObjectLiteralExpression(e)) return e;
  const target = ts.isIdentifier(e) ? topLevel(sf, e.text) : ts.isCallExpression(e) && ts.isIdentifier(e.expression) ? topLevel(sf, e.expression.text) : undefined;
  if (!target) return null;
  if (ts.isIdentifier(e)) return ts.isFunctionDeclaration(target) ? null : objectOf(sf, target, depth + 1);
  const fn = target && (ts.isFunctionDeclaration(target) || ts.isArrowFunction(target) || ts.isFunctionExpression(target)) ? target : null;
  if (!fn?.body) return null;
  if (!ts.isBlock(fn.body)) return objectOf(sf, fn.body, depth + 1);
  const returns = fn.body.statements.filter(ts.isReturnStatement);
  return returns.length === 1 ? objectOf(sf, returns[0].expression, depth + 1) : null;
}

/** An object's property names (spreads followed), or null when one can't be read. */
function keysOf(sf: ts.SourceFile, obj: ts.ObjectLiteralExpression | null, depth = 0): Map<string, ts.Expression | undefined> | null {
  if (!obj || depth > 5) return null;
  const keys = new Map<string, ts.Expression | undefined>();
  for (const p of obj.properties) {
    if (ts.isSpreadAssignment(p)) {
      const spread = keysOf(sf, objectOf(sf, p.expression), depth + 1);
      if (!spread) return null;
      for (const [k, v] of spread) keys.set(k, v);
    } else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) keys.set(p.name.text, p.initializer);
    else if (ts.isShorthandPropertyAssignment(p)) keys.set(p.name.text, p.name);
    else if (ts.isMethodDeclaration(p) && ts.isIdentifier(p.name)) keys.set(p.name.text, undefined);
    else return null;
  }
  return keys;
}

/** The access a spec declares, in the order runAs() reads it (public, memberOf, permission, signedIn). */
function accessOf(sf: ts.SourceFile, spec: ts.Expression | undefined): AccessKind | null {
  const access = keysOf(sf, objectOf(sf, spec))?.get("access");
  const keys = keysOf(sf, objectOf(sf, access));
  if (!keys) return null;
  return (["public", "memberOf", "permission", "signedIn", "scim"] as const).find((k) => keys.has(k)) ?? null;
}

/** Exports of a file; `export *` is one entry named "*" that is never wrapped. */
function exportsOf(sf: ts.SourceFile): Entry[] {
  const wrappers = wrapperImports(sf);
  const out: Entry[] = [];
  const unwrapped = (name: string) => out.push({ name, wrappedBy: null, access: null });
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st) && hasExport(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) {
          // export const { GET } = …: every name it binds, none of them checkable.
          const names: string[] = [];
          const collect = (n: ts.Node): void => (ts.isIdentifier(n) ? void names.push(n.text) : ts.forEachChild(n, collect));
          collect(d.name);
          names.forEach(unwrapped);
          continue;
        }
        const init = d.initializer ? unwrap(d.initializer) : undefined;
        const call = init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) ? init : null;
        const wrappedBy = (call && wrappers.get((call.expression as ts.Identifier).text)) ?? null;
        out.push({ name: d.name.text, wrappedBy, access: call && wrappedBy ? accessOf(sf, call.arguments[0]) : null });
      }
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && hasExport(st)) {
      unwrapped(st.name?.text ?? "default");
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) {
      if (!st.exportClause) unwrapped("*");
      else if (ts.isNamespaceExport(st.exportClause)) unwrapped(st.exportClause.name.text);
      else for (const el of st.exportClause.elements) if (!el.isTypeOnly) unwrapped(el.name.text);
    } else if (ts.isExportAssignment(st)) {
      unwrapped("default");
    }
  }
  return out;
}

/** Functions with a "use server" directive in their body, as "name (line n)". */
function inlineServerActions(sf: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const fn = ts.isFunctionLike(node) ? (node as ts.FunctionLikeDeclaration) : null;
    if (fn?.body && ts.isBlock(fn.body) && fn.body.statements.some((s) => isDirective(s, "use server"))) {
      const name = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : "(anonymous)";
      found.push(`${name} (line ${sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** What is wrong with a file's entry points: an empty list when every one goes through the wrapper. */
function problemsOf(file: string, sf: ts.SourceFile): string[] {
  const problems = inlineServerActions(sf).map((fn) => `inline "use server" in ${fn}: use action() in a "use server" file`);
  const kind: Wrapper | null = isRouteFile(file) ? "route" : isUseServerFile(sf) ? "action" : null;
  if (!kind) return problems;
  for (const e of exportsOf(sf)) {
    if (e.name === "*") problems.push(`export *: list the exports, each built with ${kind}()`);
    else if (kind === "route" && !HTTP_METHODS.has(e.name)) continue;
    else if (e.wrappedBy !== kind) problems.push(`${e.name}: not built with ${kind}() from lib/api/handler`);
    else if (!e.access) problems.push(`${e.name}: its access can't be read here (declare it inline, or with a local const or helper returning an object literal)`);
  }
  return problems;
}

/** The `public` and `signedIn` entry points of a file, keyed "file export". */
function openEntries(file: string, sf: ts.SourceFile): Record<string, OpenAccess> {
  const open: Record<string, OpenAccess> = {};
  for (const e of exportsOf(sf)) if (e.access === "public" || e.access === "signedIn") open[`${file} ${e.name}`] = e.access;
  return open;
}

/** Differences between the open entry points found and the allowlist. */
function openProblems(found: Record<string, OpenAccess>, allowed: Record<string, { access: OpenAccess }>): string[] {
  const problems: string[] = [];
  for (const [key, access] of Object.entries(found)) {
    if (!allowed[key]) problems.push(`${key} is ${access} but not listed in OPEN`);
    else if (allowed[key].access !== access) problems.push(`${key} is ${access}, OPEN says ${allowed[key].access}`);
  }
  for (const key of Object.keys(allowed)) if (!found[key]) problems.push(`${key} is listed in OPEN but is not a ${allowed[key].access} entry point`);
  return problems;
}

const files = [...walk("app"), ...walk("lib"), ...walk("components")];
const routeFiles = files.filter(isRouteFile);
const actionFiles = files.filter((f) => !isRouteFile(f) && isUseServerFile(parse(f)));

describe("every entry point goes through the policy wrapper", () => {
  test("there are route handlers and server actions to check (the scan is looking in the right place)", () => {
    expect(routeFiles.length).toBeGreaterThanOrEqual(3);
    expect(actionFiles.length).toBeGreaterThanOrEqual(1);
  });

  test.each(routeFiles)("%s: each HTTP method is built with route()", (file) => {
    if (EXEMPT[file]) return;
    const sf = parse(file);
    expect(exportsOf(sf).filter((e) => HTTP_METHODS.has(e.name)).length).toBeGreaterThan(0);
    expect(problemsOf(file, sf)).toEqual([]);
  });

  test.each(actionFiles)("%s: each server action is built with action()", (file) => {
    expect(problemsOf(file, parse(file))).toEqual([]);
  });

  test('no inline "use server" function anywhere in app/, lib/ or components/', () => {
    expect(files.flatMap((f) => inlineServerActions(parse(f)).map((fn) => `${f}: ${fn}`))).toEqual([]);
  });

  test("every public and signedIn entry point is listed in OPEN, and OPEN lists nothing else", () => {
    const found = Object.assign({}, ...[...routeFiles.filter((f) => !EXEMPT[f]), ...actionFiles].map((f) => openEntries(f, parse(f))));
    expect(openProblems(found, OPEN)).toEqual([]);
  });

  test("exemptions name files that exist", () => {
    for (const file of Object.keys(EXEMPT)) expect(routeFiles).toContain(file);
  });
});

describe("the checker catches each bypass it claims to (self-test on in-memory sources)", () => {
  const ROUTE = "app/api/example/route.ts";
  const ACTIONS = "app/(app)/example/actions.ts";
  const problems = (file: string, text: string) => problemsOf(file, parse(file, text));
  const spec = `{ access: { memberOf: (i) => i.id }, input: z.object({ id: z.string() }), handler: async () => null }`;

  test("a correctly wrapped route and action pass (the control)", () => {
    expect(problems(ROUTE, `import { route } from "@/lib/api/handler";\nexport const dynamic = "force-dynamic";\nexport const GET = route(${spec});`)).toEqual([]);
    expect(problems(ROUTE, `import { route as wrap } from "../../../lib/api/handler";\nexport const GET = wrap(${spec});`)).toEqual([]);
    expect(problems(ACTIONS, `"use server";\nimport { action } from "@/lib/api/handler";\nexport const save = action(${spec});`)).toEqual([]);
  });

  test("an unwrapped export", () => {
    expect(problems(ROUTE, `import { route } from "@/lib/api/handler";\nexport async function GET() {}\nexport const POST = other(${spec});\nexport { handler as PUT };`)).toEqual([
      "GET: not built with route() from lib/api/handler",
      "POST: not built with route() from lib/api/handler",
      "PUT: not built with route() from lib/api/handler",
    ]);
    expect(problems(ACTIONS, `"use server";\nimport { action } from "@/lib/api/handler";\nexport const save = action(${spec});\nexport async function leak() {}\nexport const { a } = x;`)).toEqual([
      "leak: not built with action() from lib/api/handler",
      "a: not built with action() from lib/api/handler",
    ]);
  });

  test("a look-alike route() or action(): defined locally, imported from elsewhere, or the other wrapper", () => {
    expect(problems(ROUTE, `const route = (s) => s;\nexport const GET = route(${spec});`)).toEqual(["GET: not built with route() from lib/api/handler"]);
    expect(problems(ROUTE, `import { route } from "./handler";\nexport const GET = route(${spec});`)).toEqual(["GET: not built with route() from lib/api/handler"]);
    expect(problems(ROUTE, `import { route } from "@/lib/api/handler-lookalike";\nexport const GET = route(${spec});`)).toEqual(["GET: not built with route() from lib/api/handler"]);
    expect(problems(ROUTE, `import { action as route } from "@/lib/api/handler";\nexport const GET = route(${spec});`)).toEqual(["GET: not built with route() from lib/api/handler"]);
    expect(problems(ACTIONS, `"use server";\nimport { action } from "@/lib/other";\nexport const save = action(${spec});`)).toEqual(["save: not built with action() from lib/api/handler"]);
  });

  test('an inline "use server" function, in any file', () => {
    const page = `export default function Page() {\n  async function save() {\n    "use server";\n  }\n  return <form action={save} />;\n}`;
    expect(problems("app/(app)/example/page.tsx", page)).toEqual(['inline "use server" in save (line 2): use action() in a "use server" file']);
    expect(problems("lib/example.ts", `export const run = async () => {\n  "use server";\n};`)).toEqual(['inline "use server" in (anonymous) (line 1): use action() in a "use server" file']);
  });

  test("export * in a route or \"use server\" file", () => {
    expect(problems(ROUTE, `export * from "./other";`)).toEqual(["export *: list the exports, each built with route()"]);
    expect(problems(ACTIONS, `"use server";\nexport * from "./other";\nexport * as more from "./more";`)).toEqual([
      "export *: list the exports, each built with action()",
      "more: not built with action() from lib/api/handler",
    ]);
  });

  test("an access the checker can't read is refused, so the allowlist can't be dodged", () => {
    expect(problems(ROUTE, `import { route } from "@/lib/api/handler";\nimport { access } from "./access";\nexport const GET = route({ access, input: s, handler: h });`)).toEqual([
      "GET: its access can't be read here (declare it inline, or with a local const or helper returning an object literal)",
    ]);
  });

  test("a new public or signedIn entry point that is not in the allowlist, however its access is written", () => {
    const file = "app/api/new/route.ts";
    const source = [
      `import { route } from "@/lib/api/handler";`,
      `const open = { public: true } as const;`,
      `const mine = () => ({ signedIn: true });`,
      `export const GET = route({ access: { public: true }, input: s, handler: h });`,
      `export const POST = route({ access: open, input: s, handler: h });`,
      `export const PUT = route({ access: mine(), input: s, handler: h });`,
      `export const DELETE = route({ access: { memberOf: (i) => i.id }, input: s, handler: h });`,
    ].join("\n");
    const sf = parse(file, source);
    expect(problemsOf(file, sf)).toEqual([]);
    const listedHere = Object.fromEntries(Object.entries(OPEN).filter(([key]) => key.startsWith(`${file} `)));
    expect(openProblems(openEntries(file, sf), listedHere)).toEqual([
      "app/api/new/route.ts GET is public but not listed in OPEN",
      "app/api/new/route.ts POST is public but not listed in OPEN",
      "app/api/new/route.ts PUT is signedIn but not listed in OPEN",
    ]);
    expect(openProblems({}, { "app/api/gone/route.ts GET": { access: "public" } })).toEqual(["app/api/gone/route.ts GET is listed in OPEN but is not a public entry point"]);
    expect(openProblems({ "app/api/x/route.ts GET": "public" }, { "app/api/x/route.ts GET": { access: "signedIn" } })).toEqual(["app/api/x/route.ts GET is public, OPEN says signedIn"]);
  });
});
