import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, resetDemoData, screenshot, signInAs } from "./helpers";

/**
 * Billing (issue 10) as the demo accounts see it: Billing (whole enterprise) processes a refund the
 * Manager approved and exports the report; the Manager (Seattle) approves under $200 only, sees why
 * not for the rest (amount limit, separation of duties), has no export, and gets 404 for another
 * practice; the Owner approves above the limit but can't process what they approved.
 */
async function placeId(page: Page, name: string): Promise<string> {
  const places: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
  const found = places.find((p) => p.name === name);
  expect(found, name).toBeTruthy();
  return found!.id;
}
const refund = (page: Page, amount: string) => page.getByTestId("refund-row").filter({ hasText: amount });

test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));
test.describe.configure({ mode: "serial" });

let boston = "";

test("Billing: the enterprise's invoices and report, exports CSV, processes the Manager's approved refund but can't approve", async ({ page }) => {
  await signInAs(page, "billing@northwind.test");
  const northwind = await placeId(page, "Northwind Dental Group");
  boston = await placeId(page, "Boston Practice");
  await page.goto(`/o/${northwind}`);
  await page.getByRole("link", { name: "Billing", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${northwind}/billing$`));
  await expect(page.getByTestId("invoice-row").first()).toBeVisible();
  await expect(page.getByTestId("billing-report")).toContainText("Boston Back Bay");

  // Billing can't approve: the policy's reason is shown instead of a button.
  await expect(refund(page, "$250.00").getByTestId("refund-approve")).toHaveCount(0);
  await expect(refund(page, "$250.00").getByTestId("refund-reason")).toBeVisible();

  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-billing-report").click()]);
  const csv = readFileSync((await file.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toBe("Location,Charges,Charged,Invoices,Collected,Refunded,Net");

  await expectAccessible(page);
  await screenshot(page, "billing-billing");
  await refund(page, "$60.00").getByTestId("refund-process").click();
  await expect(refund(page, "$60.00")).toContainText("processed");
  await page.setViewportSize({ width: 820, height: 1100 });
  await screenshot(page, "billing-billing-820");
});

test("Manager: Seattle's billing, approves under $200, sees the limit and separation of duties, no export; other practices 404", async ({ page }) => {
  await signInAs(page, "manager@northwind.test");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${seattle}`);
  await page.getByRole("link", { name: "Billing", exact: true }).click();
  await expect(page.getByTestId("invoice-row").first()).toBeVisible();
  await expect(page.getByTestId("billing-report")).toHaveCount(0);
  await expect(page.getByTestId("export-billing-report")).toHaveCount(0);
  await expect(page.getByText("Boston Back Bay")).toHaveCount(0);

  await expect(refund(page, "$250.00").getByTestId("refund-approve")).toHaveCount(0);
  await expect(refund(page, "$250.00").getByTestId("refund-reason")).toContainText("200");
  await expect(refund(page, "$50.00").getByTestId("refund-reason")).toHaveText("Separation of duties: the person who requested a refund can't approve it.");
  await expectAccessible(page);
  await screenshot(page, "billing-manager");
  await refund(page, "$80.00").getByTestId("refund-approve").click();
  await expect(refund(page, "$80.00")).toContainText("approved by Maya Manager");

  // Another practice's billing, by URL: not found. Portland (Front Desk there): no Billing tab, refused.
  expect((await page.goto(`/o/${boston}/billing`))?.status()).toBe(404);
  const portland = await placeId(page, "Portland Practice");
  await page.goto(`/o/${portland}`);
  await expect(page.getByRole("link", { name: "Billing", exact: true })).toHaveCount(0);
  await page.goto(`/o/${portland}/billing`);
  await expect(page).toHaveURL(/denied=invoices\.read/);
});

test("Owner: approves above the limit, then can't process it (separation of duties, with the reason)", async ({ page }) => {
  await signInAs(page, "owner@northwind.test");
  const northwind = await placeId(page, "Northwind Dental Group");
  await page.goto(`/o/${northwind}/billing`);
  await refund(page, "$250.00").getByTestId("refund-approve").click();
  await expect(refund(page, "$250.00")).toContainText("approved by Olivia Northwind");
  await expect(refund(page, "$250.00").getByTestId("refund-process")).toHaveCount(0);
  await expect(refund(page, "$250.00").getByTestId("refund-reason")).toHaveText("Separation of duties: the person who approved a refund can't also process it.");
  await expect(page.getByTestId("export-billing-report")).toBeVisible();
  await screenshot(page, "billing-owner");
});

test("AI Assistant Handler: only their tasks' calls, transcripts shown, no patient names; no billing or inventory tabs", async ({ page }) => {
  await signInAs(page, "ai.handler@northwind.test");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${seattle}`);
  await expect(page.getByRole("link", { name: "Billing", exact: true })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Inventory", exact: true })).toHaveCount(0);
  await page.getByRole("link", { name: "Calls", exact: true }).click();
  await expect(page.getByTestId("call-row")).toHaveCount(6);
  await expect(page.getByTestId("call-transcript")).toHaveCount(6);
  const html = await page.content();
  for (const lastName of ["Lovelace", "Hopper", "Hamilton", "Johnson", "Liskov"]) expect(html).not.toContain(lastName);
  await expectAccessible(page);
  await screenshot(page, "calls-handler");
  await page.goto(`/o/${seattle}/billing`);
  await expect(page).toHaveURL(/denied=invoices\.read/);
});
