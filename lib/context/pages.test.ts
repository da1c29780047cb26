/**
 * The page registry (lib/context/pages.ts): every place page has an entry and is guarded by it, and
 * for every built-in role at every kind of place the tabs shown are exactly the pages the guard lets in.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ROLE_TEMPLATES, builtinRoleId } from "../authz/roles";
import { compileSubject, type Subject } from "../authz/subject";
import { buildTree, type NodeKind, type NodeRow, type TenantTree } from "../authz/tree";
import { enterable } from "./enterable";
import { PAGES, pageAccess, placeNav, sectionKinds, type PageKey } from "./pages";

// The guard runs for real; only the session and Next's navigation throws are stand-ins.
let signedIn: Subject;
vi.mock("../auth/session", () => ({ requireSubject: async () => ({ subject: signedIn, user: { id: signedIn.userId }, sessionId: "s" }) }));
vi.mock("next/navigation", () => ({
  notFound: () => {
    throw new Error("NOT_FOUND");
  },
  redirect: (url: string) => {
    throw new Error(`REDIRECT ${url}`);
  },
}));
const { requirePage } = await import("./server");

const ROOT = path.resolve(import.meta.dirname, "../../app/(app)/o/[nodeId]");

function pageFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pageFiles(path.join(dir, e.name)) : e.name === "page.tsx" ? [path.join(dir, e.name)] : []));
}

/** "settings/roles/[roleId]/edit/page.tsx" → "/settings/roles/[roleId]/edit" */
const routeOf = (file: string) => `/${path.relative(ROOT, path.dirname(file)).split(path.sep).join("/")}`.replace(/\/$/, "");

/** The entry whose path is the longest prefix of the route: a section's sub-pages use the section's entry. */
function entryFor(route: string) {
  return [...PAGES].filter((p) => route === p.path || (p.path !== "" && route.startsWith(`${p.path}/`)) || (p.path === "" && route === "")).sort((a, b) => b.path.length - a.path.length)[0];
}

