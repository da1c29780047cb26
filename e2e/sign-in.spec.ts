import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn, resetDemoData } from "./helpers";

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("signing in", () => {
  test("a page without a session sends you to the sign-in page; the API answers 401 JSON", async ({ page, request }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    const api = await request.get("/api/me");
    expect(api.status()).toBe(401);
    expect(await api.json()).toEqual({ error: { code: "unauthenticated", message: "Sign in to continue." } });
  });

  test("the sign-in page lists the demo accounts and passes an accessibility check", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByRole("heading", { name: "Demo accounts" })).toBeVisible();
    await expect(page.getByText("rob@family.test")).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, "login");
  });

  test("a wrong password and an unknown email get the same message", async ({ page }) => {
    await signIn(page, "owner@northwind.test", "not-the-password");
    await expect(page.locator("#form-error")).toHaveText("Email or password is incorrect.");
    await signIn(page, "nobody@northwind.test");
    await expect(page.locator("#form-error")).toHaveText("Email or password is incorrect.");
    await expect(page).toHaveURL(/\/login/);
  });

  test("a malformed email is caught next to the field", async ({ page }) => {
    await signIn(page, "owner-at-northwind");
    await expect(page.getByText("Enter a valid email address, like name@clinic.com.")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await screenshot(page, "login-error");
  });

  const accounts = [
    { email: "manager@northwind.test", name: "Maya Manager", places: ["Seattle Practice", "Portland Practice"], roles: ["Manager", "Front Desk"], absent: ["Boston Practice"] },
    { email: "frontdesk@northwind.test", name: "Frank Desk", places: ["Boston Practice"], roles: ["Front Desk"], absent: ["Seattle Practice", "Portland Practice"] },
    {
      email: "rob@family.test",
      name: "Rob Wudlick",
      places: ["Rob's Care", "Mom's Care", "Community Care", "Neighbor's Care"],
      roles: ["Owner", "Admin", "Member", "Viewer"],
      absent: ["Northwind Dental Group"],
    },
  ];
  for (const a of accounts) {
    test(`${a.email} lands on a home screen that shows where they belong`, async ({ page }) => {
      await signIn(page, a.email);
      await expect(page).toHaveURL(/\/$/);
      await expect(page.getByTestId("signed-in-user")).toContainText(a.name);
      const cards = page.getByTestId("membership");
      await expect(cards).toHaveCount(a.places.length);
      for (const [i, place] of a.places.entries()) {
        const card = cards.filter({ has: page.getByRole("heading", { name: place, exact: true }) });
        await expect(card).toContainText(a.roles[i]);
      }
      for (const place of a.absent) await expect(page.getByText(place)).toHaveCount(0);
      await expectAccessible(page);
      await screenshot(page, `home-${a.email.split("@")[0]}`);
    });
  }

  test("signing out ends the session on the server, so the old cookie no longer works", async ({ page, context }) => {
    await signIn(page, "owner@lakeside.test");
    await expect(page.getByRole("heading", { name: /Welcome, Liam/ })).toBeVisible();
    const cookies = await context.cookies();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login\?signedOut=1/);
    await expect(page.getByRole("status")).toHaveText("You have signed out.");
    // Replay the cookie from before sign-out: the JWT is still validly signed, but its session row is revoked.
    await context.addCookies(cookies);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login/);
    expect((await page.request.get("/api/me")).status()).toBe(401);
  });

  for (const next of ["//evil.example/steal", "%2F%09%2Fexample.com%2Fphish", "%2F.%2F%2Fexample.com"]) {
    test(`after sign-in you return to the page you asked for, never to another site (next=${next})`, async ({ page }) => {
      await page.goto(`/login?next=${next}`);
      await page.getByLabel("Email").fill("jim@family.test");
      await page.getByLabel("Password").fill("CareAccess!demo1");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(/localhost:\d+\/$/);
    });
  }

  test("the home screen fits a tablet width without sideways scrolling", async ({ page }) => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await signIn(page, "rob@family.test");
    await expect(page.getByTestId("membership")).toHaveCount(4);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await screenshot(page, "home-rob-tablet");
  });
});
