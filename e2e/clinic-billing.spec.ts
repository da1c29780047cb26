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

test("Billing records a charge, invoices it, takes a payment and asks for a refund, through the forms; a wrong amount gets its field message", async ({ page }) => {
  await signInAs(page, "billing@northwind.test");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${seattle}/billing`);
  const charge = page.getByRole("form", { name: "New charge" });
  await charge.getByLabel("Location").selectOption({ label: "Seattle Downtown" });
  await charge.getByLabel("Patient").selectOption({ index: 1 });
  const patient = (await charge.getByLabel("Patient").locator("option:checked").textContent())!;
  await charge.getByLabel("Description").fill("Night guard");
  await charge.getByLabel("Amount ($)").fill("lots");
  await charge.getByRole("button", { name: "Add charge" }).click();
  await expect(charge.getByText("Give the amount in dollars, like 45.00.")).toBeVisible();
  await charge.getByLabel("Amount ($)").fill("310.00");
  await charge.getByRole("button", { name: "Add charge" }).click();
  await expect(charge.getByRole("status")).toHaveText("Charge added.");

  const invoice = page.getByRole("form", { name: "Invoice open charges" });
  await invoice.getByLabel("Location").selectOption({ label: "Seattle Downtown" });
  await invoice.getByLabel("Patient").selectOption({ label: patient });
  await invoice.getByRole("button", { name: "Create invoice" }).click();
  await expect(invoice.getByRole("status")).toContainText(/Invoice INV-\w+ created\./);
  const number = (await invoice.getByRole("status").textContent())!.match(/INV-\w+/)![0];
  await expect(page.getByTestId("invoice-row").filter({ hasText: number })).toContainText("open");

  const payment = page.getByRole("form", { name: "Record a payment" });
  const option = payment.getByLabel("Invoice").locator("option", { hasText: number });
  await payment.getByLabel("Invoice").selectOption((await option.getAttribute("value"))!);
  // The invoice holds the new charge and any charge of the patient not invoiced yet: pay what is due.
  const due = (await option.textContent())!.match(/\$([\d,.]+) due/)![1].replace(/,/g, "");
  expect(Number(due)).toBeGreaterThanOrEqual(310);
  await payment.getByLabel("Amount ($)").fill("9999.00");
  await payment.getByRole("button", { name: "Record payment" }).click();
  await expect(payment.getByText(`At most $${Number(due).toLocaleString("en-US", { minimumFractionDigits: 2 })}.`)).toBeVisible();
  await payment.getByLabel("Amount ($)").fill(due);
  await payment.getByRole("button", { name: "Record payment" }).click();
  await expect(payment.getByRole("status")).toHaveText("Payment recorded.");
  await expect(page.getByTestId("invoice-row").filter({ hasText: number })).toContainText("paid");

  const refundForm = page.getByRole("form", { name: "Request a refund" });
  await refundForm.getByLabel("Payment").selectOption((await refundForm.getByLabel("Payment").locator("option", { hasText: number }).getAttribute("value"))!);
  await refundForm.getByLabel("Amount ($)").fill("210.00");
  await refundForm.getByLabel("Reason").fill("Night guard returned");
  await refundForm.getByRole("button", { name: "Request refund" }).click();
  await expect(refundForm.getByRole("status")).toContainText("Refund requested");
  // Above the Manager's limit and requested by Billing, who can't approve: the policy's reason shows.
  await expect(refund(page, "$210.00").getByTestId("refund-reason")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "billing-forms");
});

let northwindId = "";

test("Owner: billing settings: a declined card, then a test card through the processor (brand and last 4 only), and a profile change that asks for the password again", async ({ page }) => {
  test.setTimeout(180_000);
  await signInAs(page, "owner@northwind.test");
  const signedInAt = Date.now();
  const northwind = await placeId(page, "Northwind Dental Group");
  northwindId = northwind;
  // A one-minute re-authentication window, so the profile change below asks again.
  const current = await (await page.request.get(`/api/settings/security?tenantId=${northwind}`)).json();
  const saved = await page.request.put("/api/settings/security", { data: { tenantId: northwind, settings: { ...current.settings, sessions: { ...current.settings.sessions, reauthMinutes: 1 } } } });
  expect(saved.status()).toBe(200);

  await page.goto(`/o/${northwind}`);
  await page.getByRole("link", { name: "Billing settings", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${northwind}/settings/billing$`));
  await expect(page.getByTestId("seats")).toContainText(/\d+ active members × \$39\.00/);
  await expect(page.getByTestId("product-invoice")).toHaveCount(3);
  await expect(page.getByTestId("no-card")).toBeVisible();

  // The card goes to the processor, not to us: watch every request the page makes.
  const toUs: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).port === new URL(page.url()).port) toUs.push(r.postData() ?? "");
  });
  const card = page.getByRole("form", { name: "Payment method" });
  await card.getByLabel("Card number").fill("4000 0000 0000 0002");
  await card.getByLabel("Expiry month").fill("12");
  await card.getByLabel("Expiry year").fill("2031");
  await card.getByLabel("Security code").fill("123");
  await card.getByRole("button", { name: "Save card" }).click();
  await expect(card.getByRole("alert")).toHaveText("Your card was declined.");
  await card.getByLabel("Card number").fill("4242 4242 4242 4241");
  await card.getByRole("button", { name: "Save card" }).click();
  await expect(card.getByText("That card number isn't valid: check the digits.")).toBeVisible();
  await card.getByLabel("Card number").fill("4242 4242 4242 4242");
  await card.getByLabel("Security code").fill("123");
  await card.getByRole("button", { name: "Save card" }).click();
  await expect(page.getByTestId("card-on-file")).toContainText("Visa ending in 4242");
  for (const body of toUs) expect(body.replace(/\s/g, "")).not.toContain("4242424242424242");
  expect((await page.content()).replace(/\s/g, "")).not.toContain("4242424242424242");
  await expectAccessible(page);
  await screenshot(page, "billing-settings-card");

  // Past the one-minute window: saving the profile asks for the password first.
  await page.waitForTimeout(Math.max(0, signedInAt + 62_000 - Date.now()));
  await page.getByLabel("Legal name").fill("Northwind Dental Group, PLLC");
  await page.getByRole("button", { name: "Save billing profile" }).click();
  await expect(page.getByText("For your security, confirm your password to continue.")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "billing-settings-reauth");
  await page.getByLabel("Your password").fill("CareAccess!demo1");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Billing profile saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Legal name")).toHaveValue("Northwind Dental Group, PLLC");
  await page.screenshot({ path: "docs/screenshots/billing-settings.png", fullPage: true });
});

test("Manager: no Billing settings tab, and its URLs are 404 at the enterprise and at her practice", async ({ page }) => {
  await signInAs(page, "manager@northwind.test");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${seattle}`);
  await expect(page.getByRole("link", { name: "Billing", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Billing settings" })).toHaveCount(0);
  expect((await page.goto(`/o/${seattle}/settings/billing`))?.status()).toBe(404);
  expect((await page.goto(`/o/${northwindId}/settings/billing`))?.status()).toBe(404);
  await page.screenshot({ path: "docs/screenshots/billing-settings-manager-404.png", fullPage: true });
});
