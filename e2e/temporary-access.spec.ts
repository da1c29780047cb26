import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, readDevMailbox, resetDemoData, signOut } from "./helpers";
import { placeId, signInAs } from "./settings-helpers";

/**
 * Temporary access (issue 11): role dates on the Users screen; request → approve (email to the
 * approver, the requester's role in force) on Settings > Access requests.
 * The end of a grant ("refused one second after its end") needs a clock the browser can't move:
 * lib/access/*.integration.test.ts prove it with a controllable clock on both databases.
 */
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

const shot = (page: Page, name: string) => page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
const day = (offset: number) => {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toLocaleDateString("en-CA");
};

test("an owner gives a role with a start and an end date on the Users screen", async ({ page }) => {
  await signInAs(page, "owner@northwind.test");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${seattle}/settings/users`);
  await page.getByRole("link", { name: /Dr\. Priya Patel/ }).first().click();
  await expect(page.getByRole("heading", { name: "Roles by location" })).toBeVisible();
  // Broken dates are caught before saving.
  await page.getByLabel("Access until at Seattle Practice").fill(day(-2));
  await expect(page.getByText("The end date has already passed.")).toBeVisible();
  await page.getByLabel("Access from at Seattle Practice").fill(day(1));
  await page.getByLabel("Access until at Seattle Practice").fill(day(30));
  await page.getByRole("button", { name: /Save 1 change/ }).click();
  await expect(page.getByText("Roles saved (1 change).")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Access until at Seattle Practice")).toHaveValue(day(30));
  await expect(page.getByLabel("Access from at Seattle Practice")).toHaveValue(day(1));
  await expectAccessible(page);
  await shot(page, "temporary-role-dates");
});

test("request → approve → use: a front desk colleague covers Seattle Downtown for a week", async ({ page, request }) => {
  // The request, from a place the person can see (Boston), for one they can't (Seattle Downtown).
  await signInAs(page, "frontdesk@northwind.test");
  const boston = await placeId(page, "Boston Practice");
  await page.goto(`/o/${boston}/settings/access-requests`);
  await expect(page.getByRole("heading", { name: "Access requests", level: 1 })).toBeVisible();
  await page.getByTestId("request-submit").click();
  await expect(page.getByText("Choose the last day you need it.")).toBeVisible();
  const downtownOption = await page.getByTestId("request-place").locator("option", { hasText: "Seattle Downtown" }).getAttribute("value");
  await page.getByTestId("request-place").selectOption(downtownOption!);
  await page.getByTestId("request-role").selectOption({ label: "Front Desk" });
  await page.getByTestId("request-until").fill(day(6));
  await page.getByTestId("request-reason").fill("pls");
  await page.getByTestId("request-submit").click();
  await expect(page.getByText("Say why you need it (at least 10 characters).")).toBeVisible();
  await page.getByTestId("request-reason").fill("Covering the Seattle front desk while Sam is on leave.");
  await page.getByTestId("request-submit").click();
  await expect(page.getByText("Request sent.")).toBeVisible();
  await expect(page.getByTestId("my-requests")).toContainText("Front Desk at Seattle Downtown");
  await expect(page.getByTestId("my-requests")).toContainText("Waiting");
  await expectAccessible(page);
  await shot(page, "access-request-sent");
  await signOut(page);

  // The place's Manager is emailed, and answers.
  await expect
    .poll(async () => {
      const { messages } = (await (await readDevMailbox(request, "manager@northwind.test")).json()) as { messages: { subject: string }[] };
      return messages.some((m) => m.subject.includes("asks to be Front Desk at Seattle Downtown"));
    }, { timeout: 15_000 })
    .toBe(true);
  await signInAs(page, "manager@northwind.test");
  const seattle = await placeId(page, "Seattle Practice");
  await page.goto(`/o/${seattle}/settings/access-requests`);
  const item = page.getByTestId("answer-frontdesk@northwind.test");
  await expect(item).toContainText("Covering the Seattle front desk");
  await expectAccessible(page);
  await shot(page, "access-request-to-answer");
  await item.getByTestId("answer-note").fill("Welcome for the week.");
  await item.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByText("Waiting for your answer")).toHaveCount(0);
  await signOut(page);

  // The requester is told, and can now enter Seattle Downtown.
  await expect
    .poll(async () => {
      const { messages } = (await (await readDevMailbox(request, "frontdesk@northwind.test")).json()) as { messages: { subject: string }[] };
      return messages.some((m) => m.subject === "Access request approved: Front Desk at Seattle Downtown");
    }, { timeout: 15_000 })
    .toBe(true);
  await signInAs(page, "frontdesk@northwind.test");
  const downtown = await placeId(page, "Seattle Downtown");
  await page.goto(`/o/${downtown}`);
  await expect(page.getByRole("heading", { name: "Seattle Downtown" }).first()).toBeVisible();
  await page.goto(`/o/${boston}/settings/access-requests`);
  await expect(page.getByTestId("my-requests")).toContainText("Approved");
  await expect(page.getByTestId("my-requests")).toContainText("Welcome for the week.");
  await page.setViewportSize({ width: 820, height: 1000 });
  await shot(page, "access-request-approved-tablet");
});
