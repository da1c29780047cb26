import AxeBuilder from "@axe-core/playwright";
import { expect, request, type APIRequestContext, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "CareAccess!demo1";
export const SCREENSHOTS = "e2e/.artifacts/screenshots";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** No serious or critical accessibility violations on the page as it is now. */
export async function expectAccessible(page: Page) {
  // The <title> can arrive a moment after the page (streamed metadata): wait for it before axe looks.
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login\?signedOut=1/);
}

/** Signs in and waits until the app has let the person in. */
export async function signInAs(page: Page, email: string) {
  await signIn(page, email);
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/**
 * Puts the app back to the demo data. Every spec file calls it in beforeAll, so no file depends on
 * what another one changed (accounts with 2FA, IP allowlists, deleted people).
 */
export async function resetDemoData(baseURL: string | undefined) {
  const api = await request.newContext({ baseURL });
  const res = await api.post("/api/dev/reset", { data: { token: process.env.E2E_RESET_TOKEN } });
  expect(res.status(), "POST /api/dev/reset (is E2E_RESET_TOKEN set for the app?)").toBe(200);
  await api.dispose();
}

/**
 * The development mailbox as the e2e run reads it: with E2E_RESET_TOKEN in `x-e2e-token`. Without
 * it the mailbox answers 404 to anyone but platform staff signed in on this machine (it holds every
 * reset link; lib/email/mailbox-access.ts).
 */
export function readDevMailbox(api: APIRequestContext, to: string) {
  return api.get(`/api/dev/mailbox?to=${encodeURIComponent(to)}`, { headers: { "x-e2e-token": process.env.E2E_RESET_TOKEN ?? "" } });
}

/** The local IdPs' own password for their people (scripts/idp/directory.ts). */
export const IDP_PASSWORD = "IdP!demo-pass1";

/**
 * Single sign-on as a person would: their email on our sign-in page, "Continue with SSO", the IdP's
 * own login page (as `idpUser`, by default the same person), submitted (issue 12).
 */
export async function continueAtIdp(page: Page, email: string, idpUser = email, password = IDP_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue with SSO", exact: true }).click();
  await page.getByLabel("Username").fill(idpUser);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in to the IdP" }).click();
}

/** continueAtIdp, then wait until the app has let the person in. Lakeside's people sign in this way only. */
export async function signInThroughIdp(page: Page, email: string, password = IDP_PASSWORD) {
  await page.goto("/login");
  const app = new URL(page.url()).origin;
  await continueAtIdp(page, email, email, password);
  await page.waitForURL((url) => url.origin === app && !url.pathname.startsWith("/login"), { timeout: 30_000 });
}
