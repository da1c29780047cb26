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
  // The page guard sends a person without the right back to the overview: staying here is the proof.
  await expect(page).toHaveURL(new RegExp(`/o/${seattle}/billing$`));
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

test("a grant's time window in the role editor, and in \"Why can't they see it?\" in the place's time zone", async ({ page }) => {
  await signInAs(page, "owner@northwind.test");
  const enterprise = await placeId(page, "Northwind Dental Group");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${enterprise}/settings/roles/new`);
  await page.getByLabel("Name", { exact: true }).fill("Off-day Desk");
  await page.getByLabel("Starts from (inherits from)").selectOption({ label: "Front Desk" });
  await page.getByTestId("limits-appointments.read").click();
  await page.getByTestId("condition-window").check();
  // Every day but today (in Seattle): so "now" is always outside the window.
  const today = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(new Date().toLocaleDateString("en-US", { weekday: "short", timeZone: "America/Los_Angeles" }));
  for (let d = 0; d < 7; d++) {
    if (d === today) await page.getByTestId(`condition-day-${d}`).uncheck();
    else await page.getByTestId(`condition-day-${d}`).check();
  }
  await page.getByTestId("condition-start").fill("08:00");
  await page.getByTestId("condition-end").fill("18:00");
  await expect(page.getByTestId("perm-appointments.read")).toContainText("08:00–18:00 local time");
  await expectAccessible(page);
  await shot(page, "role-conditions-editor");
  await page.getByTestId("save-role").click();
  await expect(page).toHaveURL(new RegExp(`/o/${enterprise}/settings/roles/[^/]+$`));
  await expect(page.getByText(/08:00–18:00 local time/).first()).toBeVisible();

  // Dr. Patel gets it at Seattle Practice, then the owner asks why they can't see appointments there now.
  await page.goto(`/o/${seattle}/settings/users`);
  await page.getByRole("link", { name: /Dr\. Priya Patel/ }).first().click();
  // Consultant is offered here like any role (issue 11); the custom role is marked as such.
  await expect(page.getByRole("combobox", { name: "Seattle Practice", exact: true }).locator("option", { hasText: "Consultant" })).toHaveCount(1);
  await page.getByRole("combobox", { name: "Seattle Practice", exact: true }).selectOption({ label: "Off-day Desk (custom)" });
  await page.getByRole("button", { name: /Save 1 change/ }).click();
  await expect(page.getByText("Roles saved (1 change).")).toBeVisible();
  await page.goto(`/o/${seattle}/settings/access-check`);
  await page.getByLabel("Person").selectOption({ label: "Dr. Priya Patel (dr.patel@northwind.test)" });
  await page.getByText("Something at a location").click();
  await page.getByLabel("Action").selectOption({ label: "Appointments & schedules: read" });
  await page.getByRole("button", { name: "Explain" }).click();
  await expect(page.getByTestId("access-answer")).toContainText("Not allowed");
  await expect(page.getByTestId("access-reason")).toContainText("08:00–18:00 America/Los_Angeles; now");
  await expectAccessible(page);
  await shot(page, "why-time-window");
});

test("an owner gives platform support read-only access, sees it listed and ends it; support is then locked out", async ({ page }) => {
  await signInAs(page, "owner@northwind.test");
  const enterprise = await placeId(page, "Northwind Dental Group");
  await page.goto(`/o/${enterprise}/settings/support`);
  await expect(page.getByRole("heading", { name: "Support access", level: 1 })).toBeVisible();
  await page.getByTestId("support-submit").click();
  await expect(page.getByText("Choose a support person.")).toBeVisible();
  const psm = await page.getByTestId("support-staff").locator("option", { hasText: "psm@careaccess.test" }).getAttribute("value");
  await page.getByTestId("support-staff").selectOption(psm!);
  await page.getByTestId("support-hours").selectOption({ label: "8 hours" });
  await page.getByTestId("support-reason").fill("Ticket 4711: billing setup");
  await page.getByTestId("support-submit").click();
  await expect(page.getByText("Support access given.")).toBeVisible();
  const row = page.getByTestId("support-psm@careaccess.test");
  await expect(row).toContainText("Read-only");
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Ticket 4711");
  await expectAccessible(page);
  await shot(page, "support-access");
  await row.getByTestId("support-end").click();
  await expect(row).toContainText("Ended");
  await signOut(page);

  await signInAs(page, "psm@careaccess.test");
  const response = await page.goto(`/o/${enterprise}`);
  expect(response?.status()).toBe(404);
});
