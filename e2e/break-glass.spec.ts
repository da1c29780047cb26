import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, readDevMailbox, resetDemoData, signOut } from "./helpers";
import { placeId, signInAs } from "./settings-helpers";

/**
 * Break-glass emergency access (issue 11): a provider declares an emergency for a patient they
 * can't see, opens the chart at once with the banner (time left) on every page, the Owner gets
 * the alert email in the development mailbox, and reviews it on Settings > Emergency access.
 * The window's end ("refused one second after") needs a clock the browser can't move:
 * lib/access/emergency.integration.test.ts proves it with a controllable clock on both databases.
 */
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

const shot = (page: Page, name: string) => page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });

test("a provider opens a colleague's patient in an emergency; the Owner is alerted and reviews it", async ({ page, request }) => {
  // The patient's record ID, as a referral would give it: Katherine Johnson is Dr Patel's patient.
  await signInAs(page, "owner@northwind.test");
  const root = await placeId(page, "Northwind Dental Group");
  const seattleAsOwner = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${seattleAsOwner}/patients?q=Johnson`);
  await page.getByRole("link", { name: "Johnson, Katherine" }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
  const patientId = page.url().split("/").pop()!;
  await signOut(page);

  await signInAs(page, "dr.lee@northwind.test");
  const seattle = await placeId(page, "Seattle Practice");
  // Not hers: the chart is not found.
  const closed = await page.goto(`/o/${seattle}/patients/${patientId}`);
  expect(closed?.status()).toBe(404);
  await page.goto(`/o/${seattle}/settings/emergency`);
  await expect(page.getByRole("heading", { name: "Emergency access", level: 1 })).toBeVisible();
  await page.getByTestId("emergency-patient").fill(patientId);
  await page.getByTestId("emergency-reason").fill("help");
  await page.getByTestId("emergency-declare").click();
  await expect(page.getByText("Say what the emergency is (at least 10 characters).")).toBeVisible();
  await page.getByTestId("emergency-reason").fill("Patient collapsed in the waiting room; Dr Patel is in surgery.");
  await expectAccessible(page);
  await shot(page, "break-glass-declare");
  await page.getByTestId("emergency-declare").click();

  // The chart opens at once, with the banner and the time left.
  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}$`));
  await expect(page.getByRole("heading", { name: "Katherine Johnson" })).toBeVisible();
  const banner = page.getByTestId("emergency-banner");
  await expect(banner).toContainText("Emergency access in force:");
  await expect(banner).toContainText("Katherine Johnson at Seattle Downtown");
  await expect(banner.getByTestId("emergency-time-left")).toContainText(/(59|60) min left/);
  await expectAccessible(page);
  await shot(page, "break-glass-banner");
  // On every page while it lasts.
  await page.goto("/");
  await expect(page.getByTestId("emergency-banner")).toContainText("Katherine Johnson");
  await signOut(page);

  // The Owner: the alert email in the mailbox, the alert in the inbox, the review.
  await expect
    .poll(async () => {
      const { messages } = (await (await readDevMailbox(request, "owner@northwind.test")).json()) as { messages: { subject: string }[] };
      return messages.find((m) => m.subject.includes("used emergency access"))?.subject ?? "";
    }, { timeout: 15_000 })
    .toContain("used emergency access to patient Katherine Johnson at Seattle Downtown");
  await signInAs(page, "owner@northwind.test");
  await expect(page.getByTestId("alert-badge")).toBeVisible();
  await page.goto(`/o/${root}/settings/emergency`);
  const item = page.getByTestId("review-dr.lee@northwind.test");
  await expect(item).toContainText("Katherine Johnson at Seattle Downtown");
  await expect(item).toContainText("in force now");
  await item.getByTestId("review-justified").click();
  await expect(item.getByText("Write what you checked (at least 5 characters).")).toBeVisible();
  await expect(item.getByTestId("review-note")).toHaveAttribute("aria-invalid", "true");
  await item.getByTestId("review-note").fill("Confirmed with the front desk and the ER transfer note.");
  // The error was about the empty note: it goes once the note is edited.
  await expect(item.getByText("Write what you checked (at least 5 characters).")).toHaveCount(0);
  await expect(item.getByText("Some fields need attention.")).toHaveCount(0);
  await expect(item.getByTestId("review-note")).not.toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);
  await shot(page, "break-glass-review");
  await item.getByTestId("review-justified").click();
  await expect(page.getByText(/emergency access recorded as justified; the access has ended\./)).toBeVisible();
  await expect(page.getByTestId("review-dr.lee@northwind.test")).toHaveCount(0);
  await expect(page.getByTestId("emergency-reviewed")).toContainText("Justified");
  await shot(page, "break-glass-reviewed");
  await signOut(page);

  // Reviewing it while it ran ended it: the banner is gone and the chart is closed again.
  await signInAs(page, "dr.lee@northwind.test");
  await expect(page.getByTestId("emergency-banner")).toHaveCount(0);
  const after = await page.goto(`/o/${seattle}/patients/${patientId}`);
  expect(after?.status()).toBe(404);
});

test("an owner marks a contractor: every role of theirs in the organisation ends on the contract's last day", async ({ page }) => {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toLocaleDateString("en-CA");
  await signInAs(page, "owner@northwind.test");
  const root = await placeId(page, "Northwind Dental Group");
  await page.goto(`/o/${root}/settings/users?q=inventory`);
  await page.getByRole("link", { name: /Ivan Inventory/ }).first().click();
  const box = page.getByTestId("contractor");
  await expect(box).toContainText("Mark a contractor");
  await box.getByTestId("contractor-until").fill(day(-1));
  await box.getByTestId("contractor-save").click();
  await expect(box.getByText("The end date has already passed.")).toBeVisible();
  await box.getByTestId("contractor-until").fill(day(30));
  await box.getByTestId("contractor-save").click();
  await expect(box.getByText(/Saved: every role of .* here ends after/)).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("contractor")).toContainText(`is a contractor: all their roles in this organisation end after ${day(30)}`);
  await expectAccessible(page);
  await shot(page, "contractor");
});
