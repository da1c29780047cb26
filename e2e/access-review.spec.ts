import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, resetDemoData, signOut } from "./helpers";
import { placeId, signInAs } from "./settings-helpers";

/**
 * Issue 9: an owner opens a patient's access history from the patient page; an access review is
 * completed with one revocation that takes effect (the revoked person gets 404 at that place).
 */
test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ baseURL }) => resetDemoData(baseURL));

const shot = (page: Page, name: string) => page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });

test("the owner opens a patient's access history from the patient page", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAs(page, "owner@northwind.test");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${seattle}/patients`);
  await page.getByRole("link", { name: "Lovelace, Ada" }).click();
  await page.getByRole("link", { name: "Access history" }).click();
  await expect(page.getByRole("heading", { name: "Access history: Ada Lovelace" })).toBeVisible();
  // The owner's own opening of the chart a moment ago is listed, with who.
  await expect(page.getByText("Nobody has opened this chart yet.")).toHaveCount(0);
  await expect(page.getByRole("table").getByRole("row").filter({ hasText: "patient.read" }).first()).toContainText("Olivia Northwind");
  await expectAccessible(page);
  await shot(page, "patient-access-history");
});

test("an owner sets the audit retention: a bad value is refused with its message, a good one is kept", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAs(page, "owner@northwind.test");
  const root = await placeId(page, "Northwind Dental Group");
  await page.goto(`/o/${root}/settings/activity/alerts`);
  const years = page.getByLabel("Keep events for (years)");
  await expect(years).toHaveValue("6");
  await years.fill("0");
  await page.getByRole("button", { name: "Save retention" }).click();
  await expect(page.getByText("Keep events for at least a year.")).toBeVisible();
  await years.fill("7");
  await page.getByRole("button", { name: "Save retention" }).click();
  await expect(page.getByText("Events are now kept for 7 years.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Keep events for (years)")).toHaveValue("7");
  await expect(page.getByText("Nothing has been archived yet.")).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("heading", { name: "Retention" }).scrollIntoViewIfNeeded();
  await shot(page, "activity-retention");
});

test("an access review is completed with one revocation that takes effect at once", async ({ page }) => {
  page.on("dialog", (d) => void d.accept());
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAs(page, "owner@northwind.test");
  const root = await placeId(page, "Northwind Dental Group");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${root}/settings/access-reviews`);
  await expect(page.getByRole("heading", { name: "Access reviews", exact: true })).toBeVisible();
  await expect(page.getByText("No access reviews yet")).toBeVisible();
  // Bad input is refused with the field's message.
  await page.getByLabel("Days to complete").fill("0");
  await page.getByRole("button", { name: "Schedule review" }).click();
  await expect(page.getByText("Give reviewers at least a day.")).toBeVisible();
  await page.getByLabel("Days to complete").fill("14");
  await page.getByRole("button", { name: "Schedule review" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Review started" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Every quarter" })).toBeVisible();
  await expectAccessible(page);
  await shot(page, "access-reviews");
  await signOut(page);

  // The West Region admin reviews their places: they see Seattle and Portland, not Boston, and revoke Maya at Seattle.
  await signInAs(page, "west.admin@northwind.test");
  const west = await placeId(page, "West Region");
  await page.goto(`/o/${west}/settings/access-reviews`);
  await page.getByRole("table").getByRole("link", { name: "Northwind Dental Group" }).click();
  await expect(page.getByRole("heading", { name: "Access review: Northwind Dental Group" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Seattle Practice" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "Boston Practice" })).toHaveCount(0);
  await expect(page.getByTestId("line-west.admin@northwind.test-West Region")).toContainText("Waiting");
  await expect(page.getByTestId("line-dr.lee@northwind.test-Seattle Practice")).toContainText("Inactive 30+ days");
  await expectAccessible(page);
  await shot(page, "access-review-reviewer");
  const maya = page.getByTestId("line-manager@northwind.test-Seattle Practice");
  await maya.getByRole("button", { name: "Revoke Maya Manager" }).click();
  await expect(maya).toContainText("Revoked by Wes Admin");
  await signOut(page);

  // Maya's next request at Seattle is refused; her Front Desk role at Portland still works.
  await signInAs(page, "manager@northwind.test");
  expect((await page.goto(`/o/${seattle}/patients`))?.status()).toBe(404);
  const portland = await placeId(page, "Portland Practice");
  expect((await page.goto(`/o/${portland}/patients`))?.status()).toBe(200);
  await signOut(page);

  // The owner certifies every other line; the last decision completes the review and shows the report.
  await signInAs(page, "owner@northwind.test");
  await page.goto(`/o/${root}/settings/access-reviews`);
  await page.getByRole("table").getByRole("link", { name: "Northwind Dental Group" }).click();
  const certify = page.getByRole("button", { name: /^Certify / });
  // count() does not wait: let the lines render first.
  await expect(certify.first()).toBeVisible();
  for (let left = await certify.count(); left > 0; left--) {
    await certify.first().click();
    await expect(certify).toHaveCount(left - 1);
  }
  await expect(page.getByRole("heading", { name: "Access review report: Northwind Dental Group" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Outcome" })).toContainText("1 revoked");
  await expectAccessible(page);
  await shot(page, "access-review-report");
  // The outcome is in the activity log.
  await page.goto(`/o/${root}/settings/activity?action=access_review.completed`);
  await expect(page.getByRole("list", { name: "Events" }).locator("li").first()).toContainText("access_review.completed");
});
