import { describe, expect, test } from "vitest";
import { safeNextPath } from "./next-path";

/** Where a browser would actually go for `href` from a page on this site (tabs and newlines are dropped, "\" is "/"). */
const browserTarget = (href: string) => new URL(href, "https://careaccess.test/login").origin;

describe("safeNextPath: only same-site paths survive", () => {
  test.each([
    ["/", "/"],
    ["/o/6f1c0000-0000-4000-8000-000000000000/settings/users", "/o/6f1c0000-0000-4000-8000-000000000000/settings/users"],
    ["/o/x/settings/users?q=lee&page=2", "/o/x/settings/users?q=lee&page=2"],
    ["/account#devices", "/account#devices"],
    ["/o/x/care/schedule?week=2026-11-23", "/o/x/care/schedule?week=2026-11-23"],
    ["/a/../b", "/b"],
    ["/caf%C3%A9", "/caf%C3%A9"],
  ])("keeps %j", (raw, expected) => {
    expect(safeNextPath(raw)).toBe(expected);
  });

  test.each([
    // The finding: a tab between the slashes; the browser drops it and sees "//example.com".
    "/\t/example.com/phish",
    "/%09/example.com/phish",
    "/\n/example.com",
    "/%0a/example.com",
    "/%0D%0A/example.com",
    "/\r/example.com",
    "/ /example.com",
    "/%20/example.com",
    "/\u00a0/example.com",
    "/\u200b/example.com",
    "/\ufeff/example.com",
    "/\u0000/example.com",
    "/%00/example.com",
    // Protocol-relative and backslash forms.
    "//example.com",
    "//example.com/phish",
    "///example.com",
    "/\\example.com",
    "\\\\example.com",
    "\\/example.com",
    "/%5Cexample.com",
    "/%5c%5cexample.com",
    "/%2F%2Fexample.com",
    "/%2f/example.com",
    "%2F%2Fexample.com",
    "/%252F%252Fexample.com",
    "/%25252F%25252Fexample.com",
    // Absolute URLs and schemes.
    "https://example.com/phish",
    "http://example.com",
    "HTTPS://example.com",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "/javascript:alert(1)\n",
    "/.//example.com",
    "/a/..//example.com",
    "data:text/html,<script>alert(1)</script>",
    " /o/x",
    "\t//example.com",
    // Relative or malformed.
    "o/x/settings",
    "example.com",
    "",
    "/%E0%A4%A",
    "/%",
  ])("refuses %j", (raw) => {
    expect(safeNextPath(raw)).toBe("/");
  });

  test.each([undefined, null, 42, ["/a", "/b"], { href: "/" }])("refuses a non-string %j", (raw) => {
    expect(safeNextPath(raw)).toBe("/");
  });

  test("whatever it returns, a browser stays on this site", () => {
    const attacks = ["/\t/example.com", "/\\\t/example.com", "/.//example.com", "/%09%2F/example.com", "/ \\/example.com", "/\u2028/example.com"];
    for (const raw of attacks) expect(browserTarget(safeNextPath(raw)), raw).toBe("https://careaccess.test");
  });
});
