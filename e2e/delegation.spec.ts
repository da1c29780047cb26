import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, readDevMailbox, resetDemoData, signOut } from "./helpers";
import { placeId, signInAs } from "./settings-helpers";

/**
 * Delegation (issue 11): the Seattle manager lends "read invoices" to Dr. Lee; Dr. Lee's Billing tab
 * and page appear; the manager ends it and they are gone. A delegation that runs out by its date
 * needs a clock the browser can't move: lib/access/delegations.integration.test.ts proves it.
 */
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

const shot = (page: Page, name: string) => page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toLocaleDateString("en-CA");
const billingTab = (page: Page) => page.getByRole("link", { name: "Billing", exact: true });

test("a manager delegates to a colleague, who uses it; ended, the page is gone", async ({ page, request }) => {
  // Before: Dr. Lee (Provider) has no Billing at Seattle Practice.
  await signInAs(page, "dr.lee@northwind.test");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${seattle}`);
  await expect(page.getByRole("link", { name: "Delegations", exact: true })).toBeVisible();
  await expect(billingTab(page)).toHaveCount(0);
  await signOut(page);

  await signInAs(page, "manager@northwind.test");
  await page.goto(`/o/${seattle}/settings/delegations`);
  await expect(page.getByRole("heading", { name: "Delegations", level: 1 })).toBeVisible();
  await expect(page.getByText("You haven't delegated anything here.")).toBeVisible();
  // Only what the manager holds is offered: no role management.
  await expect(page.getByTestId("perm-members.manage_roles")).toHaveCount(0);
  await page.getByTestId("delegate-submit").click();
  await expect(page.getByText("Choose the last day of the delegation.")).toBeVisible();
  await page.getByTestId("delegate-until").fill(day(3));
  await page.getByTestId("delegate-reason").fill("At the dental congress until Friday");
  await page.getByTestId("delegate-submit").click();
  // Field messages from the server: no colleague, nothing chosen.
  await expect(page.getByText("Choose a colleague.")).toBeVisible();
  const lee = await page.getByTestId("delegate-to").locator("option", { hasText: "dr.lee@northwind.test" }).getAttribute("value");
  await page.getByTestId("delegate-to").selectOption(lee!);
  await page.getByTestId("perm-invoices.read").check();
  await page.getByTestId("perm-charges.read").check();
  await page.getByTestId("delegate-submit").click();
  await expect(page.getByText("Delegated. Your colleague has been emailed.")).toBeVisible();
  await expect(page.getByTestId("delegations-given")).toContainText("invoices.read");
  await expect(page.getByTestId("delegations-given")).toContainText("Active");
  await expectAccessible(page);
  await shot(page, "delegation-given");
  await expect
    .poll(async () => {
      const { messages } = (await (await readDevMailbox(request, "dr.lee@northwind.test")).json()) as { messages: { subject: string }[] };
      return messages.some((m) => m.subject.includes("delegated access to you at Seattle Practice"));
    }, { timeout: 15_000 })
    .toBe(true);
  await signOut(page);

  // The colleague uses it: the Billing tab and page appear (invoices at Seattle only).
  await signInAs(page, "dr.lee@northwind.test");
  await page.goto(`/o/${seattle}`);
  await expect(billingTab(page)).toBeVisible();
  await billingTab(page).click();
  await expect(page).toHaveURL(new RegExp(`/o/${seattle}/billing`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(/Billing/);
  await shot(page, "delegation-used");
  await page.goto(`/o/${seattle}/settings/delegations`);
  await expect(page.getByTestId("delegations-received")).toContainText("Maya Manager");
  await expectAccessible(page);
  await shot(page, "delegation-received");
  await signOut(page);

  // The manager ends it: on Dr. Lee's next request the page is gone.
  await signInAs(page, "manager@northwind.test");
  await page.goto(`/o/${seattle}/settings/delegations`);
  await page.getByTestId("delegations-given").getByTestId("delegation-end").click();
  await expect(page.getByTestId("delegations-given")).toContainText("Ended early");
  await signOut(page);
  await signInAs(page, "dr.lee@northwind.test");
  await page.goto(`/o/${seattle}`);
  await expect(billingTab(page)).toHaveCount(0);
  await page.goto(`/o/${seattle}/billing`);
  await expect(page).not.toHaveURL(new RegExp(`/o/${seattle}/billing`));
});
