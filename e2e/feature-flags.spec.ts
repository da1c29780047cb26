import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, resetDemoData, signInAs, signOut } from "./helpers";

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

const shot = (page: Page, name: string) => page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });

async function northwindId(page: Page) {
  const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
  return Object.fromEntries(profiles.map((p) => [p.name, p.id])) as Record<string, string>;
}

test.describe("feature flags", () => {
  test("a flag turned off hides the Enterprise button from a region admin, and the access check says why", async ({ page }) => {
    // The region admin starts with the Enterprise button.
    await signInAs(page, "west.admin@northwind.test");
    await page.goto("/");
    await expect(page.getByTestId("mode-enterprise")).toBeVisible();
    await signOut(page);

    // The owner hides Enterprise management from the Admin role.
    await signInAs(page, "owner@northwind.test");
    const ids = await northwindId(page);
    await page.goto(`/o/${ids["Northwind Dental Group"]}/settings/features`);
    await expect(page.getByRole("heading", { name: "Features", level: 2 })).toBeVisible();
    const card = page.getByTestId("flag-card-enterpriseManagement");
    await expect(card.getByTestId("flag-state")).toHaveText("On");
    // Owners don't turn platform flags on or off.
    await expect(card.getByRole("button", { name: /Turn (on|off)/ })).toHaveCount(0);
    await expect(card).toContainText("Only CareAccess staff turn this on or off.");
    await card.getByLabel("Admin", { exact: true }).uncheck();
    await card.getByRole("button", { name: "Save roles" }).click();
    await expect(card.getByRole("status")).toHaveText("Saved who sees Enterprise management.");
    await expectAccessible(page);
    await shot(page, "feature-flags");

    // "Why can't they see it?" names the reason.
    await page.goto(`/o/${ids["West Region"]}/settings/access-check`);
    await page.getByLabel("Something at a location").check();
    await page.getByLabel("Person").selectOption({ label: "Wes Admin (west.admin@northwind.test)" });
    await page.getByLabel("Location", { exact: true }).selectOption({ label: "West Region" });
    await page.getByLabel("Action").selectOption({ label: "Locations & org tree: read" });
    await page.getByRole("button", { name: "Explain" }).click();
    await expect(page.getByTestId("feature-enterpriseManagement")).toContainText("Hidden");
    await expect(page.getByTestId("feature-enterpriseManagement")).toContainText("Enterprise management is on, but hidden from Admin.");
    await shot(page, "feature-flags-access-check");
    await signOut(page);

    await signInAs(page, "west.admin@northwind.test");
    await page.goto("/");
    await expect(page.getByRole("link", { name: "Wes Admin" }).or(page.getByTestId("signed-in-user"))).toBeVisible();
    await expect(page.getByTestId("mode-enterprise")).toHaveCount(0);
    await signOut(page);

    // Shown again, then platform staff turn the whole flag off: gone again.
    await signInAs(page, "owner@northwind.test");
    await page.goto(`/o/${ids["Northwind Dental Group"]}/settings/features`);
    await page.getByTestId("flag-card-enterpriseManagement").getByLabel("Admin", { exact: true }).check();
    await page.getByTestId("flag-card-enterpriseManagement").getByRole("button", { name: "Save roles" }).click();
    await expect(page.getByTestId("flag-card-enterpriseManagement").getByRole("status")).toBeVisible();
    await signOut(page);

    await signInAs(page, "psm@careaccess.test");
    await page.goto(`/o/${ids["Northwind Dental Group"]}/settings/features`);
    const staffCard = page.getByTestId("flag-card-enterpriseManagement");
    await staffCard.getByRole("button", { name: "Turn off" }).click();
    await expect(staffCard.getByTestId("flag-state")).toHaveText("Off");
    await expect(staffCard.getByRole("status")).toHaveText("Enterprise management is now off.");
    // Staff see the roles but don't choose them.
    await expect(staffCard.getByRole("button", { name: "Save roles" })).toHaveCount(0);
    await shot(page, "feature-flags-staff");
    await signOut(page);

    await signInAs(page, "west.admin@northwind.test");
    await page.goto("/");
    await expect(page.getByTestId("signed-in-user")).toBeVisible();
    await expect(page.getByTestId("mode-enterprise")).toHaveCount(0);
  });
});
