import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, screenshot, resetDemoData } from "./helpers";
import { expectNoOverflow, placeId, signInAs } from "./settings-helpers";

const tree = (page: Page) => page.getByTestId("location-tree");
const treeItem = (page: Page, name: string) => tree(page).locator(`[data-testid="tree-node"][data-name="${name}"] > div [data-tree-item]`);

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("Settings > Locations", () => {
  test("west.admin sees West Region's tree, moves through it with the keyboard, and sees each place's people", async ({ page }) => {
    await signInAs(page, "west.admin@northwind.test");
    const west = await placeId(page, "West Region");
    await page.goto(`/o/${west}`);
    await page.getByRole("link", { name: "Locations", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/o/${west}/settings/locations$`));
    await expect(tree(page).getByTestId("tree-node")).toHaveCount(6);
    for (const name of ["West Region", "Seattle Practice", "Seattle Downtown", "Seattle Northgate", "Portland Practice", "Portland Pearl District"]) await expect(treeItem(page, name)).toBeVisible();
    await expect(page.getByText("East Region")).toHaveCount(0);
    await expect(page.getByText("Boston")).toHaveCount(0);

    // Keyboard: arrow keys move between places, Enter selects, Left collapses.
    await treeItem(page, "West Region").focus();
    await page.keyboard.press("ArrowDown");
    await expect(treeItem(page, "Portland Practice")).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expect(treeItem(page, "Seattle Practice")).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("node-panel-name")).toHaveText("Seattle Practice");
    await expect(page.getByTestId("node-members")).toContainText("Maya Manager");
    await expect(page.getByTestId("node-members")).toContainText("Manager");
    await page.keyboard.press("ArrowLeft");
    await expect(treeItem(page, "Seattle Downtown")).toHaveCount(0);
    await page.keyboard.press("ArrowRight");
    await expect(treeItem(page, "Seattle Downtown")).toBeVisible();

    // A location with patients can't be archived yet, and the page says why.
    await treeItem(page, "Seattle Downtown").click();
    await expect(page.getByTestId("archive-blockers")).toContainText("5 patients are registered here");
    await expectAccessible(page);
    await expectNoOverflow(page);
    await screenshot(page, "settings-locations-west");
  });

  test("west.admin adds, renames, moves and archives a location; the closure-backed tree follows", async ({ page }) => {
    await signInAs(page, "west.admin@northwind.test");
    const west = await placeId(page, "West Region");
    await page.goto(`/o/${west}/settings/locations`);
    await treeItem(page, "Seattle Practice").click();
    const addForm = page.getByTestId("add-node-form");
    // Only valid child kinds: a practice holds locations only.
    await expect(addForm.getByLabel("Kind")).toHaveText("Location");
    await addForm.getByTestId("add-node").click();
    await expect(addForm.getByText("Use at least 2 characters.")).toBeVisible();
    await addForm.getByLabel("New location name").fill("Seattle Capitol Hill");
    await addForm.getByTestId("add-node").click();
    await expect(page.getByTestId("locations-status")).toHaveText("Added Seattle Capitol Hill.");
    await expect(treeItem(page, "Seattle Capitol Hill")).toBeVisible();
    await expect(page.getByTestId("node-panel-name")).toHaveText("Seattle Capitol Hill");

    // Rename (optimistic: the tree changes at once).
    await page.getByLabel("Name", { exact: true }).fill("Seattle First Hill");
    await page.getByTestId("rename-node").click();
    await expect(treeItem(page, "Seattle First Hill")).toBeVisible();
    await expect(page.getByTestId("locations-status")).toHaveText("Renamed to Seattle First Hill.");
    // A duplicate name among siblings is refused, and the optimistic name rolls back.
    await page.getByLabel("Name", { exact: true }).fill("Seattle Downtown");
    await page.getByTestId("rename-node").click();
    await expect(page.getByText("Another place here already has that name.")).toBeVisible();
    await expect(treeItem(page, "Seattle First Hill")).toBeVisible();

    // Move to Portland Practice: only places that can hold a location and that you can edit are offered.
    const moveSelect = page.getByLabel(/Move Seattle First Hill/);
    await expect(moveSelect.locator("option")).toHaveText(["Choose a place…", "Portland Practice (Practice)"]);
    await moveSelect.selectOption({ label: "Portland Practice (Practice)" });
    await page.getByTestId("move-node").click();
    await expect(page.getByTestId("locations-status")).toHaveText("Moved Seattle First Hill to Portland Practice.");
    await expect(tree(page).locator('[data-name="Portland Practice"] [data-name="Seattle First Hill"]')).toHaveCount(1);
    await screenshot(page, "settings-locations-moved");

    // Archive: it leaves the tree and the switcher.
    await treeItem(page, "Seattle First Hill").click();
    await page.getByTestId("archive-node").click();
    await page.getByTestId("confirm-archive").click();
    await expect(page.getByTestId("locations-status")).toContainText("Archived Seattle First Hill");
    await expect(treeItem(page, "Seattle First Hill")).toHaveCount(0);
    await expect(page.getByTestId("archived-count")).toHaveText("1 archived place is hidden.");
    await page.getByTestId("profile-switcher").click();
    await expect(page.getByTestId("switcher-option").filter({ hasText: "Seattle First Hill" })).toHaveCount(0);
    await page.keyboard.press("Escape");
  });

  test("west.admin gives one person a different role per location (Provider at Seattle, Front Desk at Portland)", async ({ page }) => {
    await signInAs(page, "west.admin@northwind.test");
    const west = await placeId(page, "West Region");
    await page.goto(`/o/${west}/settings/locations`);
    const assign = page.getByTestId("assign-roles");
    await assign.getByTestId("assign-save").isDisabled();
    await assign.getByTestId("assign-person").selectOption({ label: "Dr. Daniel Lee (dr.lee@northwind.test)" });
    await expect(assign.getByTestId("assign-role-Seattle Practice")).toHaveValue("builtin:provider");
    await expect(assign.getByTestId("assign-role-Portland Practice")).toHaveValue("");
    await assign.getByTestId("assign-role-Portland Practice").selectOption({ label: "Front Desk" });
    await expectAccessible(page);
    await expectNoOverflow(page);
    await screenshot(page, "settings-locations-assign");
    await assign.getByTestId("assign-save").click();
    await expect(page.getByTestId("locations-status")).toContainText("Saved Dr. Daniel Lee's roles (1 place changed).");
    await treeItem(page, "Portland Practice").click();
    await expect(page.getByTestId("node-members")).toContainText("Dr. Daniel Lee");
    await expect(page.getByTestId("node-members").locator("li").filter({ hasText: "Dr. Daniel Lee" })).toContainText("Front Desk");
    await treeItem(page, "Seattle Practice").click();
    await expect(page.getByTestId("node-members").locator("li").filter({ hasText: "Dr. Daniel Lee" })).toContainText("Provider");

    // Only an owner hands out Admin: the server refuses and the page explains.
    await assign.getByTestId("assign-person").selectOption({ label: "Maya Manager (manager@northwind.test)" });
    await assign.getByTestId("assign-role-Portland Practice").selectOption({ label: "Admin" });
    await assign.getByTestId("assign-save").click();
    await expect(page.getByTestId("assign-error")).toContainText("Only an owner");
  });

  test("the owner sees the whole enterprise tree", async ({ page }) => {
    await signInAs(page, "owner@northwind.test");
    const enterprise = await placeId(page, "Northwind Dental Group");
    await page.goto(`/o/${enterprise}/settings/locations`);
    for (const name of ["Northwind Dental Group", "East Region", "West Region", "Boston Practice", "New York Midtown"]) await expect(treeItem(page, name)).toBeVisible();
    await expect(page.getByTestId("add-node-form").getByLabel("Kind").locator("option")).toHaveText(["Region", "Practice"]);
    await expectAccessible(page);
    await expectNoOverflow(page);
    await screenshot(page, "settings-locations-owner");
  });

  test("frontdesk@northwind.test sees only Boston, can't change it, and never sees Seattle or West Region", async ({ page, browser }) => {
    const ownerPage = await (await browser.newContext()).newPage();
    await signInAs(ownerPage, "owner@northwind.test");
    const seattle = await placeId(ownerPage, "Seattle Practice");
    const westRegion = await placeId(ownerPage, "West Region");
    await ownerPage.context().close();

    await signInAs(page, "frontdesk@northwind.test");
    const boston = await placeId(page, "Boston Practice");
    await page.goto(`/o/${boston}/settings/locations`);
    await expect(tree(page).getByTestId("tree-node")).toHaveCount(2);
    await expect(treeItem(page, "Boston Back Bay")).toBeVisible();
    await expect(page.getByTestId("node-panel")).toContainText("Your role lets you see this place but not change it.");
    await expect(page.getByTestId("assign-roles")).toHaveCount(0);
    await expect(page.getByTestId("node-members")).toHaveCount(0);
    await expect(page.getByText("Seattle")).toHaveCount(0);
    await expect(page.getByText("West Region")).toHaveCount(0);
    await expectAccessible(page);
    await expectNoOverflow(page);
    await screenshot(page, "settings-locations-frontdesk");
    for (const id of [seattle, westRegion]) {
      const response = await page.goto(`/o/${id}/settings/locations`);
      expect(response?.status()).toBe(404);
      await expect(page.getByText("Seattle")).toHaveCount(0);
      await expect(page.getByText("West Region")).toHaveCount(0);
    }
  });
});
