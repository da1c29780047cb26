import { expect, request as playwrightRequest, test } from "@playwright/test";
import { DEMO_PASSWORD, IDP_PASSWORD, continueAtIdp, expectAccessible, resetDemoData, screenshot, signIn, signInAs, signInThroughIdp, signOut } from "./helpers";
import { startDnsResponder, type DnsResponder } from "../lib/testing/dns-server";

/**
 * Enterprise identity end to end (issue 12), through the local IdPs' own login pages that
 * `npm start` runs beside the app (scripts/idp): Lakeside requires SSO through its OIDC IdP,
 * Northwind offers SAML. Then Settings > Security > Single sign-on, domain verification against a
 * DNS responder this spec runs on the port the app was told (playwright.config.ts DNS_RESOLVERS),
 * and SCIM over HTTP with a token made in the UI.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
const SAML_IDP = `http://127.0.0.1:${PORT + 21000}`;

test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

async function samlScenario(scenario: string) {
  const api = await playwrightRequest.newContext();
  expect((await api.post(`${SAML_IDP}/test/scenario`, { form: { scenario } })).status()).toBe(204);
  await api.dispose();
}

test("Lakeside requires SSO: the therapist's password is refused with a message naming the IdP", async ({ page }) => {
  await signIn(page, "therapist@lakeside.test", DEMO_PASSWORD);
  await expect(page.locator("#form-error")).toHaveText('Your organisation signs in with Lakeside Physio SSO. Use "Continue with SSO" instead of a password.');
  await expectAccessible(page);
  await screenshot(page, "sso-password-refused");
});

test("the therapist signs in through Lakeside's OIDC IdP and lands in Lakeside as Provider", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("therapist@lakeside.test");
  await page.getByRole("button", { name: "Continue with SSO", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Lakeside Physio sign-in (local OIDC IdP)" })).toBeVisible();
  expect(new URL(page.url()).port).toBe(String(PORT + 20000));
  await screenshot(page, "sso-oidc-idp-login");
  await page.getByLabel("Username").fill("therapist@lakeside.test");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in to the IdP" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  await page.getByLabel("Username").fill("therapist@lakeside.test");
  await page.getByLabel("Password").fill(IDP_PASSWORD);
  await page.getByRole("button", { name: "Sign in to the IdP" }).click();
  await page.waitForURL(`http://localhost:${PORT}/`);
  const membership = page.getByTestId("membership").filter({ hasText: "Lakeside Downtown" });
  await expect(membership).toContainText("Provider");
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "sso-oidc-landed");
  // The server-side session: listed among the person's devices like any other.
  expect((await page.request.get("/api/account/sessions")).status()).toBe(200);
  await signOut(page);
});

test("a new IdP user gets an account just in time, with the mapped role", async ({ page }) => {
  await signInThroughIdp(page, "nina.newhire@lakeside.test");
  await expect(page.getByTestId("membership").filter({ hasText: "Lakeside Downtown" })).toContainText("Provider");
  const me = await (await page.request.get("/api/me")).json();
  expect(me.user).toMatchObject({ email: "nina.newhire@lakeside.test", name: "Nina Newhire" });
  await screenshot(page, "sso-jit-landed");
  await signOut(page);
});

test("Lakeside's IdP can't sign in a person outside Lakeside's verified domains", async ({ page }) => {
  await continueAtIdp(page, "therapist@lakeside.test", "intruder@northwind.test");
  await expect(page.getByTestId("sso-error")).toHaveText("Your email's domain isn't verified by the organisation behind this sign-in, so it can't sign you in.");
});

test("SAML: a new Northwind person signs in through Northwind's SAML IdP (just in time, Front Desk at Seattle)", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("hana.hygienist@northwind.test");
  await page.getByRole("button", { name: "Continue with SSO", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Northwind Dental sign-in (local SAML IdP)" })).toBeVisible();
  await screenshot(page, "sso-saml-idp-login");
  await page.getByLabel("Username").fill("hana.hygienist@northwind.test");
  await page.getByLabel("Password").fill(IDP_PASSWORD);
  await page.getByRole("button", { name: "Sign in to the IdP" }).click();
  await page.waitForURL(`http://localhost:${PORT}/`);
  await expect(page.getByTestId("membership").filter({ hasText: "Seattle Practice" })).toContainText("Front Desk");
  await screenshot(page, "sso-saml-landed");
  await signOut(page);
});

for (const [scenario, message] of [
  ["tampered", "The identity provider's response failed its signature check (it was changed on the way, or signed with another key), so it was refused."],
  ["unsigned", "The identity provider's assertion wasn't signed. CareAccess only accepts signed assertions."],
  ["wrong_audience", "The identity provider's assertion was meant for another application (wrong audience), so it was refused."],
  ["expired", "The identity provider's assertion has expired. Sign in again."],
] as const) {
  test(`SAML: a ${scenario} assertion is refused with a clear message`, async ({ page }) => {
    await samlScenario(scenario);
    await continueAtIdp(page, "dr.lee@northwind.test");
    await expect(page.getByTestId("sso-error")).toHaveText(message);
    expect((await page.request.get("/api/me")).status()).toBe(401);
    if (scenario === "tampered") {
      await expectAccessible(page);
      await screenshot(page, "sso-saml-tampered");
    }
  });
}

test.describe("Settings > Security > Single sign-on", () => {
  let dns: DnsResponder;
  test.beforeAll(async () => {
    dns = await startDnsResponder({ port: PORT + 22000 });
  });
  test.afterAll(async () => dns?.close());

  test("the owner (break-glass password) sees the setup, maps a group, verifies a domain by DNS, and makes a SCIM token that a SCIM client uses", async ({ page, baseURL }) => {
    await signInAs(page, "owner@lakeside.test");
    const me = await (await page.request.get("/api/me")).json();
    const lakeside = me.memberships.find((m: { nodeName: string }) => m.nodeName === "Lakeside Physio").nodeId as string;
    await page.goto(`/o/${lakeside}/settings/security`);
    await page.getByRole("link", { name: "Single sign-on" }).click();
    await expect(page.getByRole("heading", { name: "Single sign-on", exact: true })).toBeVisible();
    const domain = page.getByTestId("domain-lakeside.test");
    await expect(domain).toContainText("Verified");
    await expect(domain).toContainText("SSO required");
    await expect(page.getByTestId("connection-Lakeside Physio SSO")).toContainText("/api/sso/oidc/callback");

    // A group mapping from the table.
    await page.getByLabel("Group name").fill("physio-front-desk");
    await page.getByLabel("Role", { exact: true }).selectOption({ label: "Front Desk" });
    await page.getByLabel("Place", { exact: true }).selectOption({ label: "\u00a0\u00a0Lakeside Harbor" });
    await page.getByRole("button", { name: "Add mapping" }).click();
    await expect(page.getByRole("row").filter({ hasText: "physio-front-desk" })).toContainText("Lakeside Harbor");

    // A new domain, verified through DNS.
    await page.getByLabel("Add a domain").fill("lakeside-physio.test");
    await page.getByRole("button", { name: "Add domain" }).click();
    const added = page.getByTestId("domain-lakeside-physio.test");
    const record = (await added.locator("code").textContent())!.trim();
    await page.getByRole("button", { name: "Verify lakeside-physio.test" }).click();
    await expect(added.getByRole("alert")).toContainText("No TXT records found");
    dns.records.set("lakeside-physio.test", [record]);
    await page.getByRole("button", { name: "Verify lakeside-physio.test" }).click();
    await expect(added).toContainText("Verified");

    // A SCIM token, shown once, used by a SCIM client over HTTP.
    await page.getByLabel("New token for").fill("Lakeside IdP");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("scim-token").textContent())!.trim();
    expect(token).toMatch(/^scim_/);
    await expectAccessible(page);
    await screenshot(page, "sso-settings");
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, "sso-settings-tablet");
    await page.setViewportSize({ width: 1280, height: 800 });

    const scim = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" } });
    const created = await scim.post("/scim/v2/Users", { data: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "sid.scim@lakeside-physio.test", name: { givenName: "Sid", familyName: "Scim" }, active: true } });
    expect(created.status()).toBe(201);
    const user = await created.json();
    expect((await (await scim.get(`/scim/v2/Users?filter=${encodeURIComponent('userName eq "sid.scim@lakeside-physio.test"')}`)).json()).totalResults).toBe(1);
    const off = await scim.patch(`/scim/v2/Users/${user.id}`, { data: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "active", value: false }] } });
    expect((await off.json()).active).toBe(false);
    expect((await scim.get("/scim/v2/Users/00000000-0000-4000-8000-000000000000")).status()).toBe(404);
    const anonymous = await playwrightRequest.newContext({ baseURL });
    expect((await anonymous.get("/scim/v2/Users")).status()).toBe(401);
    await anonymous.dispose();
    await scim.dispose();
  });
});
