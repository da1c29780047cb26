import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, screenshot, signInAs, signOut, resetDemoData, signInThroughIdp } from "./helpers";

async function openUsers(page: Page, email: string, place: string) {
  await signInAs(page, email);
  const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
  const id = profiles.find((p) => p.name === place)!.id;
  await page.goto(`/o/${id}/settings/users`);
  await expect(page.getByTestId("users-table")).toBeVisible();
  return id;
}

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("Settings > Users", () => {
  test("lists the people of a place, with search and filters, accessible at laptop and tablet widths", async ({ page }) => {
    await openUsers(page, "owner@northwind.test", "Seattle Practice");
    const rows = page.getByTestId("user-row");
    await expect(rows).toHaveCount(5);
    await expect(rows.filter({ hasText: "Maya Manager" })).toContainText("Seattle Practice · Manager");
    await expectAccessible(page);
    await screenshot(page, "users-list");
    await page.getByLabel("Search").fill("patel");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("Dr. Priya Patel");
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Role").selectOption({ label: "Provider" });
    await expect(rows).toHaveCount(2);
    // The filters live in the URL: a reload (or a shared link) shows the same list.
    await expect(page).toHaveURL(/[?&]role=/);
    await page.reload();
    await expect(page.getByLabel("Role")).toHaveValue(/.+/);
    await expect(rows).toHaveCount(2);
    await page.getByLabel("Role").selectOption({ label: "Any role" });
    await expect(page).not.toHaveURL(/[?&]role=/);
    await page.getByLabel("Search").fill("nobody-like-this");
    await expect(page.getByText("No one matches these filters.")).toBeVisible();
    await page.setViewportSize({ width: 768, height: 1024 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
  });

  test("invite by email: the person appears as Invited; inviting them again is a conflict", async ({ page }) => {
    await openUsers(page, "west.admin@northwind.test", "Portland Practice");
    await page.getByRole("button", { name: "Send Invite" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Email", { exact: true }).fill("new.hygienist@northwind.test");
    await dialog.getByLabel("Role").selectOption({ label: "Front Desk" });
    await expectAccessible(page);
    await screenshot(page, "users-invite");
    await dialog.getByRole("button", { name: "Send invite" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Invitation sent" })).toBeVisible();
    const row = page.getByTestId("user-row").filter({ hasText: "new.hygienist@northwind.test" });
    await expect(row).toContainText("Invited");
    await page.getByRole("button", { name: "Send Invite" }).click();
    await dialog.getByLabel("Email", { exact: true }).fill("new.hygienist@northwind.test");
    await dialog.getByLabel("Role").selectOption({ label: "Front Desk" });
    await dialog.getByRole("button", { name: "Send invite" }).click();
    await expect(dialog.getByRole("alert")).toContainText("already a member here");
  });

  test("a malformed email and a missing role get messages next to their fields", async ({ page }) => {
    await openUsers(page, "owner@northwind.test", "Seattle Practice");
    await page.getByRole("button", { name: "Add User" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Email", { exact: true }).fill("not-an-email");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await expect(dialog.getByText("Enter a valid email address, like name@clinic.com.")).toBeVisible();
    await expect(dialog.getByText("Enter the person's name.")).toBeVisible();
    await expect(dialog.getByText("Choose a role.", { exact: true })).toBeVisible();
  });

  test("a person gets different roles at different locations; the manager can't change roles", async ({ page }) => {
    const id = await openUsers(page, "owner@northwind.test", "West Region");
    await page.getByTestId("user-row").filter({ hasText: "Ivan Inventory" }).getByRole("link", { name: /Manage/ }).click();
    await expect(page.getByTestId("member-name")).toHaveText("Ivan Inventory");
    await page.getByLabel("Portland Pearl District", { exact: true }).selectOption({ label: "Front Desk" });
    await page.getByRole("button", { name: "Save 1 change" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Roles saved" })).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, "users-member");
    const list = await (await page.request.get(`/api/profiles/${id}/members?q=ivan`)).json();
    expect(list.rows[0].roles.map((r: { nodeName: string; roleName: string }) => `${r.nodeName} · ${r.roleName}`).sort()).toEqual([
      "Portland Pearl District · Front Desk",
      "Seattle Practice · Inventory Manager",
    ]);

    await signOut(page);
    await openUsers(page, "manager@northwind.test", "Seattle Practice");
    await page.getByTestId("user-row").filter({ hasText: "Dr. Daniel Lee" }).getByRole("link", { name: /Manage/ }).click();
    await expect(page.getByLabel("Seattle Practice", { exact: true })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Delete…" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Disable account|Suspend here/ })).toHaveCount(0);
  });

  test("disable ends access at once; re-enable restores it; delete needs the typed email", async ({ page, browser }) => {
    await openUsers(page, "owner@lakeside.test", "Lakeside Physio");
    // The therapist signs in elsewhere first.
    const other = await browser.newContext();
    const therapist = await other.newPage();
    // Lakeside requires SSO for its domain: the therapist signs in through Lakeside's IdP.
    await signInThroughIdp(therapist, "therapist@lakeside.test");
    await expect(therapist.getByTestId("signed-in-user")).toBeVisible();

    const row = page.getByTestId("user-row").filter({ hasText: "Tara Therapist" });
    await row.getByRole("button", { name: /Disable/ }).click();
    await expect(row).toContainText("Disabled");
    expect((await therapist.request.get("/api/me")).status()).toBe(401);
    await row.getByRole("button", { name: /Enable/ }).click();
    await expect(row).toContainText("Active");
    await other.close();

    await row.getByRole("link", { name: /Manage/ }).click();
    await page.getByRole("button", { name: "Delete…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/Type .* to confirm/).fill("wrong@lakeside.test");
    await dialog.getByRole("button", { name: "Delete permanently" }).click();
    await expect(dialog.getByText("Type therapist@lakeside.test to confirm.")).toBeVisible();
    await dialog.getByLabel(/Type .* to confirm/).fill("therapist@lakeside.test");
    await dialog.getByRole("button", { name: "Delete permanently" }).click();
    await expect(page).toHaveURL(/settings\/users$/);
    await expect(page.getByTestId("user-row").filter({ hasText: "Tara Therapist" })).toHaveCount(0);
  });

  test("the last owner can't be disabled or removed", async ({ page }) => {
    const id = await openUsers(page, "owner@lakeside.test", "Lakeside Physio");
    const list = await (await page.request.get(`/api/profiles/${id}/members?q=liam`)).json();
    const res = await page.request.delete(`/api/profiles/${id}/members/${list.rows[0].id}`);
    expect(res.status()).toBe(409);
  });
});
