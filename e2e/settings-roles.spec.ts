import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, resetDemoData } from "./helpers";
import { expectNoOverflow, placeId, signInAs } from "./settings-helpers";

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("Settings > Roles", () => {
  test("the owner sees the built-in roles with holders, and a role's permission matrix with scope, conditions and who holds it", async ({ page }) => {
    await signInAs(page, "owner@northwind.test");
    const enterprise = await placeId(page, "Northwind Dental Group");
    await page.goto(`/o/${enterprise}`);
    await page.getByRole("link", { name: "Roles", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/o/${enterprise}/settings/roles$`));
    const builtin = page.getByTestId("builtin-roles").getByTestId("role-card");
    await expect(builtin).toHaveCount(8);
    await expect(builtin.filter({ hasText: "Provider" }).getByTestId("role-holders")).toHaveText("3 people");
    await expect(page.getByTestId("custom-roles-empty")).toBeVisible();
    await expectAccessible(page);
    await expectNoOverflow(page);
    await screenshot(page, "settings-roles-list");

    await page.getByRole("link", { name: "Manager", exact: true }).click();
    await expect(page.getByTestId("role-name")).toHaveText("Manager");
    await expect(page.getByTestId("cell-refunds.approve")).toContainText("under $200");
    await expect(page.getByTestId("cell-patients.read")).toContainText("All");
    await expect(page.getByTestId("cell-patients.delete")).toContainText("No");
    await expect(page.getByTestId("role-holders-list")).toContainText("Maya Manager");
    await expect(page.getByTestId("role-holders-list")).toContainText("Seattle Practice");
    await expect(page.getByTestId("edit-role")).toHaveCount(0); // built-in: read-only
    await expectAccessible(page);
    await expectNoOverflow(page);
    await screenshot(page, "settings-role-manager");

    await page.goto(`/o/${enterprise}/settings/roles/${encodeURIComponent("builtin:provider")}`);
    await expect(page.getByTestId("cell-clinical_notes.edit")).toContainText("Own");
    await expect(page.getByTestId("cell-patients.read")).toContainText("Assigned");
  });

  test("west.admin creates a custom role from Front Desk, sees the diff before saving, and can't include what they don't hold", async ({ page }) => {
    await signInAs(page, "west.admin@northwind.test");
    const west = await placeId(page, "West Region");
    await page.goto(`/o/${west}/settings/roles`);
    await page.getByTestId("create-role").click();
    await expect(page.getByTestId("choose-parent-first")).toBeVisible();

    // Empty submit: per-field messages.
    await page.getByTestId("save-role").click();
    await expect(page.getByText("Use at least 2 characters.")).toBeVisible();
    await expect(page.getByText("Choose a role to start from.").first()).toBeVisible();

    await page.getByLabel("Name", { exact: true }).fill("Front Desk Lead");
    await page.getByLabel("Description (optional)").fill("Front desk who also takes payments");
    await page.getByLabel("Starts from (inherits from)").selectOption({ label: "Front Desk" });
    await expect(page.getByTestId("perm-appointments.check_in").getByRole("checkbox")).toBeChecked();

    // The owner-only permission is locked, with the reason next to it.
    const tenantDelete = page.getByTestId("perm-tenant.delete");
    await expect(tenantDelete.getByRole("checkbox")).toBeDisabled();
    await expect(tenantDelete).toContainText("you don't hold this here");

    await page.getByTestId("perm-payments.process").getByRole("checkbox").check();
    await page.getByTestId("perm-calls.read").getByRole("checkbox").uncheck();
    await page.getByTestId("perm-charges.read").getByRole("checkbox").check();
    await page.getByTestId("scope-charges.read").selectOption("node");
    await expect(page.getByTestId("perm-payments.process")).toHaveAttribute("data-state", "added");
    await expect(page.getByTestId("perm-calls.read")).toHaveAttribute("data-state", "removed");
    await expect(page.getByTestId("diff-added")).toContainText("Payments: Process");
    await expect(page.getByTestId("diff-added")).toContainText("Charges: Read");
    await expect(page.getByTestId("diff-removed")).toContainText("Calls: Read");
    await expectAccessible(page);
    await expectNoOverflow(page);
    await screenshot(page, "settings-role-create");

    await page.getByTestId("save-role").click();
    await expect(page.getByTestId("role-name")).toHaveText("Front Desk Lead");
    await expect(page.getByTestId("cell-payments.process")).toHaveAttribute("data-change", "added");
    await expect(page.getByTestId("cell-charges.read")).toContainText("This place only");
    await expect(page.getByTestId("cell-calls.read")).toHaveAttribute("data-change", "removed");
    await expect(page.getByTestId("role-diff")).toContainText("Payments: Process");
    await expectAccessible(page);
    await screenshot(page, "settings-role-custom");

    // Edit: the number of people the change reaches is shown before saving.
    await page.getByTestId("edit-role").click();
    await expect(page.getByTestId("affected-people")).toContainText("0 people");
    await page.getByTestId("perm-stock.read").getByRole("checkbox").check();
    await page.getByTestId("save-role").click();
    await expect(page.getByTestId("cell-stock.read")).toHaveAttribute("data-change", "added");

    // A role that starts from Owner carries tenant.delete: the editor says so and the server refuses (403).
    await page.goto(`/o/${west}/settings/roles/new`);
    await page.getByLabel("Name", { exact: true }).fill("Owner Copy");
    await page.getByLabel("Starts from (inherits from)").selectOption({ label: "Owner" });
    await expect(page.getByTestId("not-held-warning")).toContainText("Practice / profile: Delete");
    await page.getByTestId("save-role").click();
    await expect(page.getByTestId("role-form-error")).toContainText("You can only grant what you hold yourself");
    await expect(page.getByTestId("role-form-error")).toContainText("tenant.delete");
    await screenshot(page, "settings-role-refused");

    // The new role is listed, with its parent; it can be deleted while nobody holds it.
    await page.goto(`/o/${west}/settings/roles`);
    const card = page.getByTestId("custom-roles").getByTestId("role-card").filter({ hasText: "Front Desk Lead" });
    await expect(card).toContainText("Inherits from Front Desk");
    await expect(card.getByTestId("role-holders")).toHaveText("0 people");
    await card.getByRole("link", { name: "Front Desk Lead" }).click();
    await page.getByTestId("delete-role").click();
    await page.getByTestId("confirm-delete-role").click();
    await expect(page).toHaveURL(new RegExp(`/o/${west}/settings/roles\\?deleted=`));
    await expect(page.getByTestId("custom-roles-empty")).toBeVisible();
  });

  test("manager@northwind.test can read roles at Seattle but not create them", async ({ page }) => {
    await signInAs(page, "manager@northwind.test");
    const seattle = await placeId(page, "Seattle Practice");
    await page.goto(`/o/${seattle}/settings/roles`);
    await expect(page.getByTestId("builtin-roles").getByTestId("role-card")).toHaveCount(8);
    await expect(page.getByTestId("create-role")).toHaveCount(0);
    await expect(page.getByTestId("create-role-unavailable")).toContainText("can read roles but not create them");
    await expectAccessible(page);
    await screenshot(page, "settings-roles-manager-readonly");
    // The create page itself sends them back to the list.
    await page.goto(`/o/${seattle}/settings/roles/new`);
    await expect(page).toHaveURL(new RegExp(`/o/${seattle}/settings/roles$`));
    // At Portland they are Front Desk: no Roles tab there.
    const portland = await placeId(page, "Portland Practice");
    await page.goto(`/o/${portland}`);
    await expect(page.getByRole("link", { name: "Roles", exact: true })).toHaveCount(0);
  });

  test("frontdesk@northwind.test has no roles page and never sees Seattle or West Region", async ({ page, browser }) => {
    // Seattle's id, as the owner sees it.
    const ownerPage = await (await browser.newContext()).newPage();
    await signInAs(ownerPage, "owner@northwind.test");
    const seattle = await placeId(ownerPage, "Seattle Practice");
    await ownerPage.context().close();

    await signInAs(page, "frontdesk@northwind.test");
    const boston = await placeId(page, "Boston Practice");
    await page.goto(`/o/${boston}`);
    await expect(page.getByRole("link", { name: "Roles", exact: true })).toHaveCount(0);
    await page.goto(`/o/${boston}/settings/roles`);
    await expect(page).toHaveURL(new RegExp(`/o/${boston}\\?denied=roles.read`));
    await expect(page.getByRole("status")).toContainText("doesn't include that page");
    for (const path of [`/o/${seattle}/settings/roles`, `/o/${seattle}/settings/roles/${encodeURIComponent("builtin:manager")}`]) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(404);
      await expect(page.getByText("Seattle")).toHaveCount(0);
    }
    await expect(page.getByText("West Region")).toHaveCount(0);
  });

  test("an enterprise-level role: a region admin reads it but can't change it; two editors of one role can't overwrite each other", async ({ page, browser }) => {
    await signInAs(page, "owner@northwind.test");
    const enterprise = await placeId(page, "Northwind Dental Group");
    const west = await placeId(page, "West Region");
    await page.goto(`/o/${enterprise}/settings/roles/new`);
    await page.getByLabel("Name", { exact: true }).fill("Enterprise Desk Lead");
    await page.getByLabel("Starts from (inherits from)").selectOption({ label: "Front Desk" });
    await page.getByTestId("save-role").click();
    await expect(page.getByTestId("role-name")).toHaveText("Enterprise Desk Lead");
    await expect(page.getByTestId("role-defined-at")).toHaveText("Defined at Northwind Dental Group");
    const rolePath = new URL(page.url()).pathname.replace(`/o/${enterprise}/`, "/");

    // West's admin sees it from the region, without Edit or Delete; the edit page sends them back.
    const adminPage = await (await browser.newContext()).newPage();
    await signInAs(adminPage, "west.admin@northwind.test");
    await adminPage.goto(`/o/${west}${rolePath}`);
    await expect(adminPage.getByTestId("role-name")).toHaveText("Enterprise Desk Lead");
    await expect(adminPage.getByTestId("role-defined-at")).toContainText("only people who manage roles there can change it");
    await expect(adminPage.getByTestId("edit-role")).toHaveCount(0);
    await expect(adminPage.getByTestId("delete-role")).toHaveCount(0);
    await adminPage.goto(`/o/${west}${rolePath}/edit`);
    await expect(adminPage).toHaveURL(new RegExp(`/o/${west}${rolePath}$`)); // uuids: no regex characters
    await adminPage.context().close();

    // Two tabs open the editor on the same version; the first save wins, the second is refused.
    const second = await page.context().newPage();
    await page.goto(`/o/${enterprise}${rolePath}/edit`);
    await second.goto(`/o/${enterprise}${rolePath}/edit`);
    await page.getByTestId("perm-stock.read").getByRole("checkbox").check();
    await page.getByTestId("save-role").click();
    await expect(page.getByTestId("cell-stock.read")).toHaveAttribute("data-change", "added");
    await second.getByTestId("perm-products.read").getByRole("checkbox").check();
    await second.getByTestId("save-role").click();
    await expect(second.getByTestId("role-form-error")).toContainText("Someone else changed this role since you opened it; reload to see their changes.");
    await expectAccessible(second);
    await screenshot(second, "settings-role-conflict");
    await second.getByTestId("reload-role").click();
    await expect(second.getByTestId("perm-stock.read").getByRole("checkbox")).toBeChecked();
    await expect(second.getByTestId("perm-products.read").getByRole("checkbox")).not.toBeChecked();
    await second.close();
  });
});