describe("every place page is in the registry and guarded by it", () => {
  const files = pageFiles();

  it("finds the pages", () => {
    expect(files.length).toBeGreaterThanOrEqual(PAGES.length);
  });

  it.each(files.map((f) => [routeOf(f) || "/", f]))("%s", (_route, file) => {
    const route = routeOf(file);
    const entry = entryFor(route);
    expect(entry, `no registry entry covers ${route}`).toBeDefined();
    const source = readFileSync(file, "utf8");
    const guards = [...source.matchAll(/\brequire(?:Care)?Page\([^,]+,\s*"([^"]+)"(?:,\s*\{[^)]*\})?\)/g)].map((m) => m[1]);
    expect(guards, `${route} must call requirePage(nodeId, "${entry.key}") (or requireCarePage)`).toEqual([entry.key]);
    // No second, hand-written way in: the registry's guard is the only one.
    expect(source).not.toMatch(/\brequireContext\(|\brequirePagePermission\(/);
  });

  it("every registry entry has its page", () => {
    const routes = new Set(files.map(routeOf));
    for (const p of PAGES) expect(routes.has(p.path), p.key).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// A table of roles: each built-in role bound at each kind of place.
// ---------------------------------------------------------------------------------------------
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const ENT = id(1), REGION = id(2), PRACTICE = id(3), LOCATION = id(4), CARE = id(5);
const row = (nodeId: string, parentId: string | null, rootId: string, kind: NodeKind, name: string): NodeRow => ({ id: nodeId, parentId, rootId, kind, name, timeZone: "UTC" });
const NODES = [
  row(ENT, null, ENT, "ENTERPRISE", "Acme"),
  row(REGION, ENT, ENT, "REGION", "West"),
  row(PRACTICE, REGION, ENT, "PRACTICE", "Seattle"),
  row(LOCATION, PRACTICE, ENT, "LOCATION", "Seattle Downtown"),
  row(CARE, null, CARE, "CARE_PROFILE", "Rob's Care"),
];
const TREES: ReadonlyMap<string, TenantTree> = new Map([ENT, CARE].map((root) => [root, buildTree(root, NODES.filter((r) => r.rootId === root))]));
const subjectOf = (roleKey: string, at: string): Subject =>
  compileSubject({ userId: id(99), bindings: [{ id: "b", nodeId: at, roleId: builtinRoleId(roleKey), expiresAt: null }], roles: new Map(), trees: TREES });

const CASES = ROLE_TEMPLATES.flatMap((t) =>
  t.family === "care" ? [{ role: t.key, at: CARE, places: [CARE] }] : [ENT, REGION, PRACTICE, LOCATION].map((at) => ({ role: t.key, at, places: NODES.filter((n) => n.rootId === ENT && n.kind !== "CARE_PROFILE").map((n) => n.id) })),
);

describe("nav visibility equals the guard's decision", () => {
  beforeEach(() => vi.clearAllMocks());

  for (const c of CASES) {
    it(`${c.role} bound at ${NODES.find((n) => n.id === c.at)!.kind}`, async () => {
      signedIn = subjectOf(c.role, c.at);
      for (const placeId of c.places) {
        const node = enterable(signedIn, placeId);
        if (!node) continue; // above the binding: not a place they can enter
        const tabs = new Set(placeNav(signedIn, node).map((t) => t.key));
        for (const page of PAGES) {
          const guard = await requirePage(placeId, page.key).then(
            () => "ok",
            (e: Error) => (e.message === "NOT_FOUND" ? "not_found" : e.message.startsWith("REDIRECT ") ? "denied" : `threw ${e.message}`),
          );
          expect(guard, `${c.role} at ${node.name}: ${page.key}`).toBe(pageAccess(signedIn, node, page.key));
          expect(tabs.has(page.key), `${c.role} at ${node.name}: tab ${page.key}`).toBe(guard === "ok");
        }
      }
    });
  }
});

describe("the tabs each role sees", () => {
  const tabs = (role: string, at: string, place = at) => {
    const s = subjectOf(role, at);
    return placeNav(s, enterable(s, place)!).map((t) => t.label);
  };
  const table: [string, string, string, string[]][] = [
    ["care_member", CARE, CARE, ["Overview", "Schedule", "Availability", "Care log"]],
    ["care_viewer", CARE, CARE, ["Overview", "Schedule", "Availability"]],
    ["care_admin", CARE, CARE, ["Overview", "Schedule", "Availability", "Care log", "Reports", "Team", "Roles", "Why can't they see it?", "Activity log", "Access reviews"]],
    ["manager", PRACTICE, PRACTICE, ["Overview", "Patients", "Billing", "Inventory", "Calls", "Schedule", "Hours", "Performance", "Users", "Roles", "Locations", "Access requests", "Emergency access", "Delegations"]],
    ["front_desk", PRACTICE, PRACTICE, ["Overview", "Patients", "Calls", "Schedule", "Locations", "Access requests", "Emergency access", "Delegations"]],
    ["billing", ENT, LOCATION, ["Overview", "Patients", "Billing", "Locations", "Access requests", "Emergency access", "Delegations"]],
    ["provider", PRACTICE, PRACTICE, ["Overview", "Patients", "Schedule", "Hours", "Performance", "Locations", "Access requests", "Emergency access", "Delegations"]],
    ["inventory_manager", PRACTICE, LOCATION, ["Overview", "Inventory", "Locations", "Access requests", "Emergency access", "Delegations"]],
    ["owner", ENT, LOCATION, ["Overview", "Patients", "Billing", "Inventory", "Calls", "Schedule", "Hours", "Performance", "Users", "Roles", "Locations", "Security", "Why can't they see it?", "Activity log", "Access reviews", "Access requests", "Emergency access", "Delegations", "Support access", "API access"]],
    ["owner", ENT, PRACTICE, ["Overview", "Patients", "Billing", "Inventory", "Calls", "Schedule", "Hours", "Performance", "Users", "Roles", "Locations", "Security", "Why can't they see it?", "Activity log", "Access reviews", "Access requests", "Emergency access", "Delegations", "Support access", "API access", "Practice system"]],
    ["admin", REGION, PRACTICE, ["Overview", "Patients", "Billing", "Inventory", "Calls", "Schedule", "Hours", "Performance", "Users", "Roles", "Locations", "Why can't they see it?", "Activity log", "Access reviews", "Access requests", "Emergency access", "Delegations", "Practice system"]],
  ];
  it.each(table)("%s", (role, at, place, expected) => {
    expect(tabs(role, at, place)).toEqual(expected);
  });

  it("a page at a kind of place it doesn't exist at is not found, whatever the role", () => {
    const owner = subjectOf("owner", ENT);
    expect(pageAccess(owner, enterable(owner, PRACTICE)!, "care.schedule" satisfies PageKey)).toBe("not_found");
    const careOwner = subjectOf("care_owner", CARE);
    expect(pageAccess(careOwner, enterable(careOwner, CARE)!, "settings.locations")).toBe("not_found");
  });

  it("billing settings: a tab at the tenant root for whoever holds billing_settings.read there; a guard that answers 404 to everyone else", async () => {
    const owner = subjectOf("owner", ENT);
    expect(placeNav(owner, enterable(owner, ENT)!).map((t) => t.label)).toContain("Billing settings");
    expect(placeNav(owner, enterable(owner, PRACTICE)!).map((t) => t.label)).not.toContain("Billing settings");
    const outcome = (s: Subject, at: string) => {
      signedIn = s;
      return requirePage(at, "settings.billing", { deniedIsNotFound: true }).then(
        () => "ok",
        (e: Error) => e.message,
      );
    };
    expect(await outcome(owner, ENT)).toBe("ok");
    expect(await outcome(owner, PRACTICE)).toBe("NOT_FOUND");
    for (const role of ["manager", "front_desk", "provider", "inventory_manager"]) expect(await outcome(subjectOf(role, ENT), ENT), role).toBe("NOT_FOUND");
    // Billing reads the tenant's billing settings (the page shows them read-only: no billing_settings.edit).
    expect(await outcome(subjectOf("billing", ENT), ENT)).toBe("ok");
  });

  it("the care section (its layout's 404) exists only at care profiles", () => {
    expect(sectionKinds("/care")).toEqual(["CARE_PROFILE"]);
    expect([...sectionKinds("/billing")].sort()).toEqual(["ENTERPRISE", "LOCATION", "PRACTICE", "REGION"]);
    expect([...sectionKinds("/schedule")].sort()).toEqual(["ENTERPRISE", "LOCATION", "PRACTICE", "REGION"]);
  });
});
