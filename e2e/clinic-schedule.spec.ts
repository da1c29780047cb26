import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, resetDemoData, signInAs, signOut } from "./helpers";

/**
 * Scheduling and provider performance (issue 10), walked with the demo accounts: Front Desk books
 * into a free slot, sees a slot taken meanwhile refused with the reason, and checks the patient in;
 * a Provider sees only their own calendar and edits their own hours; a Manager sees their
 * practice's performance, a Provider only their own row; Billing, Inventory and the AI Assistant
 * Handler have no Schedule or Performance tab and their direct URLs are 404.
 */
let nodes: Record<string, string>;

const shot = (page: Page, name: string) => page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
const nav = (page: Page) => page.getByRole("navigation", { name: "Sections" });

/** A Monday three weeks ahead: after the seeded month of appointments, so its times are free. */
function mondayAhead(): string {
  const d = new Date(Date.now() + 21 * 86_400_000);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

test.beforeAll(async ({ browser }, testInfo) => {
  await resetDemoData(testInfo.project.use.baseURL);
  const page = await browser.newPage();
  await signInAs(page, "owner@northwind.test");
  const places: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
  nodes = Object.fromEntries(places.map((p) => [p.name, p.id]));
  await page.close();
});

test.describe("clinic schedule, per role", () => {
  test("Front Desk books into a free slot, a slot taken meanwhile is refused with the reason, and checks the patient in", async ({ page }) => {
    await signInAs(page, "frontdesk@northwind.test");
    const boston = nodes["Boston Practice"];
    await page.goto(`/o/${boston}`);
    await expect(nav(page).getByRole("link", { name: "Schedule" })).toBeVisible();
    await expect(nav(page).getByRole("link", { name: "Performance" })).toHaveCount(0);
    await expect(nav(page).getByRole("link", { name: "Hours" })).toHaveCount(0);
    await nav(page).getByRole("link", { name: "Schedule" }).click();
    await expect(page.getByTestId("week-row")).toHaveText([/Dr\. Sam Okafor/]);

    const day = mondayAhead();
    const form = page.getByTestId("booking-form");
    await form.getByLabel("Patient").selectOption({ label: "Lamport, Leslie" });
    await form.getByLabel("Day").fill(day);
    const time = form.getByLabel("Free time");
    await expect(time.locator("option").first()).toHaveText("9:00 AM");
    await time.selectOption("09:00");
    // Lunch (12:00–1:00 PM) is never offered.
    await expect(time.locator("option", { hasText: "12:00 PM" })).toHaveCount(0);
    await form.getByRole("button", { name: "Book appointment" }).click();
    await expect(form.getByRole("status")).toContainText("Booked: Lamport, Leslie, 9:00 AM");
    // The booked time is no longer offered; the next one is.
    await expect(time).toHaveValue("09:30");

    // Someone else books 9:30 first (the API, as another desk would); this form still offers it.
    const other = await page.request.post("/api/appointments", { data: { nodeId: nodes["Boston Back Bay"], patientId: await patientId(page, "Perlman"), providerId: await providerId(page), date: day, time: "09:30", minutes: 30 } });
    expect(other.status()).toBe(201);
    await form.getByLabel("Patient").selectOption({ label: "Perlman, Radia" });
    await form.getByRole("button", { name: "Book appointment" }).click();
    await expect(form.getByRole("alert")).toHaveText(/^Dr\. Sam Okafor already has an appointment at 9:30 AM–10:00 AM on Monday, .*Choose a free slot\.$/);
    await expect(time).toHaveValue("10:00");

    // The day view: both appointments; check Leslie in.
    await page.goto(`/o/${boston}/schedule?view=day&date=${day}`);
    const leslie = page.getByTestId("appointment").filter({ hasText: "Leslie Lamport" });
    await expect(leslie).toContainText("Scheduled");
    await leslie.getByRole("button", { name: "Check in" }).click();
    await expect(leslie).toContainText("Checked in");
    await expect(page.getByTestId("appointment")).toHaveCount(2);
    await expectAccessible(page);

    // Performance and another practice's schedule: not found.
    expect((await page.goto(`/o/${boston}/performance`))?.status()).toBe(404);
    expect((await page.goto(`/o/${nodes["Seattle Practice"]}/schedule`))?.status()).toBe(404);
    await page.goto(`/o/${boston}`);
    await signOut(page);
  });

  test("Provider sees only their own calendar and edits their own hours (with field messages)", async ({ page }) => {
    await signInAs(page, "dr.patel@northwind.test");
    const seattle = nodes["Seattle Practice"];
    await page.goto(`/o/${seattle}/schedule`);
    await expect(page.getByTestId("week-row")).toHaveText([/Dr\. Priya Patel/]);
    await expect(page.getByTestId("appointment").first()).toBeVisible();
    // Dr. Lee's own patients never appear, not even in the HTML.
    const html = await page.content();
    expect(html).not.toContain("Dr. Daniel Lee");
    expect(html).not.toContain("Lovelace");
    await expect(page.getByRole("form", { name: "Filter the calendar" }).getByLabel("Provider")).toHaveCount(0);
    await expectAccessible(page);

    await nav(page).getByRole("link", { name: "Hours" }).click();
    await expect(page.getByRole("heading", { name: "Your week at Seattle Downtown" })).toBeVisible();
    await expect(nav(page).getByRole("link", { name: "Hours" })).toHaveAttribute("aria-current", "page");
    await expect(nav(page).getByRole("link", { name: "Schedule" })).not.toHaveAttribute("aria-current", "page");
    // Only her own week, at each of her practice's locations; never a colleague's.
    const providers = page.getByRole("navigation", { name: "Providers" }).getByRole("link");
    await expect(providers).toHaveText([/^Dr\. Priya Patel · Seattle Downtown$/, /^Dr\. Priya Patel · Seattle Northgate$/]);
    const saturday = page.getByTestId("hours-Saturday");
    await saturday.getByRole("button", { name: "Add hours on Saturday" }).click();
    await saturday.getByLabel("Hours, Saturday: from").fill("14:00");
    await saturday.getByLabel("Hours, Saturday: to").fill("10:00");
    await page.getByRole("button", { name: "Save weekly hours" }).click();
    await expect(page.getByTestId("hours-form").getByRole("alert")).toContainText("Some entries need attention");
    await expect(saturday).toContainText("The end must be after the start.");
    await saturday.getByLabel("Hours, Saturday: to").fill("16:00");
    await page.getByRole("button", { name: "Save weekly hours" }).click();
    await expect(page.getByTestId("hours-form").getByRole("status")).toContainText("Saved Dr. Priya Patel's week: 11 entries.");
    await page.reload();
    await expect(page.getByTestId("hours-Saturday").getByLabel("Hours, Saturday: from")).toHaveValue("14:00");
    await expectAccessible(page);
    await page.setViewportSize({ width: 820, height: 1000 });
    await shot(page, "schedule-hours-provider-tablet");
    await page.setViewportSize({ width: 1280, height: 800 });

    // Performance: only her own row.
    await nav(page).getByRole("link", { name: "Performance" }).click();
    await expect(page.getByTestId("care-page-title")).toHaveText("My performance");
    await expect(page.getByTestId("performance-row")).toHaveText([/Dr\. Priya Patel/]);
    expect(await page.content()).not.toContain("Dr. Daniel Lee");
    await shot(page, "performance-provider");
    await signOut(page);
  });

  test("Manager: Seattle's calendar (day and week) and performance per provider; a bad period is explained", async ({ page }) => {
    await signInAs(page, "manager@northwind.test");
    const seattle = nodes["Seattle Practice"];
    await page.goto(`/o/${seattle}/schedule`);
    await expect(page.getByTestId("week-row")).toHaveText([/Dr\. Daniel Lee/, /Dr\. Priya Patel/]);
    await expect(page.getByTestId("week-grid")).toBeVisible();
    await expectAccessible(page);
    await shot(page, "schedule-week");
    await page.setViewportSize({ width: 820, height: 1000 });
    await shot(page, "schedule-week-tablet");
    await page.setViewportSize({ width: 1280, height: 800 });
    // Day view of a weekday with appointments (the next Tuesday: both providers work).
    const d = new Date();
    do d.setUTCDate(d.getUTCDate() + 1);
    while (d.getUTCDay() !== 2);
    await page.goto(`/o/${seattle}/schedule?view=day&date=${d.toISOString().slice(0, 10)}`);
    await expect(page.getByTestId("day-grid").getByRole("columnheader")).toHaveText(["Time", "Dr. Daniel Lee", "Dr. Priya Patel"]);
    await expect(page.getByTestId("appointment").first()).toBeVisible();
    await expect(page.getByTestId("appointment").first().getByRole("button", { name: "Reschedule" })).toBeVisible();
    await expectAccessible(page);
    await shot(page, "schedule-day");

    await nav(page).getByRole("link", { name: "Performance" }).click();
    await expect(page.getByTestId("care-page-title")).toHaveText("Provider performance");
    await expect(page.getByTestId("performance-row")).toHaveText([/Dr\. Daniel Lee/, /Dr\. Priya Patel/]);
    await expect(page.getByTestId("performance-charts").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await expectAccessible(page);
    await shot(page, "performance");
    await page.goto(`/o/${seattle}/performance?from=2026-02-30&to=2026-01-01`);
    await expect(page.getByText("Give the start as YYYY-MM-DD.")).toBeVisible();
    await expect(page.getByText("showing the last 30 days instead")).toBeVisible();
    // Boston isn't theirs: not found.
    expect((await page.goto(`/o/${nodes["Boston Practice"]}/performance`))?.status()).toBe(404);
    await page.goto(`/o/${seattle}`);
    await signOut(page);
  });

  for (const [email, place] of [
    ["billing@northwind.test", "Seattle Practice"],
    ["inventory@northwind.test", "Seattle Practice"],
    ["ai.handler@northwind.test", "Seattle Practice"],
  ] as const) {
    test(`${email}: no Schedule or Performance tab; direct URLs are 404`, async ({ page }) => {
      await signInAs(page, email);
      await page.goto(`/o/${nodes[place]}`);
      await expect(nav(page)).toBeVisible();
      for (const tab of ["Schedule", "Hours", "Performance"]) await expect(nav(page).getByRole("link", { name: tab, exact: true })).toHaveCount(0);
      for (const path of ["schedule", "schedule/hours", "performance"]) expect((await page.goto(`/o/${nodes[place]}/${path}`))?.status(), path).toBe(404);
      expect((await page.request.get(`/api/performance/${nodes[place]}?from=2026-11-01&to=2026-11-30`)).status()).toBe(403);
      await page.goto(`/o/${nodes[place]}`);
      await signOut(page);
    });
  }
});

async function patientId(page: Page, lastName: string): Promise<string> {
  const list = await (await page.request.get(`/api/patients?nodeId=${nodes["Boston Practice"]}&q=${lastName}`)).json();
  return list.rows[0].id;
}

async function providerId(page: Page): Promise<string> {
  // The provider select of the booking form holds Dr. Okafor's id.
  return page.getByTestId("booking-form").getByLabel("Provider").inputValue();
}
