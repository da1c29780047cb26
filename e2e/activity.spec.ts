import { expect, test } from "@playwright/test";
import { expectAccessible, resetDemoData, screenshot, signIn, signOut } from "./helpers";
import { placeId, signInAs } from "./settings-helpers";

/**
 * Issue 9: the activity log. The owner filters it and exports the filtered view; a burst of failed
 * sign-ins raises an alert that shows in the header and is acknowledged with a note.
 */
test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ baseURL }) => resetDemoData(baseURL));

test("the owner filters the activity log, opens an event and exports the view", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAs(page, "owner@northwind.test");
  const root = await placeId(page, "Northwind Dental Group");
  await page.goto(`/o/${root}/settings/activity`);
  await expect(page.getByRole("heading", { name: "Activity log" })).toBeVisible();
  // The owner's own sign-in is there, with the browser it came from.
  await page.getByLabel("Action type").selectOption("auth.sign_in");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=auth.sign_in/);
  const events = page.getByRole("list", { name: "Events" }).locator("li");
  await expect(events.first()).toContainText("auth.sign_in");
  await events.first().locator("summary").click();
  await expect(events.first()).toContainText("Browser");
  await expect(events.first()).toContainText("Mozilla");
  await expectAccessible(page);
  await screenshot(page, "activity-log");
  // A bad date range is refused with the field's message, not a crash.
  await page.goto(`/o/${root}/settings/activity?from=2026-05-02&to=2026-05-01`);
  await expect(page.getByRole("alert").filter({ hasText: "From must be on or before To." })).toBeVisible();
  // Export the filtered view as CSV: the file holds the filtered rows, and the export is itself in the log.
  await page.goto(`/o/${root}/settings/activity?action=auth.sign_in`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const csv = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"));
  expect(csv.split("\r\n")[0]).toContain("id,at,action,outcome");
  expect(csv).toContain("auth.sign_in");
  await page.goto(`/o/${root}/settings/activity?action=audit_log.export`);
  await expect(events.first()).toContainText("audit_log.export");
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Chain verified" })).toBeVisible();
  // Tablet width.
  await page.setViewportSize({ width: 820, height: 1000 });
  await page.goto(`/o/${root}/settings/activity`);
  await screenshot(page, "activity-log-tablet");
});

test("a burst of failed sign-ins raises an alert the owner acknowledges with a note", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAs(page, "owner@northwind.test");
  const root = await placeId(page, "Northwind Dental Group");
  await page.goto(`/o/${root}/settings/activity/alerts`);
  await page.getByLabel("Events").first().fill("3");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByText("Alert rules saved.")).toBeVisible();
  await signOut(page);
  for (let i = 0; i < 3; i++) {
    await signIn(page, "frontdesk@northwind.test", "not-the-password-1");
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toBeVisible();
  }
  await signInAs(page, "owner@northwind.test");
  const badge = page.getByTestId("alert-badge");
  await expect(badge).toHaveText("1 open alert");
  await badge.click();
  await expect(page.getByText("3 failed sign-ins within 10 minutes")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "activity-alerts");
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByText("Write what you checked or did.")).toBeVisible();
  await page.getByLabel("Note").fill("Front desk mistyped after a password change; confirmed by phone.");
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByText(/Acknowledged by Olivia Northwind/)).toBeVisible();
  await expect(page.getByTestId("alert-badge")).toHaveCount(0);
});
