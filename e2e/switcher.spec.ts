import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, screenshot, signInAs, signOut, resetDemoData } from "./helpers";

async function switcherOptions(page: Page) {
  await page.getByTestId("profile-switcher").click();
  const options = page.getByTestId("switcher-option");
  await expect(options.first()).toBeVisible();
  // Each option reads "<place> (<kind>) <role>" to a screen reader; compare "<place> <role>".
  const texts = (await options.allInnerTexts()).map((t) => t.replace(/\((Enterprise|Region|Practice|Location|Care profile)\)/, "").replace(/\s+/g, " ").trim());
  await page.keyboard.press("Escape");
  return texts;
}

async function enter(page: Page, name: string) {
  await page.getByTestId("profile-switcher").click();
  await page.getByTestId("switcher-option").filter({ hasText: name }).first().click();
  await expect(page.getByTestId("place-name")).toHaveText(name);
}

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("switching between places", () => {
  test("manager@ sees Seattle as Manager and Portland as Front Desk, and nothing else", async ({ page }) => {
    await signInAs(page, "manager@northwind.test");
    await page.goto("/");
    const options = await switcherOptions(page);
    expect(options).toContain("Seattle Practice Manager");
    expect(options).toContain("Portland Practice Front Desk");
    expect(options.join(" ")).not.toMatch(/Boston|New York|Northwind Dental Group Owner|Lakeside/);
    await enter(page, "Seattle Practice");
    await expect(page.getByTestId("place-role")).toContainText("Manager");
    await page.getByRole("link", { name: "Users" }).click();
    await expect(page).toHaveURL(/settings\/users/);
    // Switching keeps the page where the role there allows it, else lands on the overview.
    await enter(page, "Portland Practice");
    await expect(page.getByTestId("place-role")).toContainText("Front Desk");
    await expect(page).not.toHaveURL(/settings\/users/);
    await expect(page.getByRole("status")).toContainText("doesn't include that page");
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  });

  test("frontdesk@ never sees Seattle: not in the switcher, the API, or by URL", async ({ page }) => {
    await signInAs(page, "frontdesk@northwind.test");
    const options = await switcherOptions(page);
    expect(options.join(" ")).not.toContain("Seattle");
    const profiles: { name: string }[] = await (await page.request.get("/api/profiles")).json();
    expect(profiles.map((p) => p.name).sort()).toEqual(["Boston Back Bay", "Boston Practice"]);
    // Seattle's id, learned as someone who may see it, answers 404 to frontdesk@.
    const owner = await page.context().browser()!.newContext();
    const ownerPage = await owner.newPage();
    await signInAs(ownerPage, "owner@northwind.test");
    const seattle = ((await (await ownerPage.request.get("/api/profiles")).json()) as { id: string; name: string }[]).find((p) => p.name === "Seattle Practice")!;
    await owner.close();
    for (const path of [`/api/profiles/${seattle.id}`, `/api/profiles/${seattle.id}/members`, `/api/profiles/${seattle.id}/permissions`]) {
      expect((await page.request.get(path)).status(), path).toBe(404);
    }
    const res = await page.goto(`/o/${seattle.id}/settings/users`);
    expect(res?.status()).toBe(404);
    await expect(page.getByText("Seattle")).toHaveCount(0);
  });

  test("rob@ sees four care profiles with four different roles, and context-aware headers", async ({ page }) => {
    await signInAs(page, "rob@family.test");
    const options = await switcherOptions(page);
    expect(options.sort()).toEqual(["Community Care Member", "Mom's Care Admin", "Neighbor's Care Viewer", "Rob's Care Owner"]);
    await enter(page, "Rob's Care");
    await expect(page.getByTestId("care-header")).toHaveText("My Care Team");
    await expect(page.getByTestId("care-actions").getByRole("link")).toHaveText(["Add Team Member", "Manage Permissions", "Settings"]);
    await expectAccessible(page);
    await screenshot(page, "care-rob-owner");
    await enter(page, "Mom's Care");
    await expect(page.getByTestId("care-header")).toHaveText("Mom's Care Team");
    await enter(page, "Neighbor's Care");
    await expect(page.getByTestId("care-actions").getByRole("link")).toHaveText(["View Schedule"]);
  });

  test("Marta and Jim see Rob's Care through their own roles", async ({ page }) => {
    await signInAs(page, "marta@family.test");
    await enter(page, "Rob's Care");
    await expect(page.getByTestId("care-header")).toHaveText("Rob's Care Team");
    await expect(page.getByTestId("care-actions").getByRole("link")).toHaveText(["Add Team Member", "Export Schedule", "View Reports"]);
    await screenshot(page, "care-marta-admin");
    await signOut(page);
    await signInAs(page, "jim@family.test");
    await enter(page, "Rob's Care");
    await expect(page.getByTestId("care-header")).toHaveText("Rob's Care Team");
    await expect(page.getByTestId("care-actions").getByRole("link")).toHaveText(["View My Schedule", "Update Availability", "Log Care"]);
  });

  test("the Enterprise button shows for enterprise-level roles only, and survives a reload", async ({ page }) => {
    await signInAs(page, "west.admin@northwind.test");
    await enter(page, "Seattle Practice");
    await page.getByRole("link", { name: "Users" }).click();
    await expect(page).toHaveURL(/settings\/users/);
    await page.getByTestId("mode-enterprise").click();
    await expect(page.getByTestId("place-name")).toHaveText("West Region");
    await expect(page).toHaveURL(/settings\/users/);
    await page.reload();
    await expect(page.getByTestId("place-name")).toHaveText("West Region");
    await expect(page.getByTestId("mode-practice")).toBeVisible();
    await screenshot(page, "enterprise-mode-users");
    await page.getByTestId("mode-practice").click();
    await expect(page.getByTestId("place-name")).toHaveText("Seattle Practice");

    await signOut(page);
    await signInAs(page, "dr.lee@northwind.test");
    await enter(page, "Seattle Practice");
    await expect(page.getByTestId("mode-enterprise")).toHaveCount(0);
  });

  test("the header and switcher fit a tablet", async ({ page }) => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await signInAs(page, "manager@northwind.test");
    await enter(page, "Seattle Practice");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
  });
});
