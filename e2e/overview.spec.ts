import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, resetDemoData, screenshot, signInAs, signOut } from "./helpers";

/**
 * A place's overview shows what the person can act on there (lib/overview): a care Member sees the
 * team's contacts and their own next shift; a clinic Manager sees today's appointments and access
 * ending soon; an Owner sees the organization's security alerts and seats.
 */

async function placeId(page: Page, name: string): Promise<string> {
  const places: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
  const found = places.find((p) => p.name === name);
  expect(found, name).toBeTruthy();
  return found!.id;
}

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("place overview", () => {
  test("Jim (care Member) sees the team's contacts and his next shift", async ({ page }) => {
    // The demo shifts are this week's; Rob gives Jim one next week, so there is always one ahead.
    await signInAs(page, "rob@family.test");
    const robs = await placeId(page, "Rob's Care");
    await page.goto(`/o/${robs}/care/schedule`);
    await page.getByRole("link", { name: /^Next week/ }).click();
    await expect(page).toHaveURL(/week=/);
    await page.getByRole("button", { name: "Add shift" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a shift" });
    await dialog.getByLabel("Title").fill("Overview morning care");
    await dialog.getByLabel("Starts").fill("09:00");
    await dialog.getByLabel("Ends").fill("11:00");
    await dialog.getByLabel("Assigned to").selectOption({ label: "Jim Carter (Member)" });
    await dialog.getByRole("button", { name: "Add shift" }).click();
    await expect(dialog).toBeHidden();
    await signOut(page);

    await signInAs(page, "jim@family.test");
    await page.goto(`/o/${robs}`);
    const contacts = page.getByTestId("team-contacts");
    await expect(contacts).toBeVisible();
    await expect(contacts.getByTestId("team-contact").filter({ hasText: "Marta" })).toContainText("marta@family.test");
    await expect(contacts.getByTestId("team-contact").filter({ hasText: "Jim Carter" })).toBeVisible();
    await expect(page.getByTestId("my-next-shift").first()).toBeVisible();
    await expect(page.getByTestId("my-next-shifts")).toContainText("Overview morning care");
    await expect(page.getByTestId("my-next-shifts")).toContainText("9:00 AM – 11:00 AM");
    // A Member's overview has no admin cards.
    await expect(page.getByTestId("security-alerts")).toHaveCount(0);
    await expect(page.getByTestId("expiring-access")).toHaveCount(0);
    await expectAccessible(page);
    await screenshot(page, "overview-jim");
  });

  test("the Manager at Seattle Practice sees today's appointments and access ending soon", async ({ page }) => {
    await signInAs(page, "manager@northwind.test");
    await page.goto(`/o/${await placeId(page, "Seattle Practice")}`);
    const appointments = page.getByTestId("todays-appointments");
    await expect(appointments).toBeVisible();
    await expect(appointments.getByTestId("todays-appointment").or(appointments.getByTestId("todays-appointments-empty")).first()).toBeVisible();
    await expect(page.getByTestId("expiring-access")).toBeVisible();
    await expect(page.getByTestId("team-contacts")).toHaveCount(0);
    await expect(page.getByTestId("security-alerts")).toHaveCount(0);
    await expectAccessible(page);
    await screenshot(page, "overview-manager-seattle");
  });

  test("the Owner sees the organization's security alerts and seats", async ({ page }) => {
    await signInAs(page, "owner@northwind.test");
    await page.goto(`/o/${await placeId(page, "Northwind Dental Group")}`);
    await expect(page.getByTestId("security-alerts")).toBeVisible();
    await expect(page.getByTestId("stat-Seats")).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, "overview-owner");
  });
});
