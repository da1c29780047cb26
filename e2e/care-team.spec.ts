import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, screenshot, signInAs, signOut, resetDemoData } from "./helpers";

/**
 * The care-team pages behind the care profile's action buttons (docs/care-team.md): Jim (Member)
 * sees only his shifts, updates his availability and logs care; Marta (Admin) exports the schedule
 * and reads reports; Rob (Owner) adds a shift; Rob as Viewer in Neighbor's Care changes nothing.
 */

async function profileId(page: Page, name: string): Promise<string> {
  const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
  const found = profiles.find((p) => p.name === name);
  expect(found, name).toBeTruthy();
  return found!.id;
}

/** Accessible, screenshotted, and no sideways scrolling on a 768px tablet. */
async function checkPage(page: Page, name: string) {
  await expectAccessible(page);
  await screenshot(page, `care-${name}`);
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 768, height: 1024 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${name} at 768px`).toBe(0);
  await screenshot(page, `care-${name}-768`);
  await page.setViewportSize(size);
}

async function download(page: Page, link: ReturnType<Page["getByRole"]>) {
  const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, "utf8") };
}

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("care team", () => {
  test("Jim sees only his shifts, updates his availability and logs care", async ({ page }) => {
    await signInAs(page, "jim@family.test");
    const robs = await profileId(page, "Rob's Care");
    await page.goto(`/o/${robs}`);
    await page.getByTestId("care-actions").getByRole("link", { name: "View My Schedule" }).click();
    await expect(page).toHaveURL(/\/care\/schedule$/);
    await expect(page.getByTestId("care-page-title")).toHaveText("My schedule");
    await expect(page.getByTestId("shift")).toHaveCount(3);
    await expect(page.getByTestId("shift-assignee")).toHaveText(["Jim Carter", "Jim Carter", "Jim Carter"]);
    await expect(page.getByText("Open shift")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Add shift" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Export Schedule" })).toHaveCount(0);
    await checkPage(page, "schedule-jim");

    // Availability: add Wednesday, first with the times the wrong way round.
    await page.getByRole("link", { name: "Availability", exact: true }).click();
    await expect(page.getByTestId("care-page-title")).toHaveText("My availability");
    await expect(page.getByTestId("availability-Wednesday")).toContainText("Not available");
    await page.getByRole("button", { name: "Add time on Wednesday" }).click();
    const wednesday = page.getByTestId("availability-Wednesday");
    await wednesday.getByLabel("From").fill("15:00");
    await wednesday.getByLabel("To").fill("11:00");
    await page.getByRole("button", { name: "Save availability" }).click();
    await expect(wednesday).toContainText("Wednesday: the end time must be after the start time.");
    await expect(wednesday.getByLabel("To")).toHaveAttribute("aria-invalid", "true");
    await wednesday.getByLabel("To").fill("18:00");
    await page.getByRole("button", { name: "Save availability" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toHaveText("Saved: 5 time slots a week.");
    await page.reload();
    await expect(page.getByTestId("team-availability").getByRole("row", { name: /Jim Carter/ })).toContainText("3:00 PM–6:00 PM");
    await checkPage(page, "availability-jim");

    // Log care: his entry shows; nobody else's, and nothing sensitive.
    await page.getByRole("link", { name: "Care log", exact: true }).click();
    await expect(page.getByLabel("Sensitive")).toHaveCount(0);
    await page.getByRole("button", { name: "Log care" }).click();
    await expect(page.getByText("Choose what kind of care this was.")).toBeVisible();
    await expect(page.getByText("Describe what happened.")).toBeVisible();
    await page.getByLabel("Kind of care").selectOption("meal");
    await page.getByLabel("What happened").fill("Lunch: tomato soup and bread, plenty of water.");
    await page.getByRole("button", { name: "Log care" }).click();
    await expect(page.getByTestId("care-event").first()).toContainText("tomato soup");
    await expect(page.getByTestId("care-event")).toHaveCount(2);
    for (const entry of await page.getByTestId("care-event").allInnerTexts()) expect(entry).toContain("Jim Carter");
    await expect(page.getByText("Sensitive", { exact: true })).toHaveCount(0);
    await expect(page.getByText(/lisinopril/)).toHaveCount(0);
    await checkPage(page, "log-jim");

    // No reports, no exports for a Member.
    await page.goto(`/o/${robs}/care/reports`);
    await expect(page).toHaveURL(new RegExp(`/o/${robs}\\?denied=`));
    expect((await page.request.get(`/api/care/${robs}/schedule/export`)).status()).toBe(403);
  });

  test("Marta exports the schedule and views reports", async ({ page }) => {
    await signInAs(page, "marta@family.test");
    const robs = await profileId(page, "Rob's Care");
    await page.goto(`/o/${robs}`);
    await page.getByTestId("care-actions").getByRole("link", { name: "Export Schedule" }).click();
    await expect(page).toHaveURL(/\/care\/schedule\?export=1$/);
    await expect(page.getByTestId("care-page-title")).toHaveText("Schedule");
    await expect(page.getByTestId("shift")).toHaveCount(8);
    await expect(page.getByTestId("export-panel")).toBeVisible();
    await checkPage(page, "schedule-export-marta");
    const csv = await download(page, page.getByRole("link", { name: "Download CSV" }));
    expect(csv.name).toMatch(/^rob-s-care-schedule-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.text.trim().split("\r\n");
    expect(lines[0]).toBe("Date,Start,End,Hours,Shift,Assigned to,Email,Notes,Time zone");
    expect(lines).toHaveLength(9);
    expect(lines.filter((l) => l.includes(",Jim Carter,jim@family.test,"))).toHaveLength(3);
    expect(lines.filter((l) => l.includes(",Open shift,"))).toHaveLength(1);
    expect(lines.some((l) => /,08:00,12:00,4\.00,Morning care,Jim Carter,/.test(l))).toBe(true);

    // The log shows everyone's entries, the sensitive one marked.
    await page.getByRole("link", { name: "Care log", exact: true }).click();
    await expect(page.getByText("lisinopril", { exact: false })).toBeVisible();
    await expect(page.getByTestId("care-event").filter({ hasText: "Sensitive" })).toHaveCount(1);
    await expect(page.getByLabel("Sensitive")).toHaveCount(0); // admins read sensitive entries but can't write them

    await page.goto(`/o/${robs}`);
    await page.getByTestId("care-actions").getByRole("link", { name: "View Reports" }).click();
    await expect(page.getByTestId("care-page-title")).toHaveText("Care reports");
    const jim = page.getByTestId("report-row").filter({ hasText: "Jim Carter" });
    await expect(jim.getByRole("cell")).toHaveText(["Member", "3", "12", /^[1-9]\d*$/]);
    await expect(page.getByTestId("report-Open shifts")).toHaveText("1");
    await checkPage(page, "reports-marta");
    const report = await download(page, page.getByRole("link", { name: "Export report" }));
    expect(report.text.split("\r\n")[0]).toBe("Week of,Person,Email,Role,Shifts,Hours scheduled,Care log entries");
    expect(report.text).toMatch(/,Jim Carter,jim@family\.test,Member,3,12\.00,\d+\r\n/);
  });

  test("Rob adds a shift (and the form says what is wrong first)", async ({ page }) => {
    await signInAs(page, "rob@family.test");
    const robs = await profileId(page, "Rob's Care");
    await page.goto(`/o/${robs}`);
    await page.getByRole("link", { name: "Schedule", exact: true }).click();
    await expect(page.getByTestId("care-page-title")).toHaveText("Schedule");
    await expect(page.getByTestId("shift")).toHaveCount(8);
    await page.getByRole("button", { name: "Add shift" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a shift" });
    await dialog.getByLabel("Starts").fill("18:00");
    await dialog.getByLabel("Ends").fill("16:00");
    await dialog.getByRole("button", { name: "Add shift" }).click();
    await expect(dialog.getByText("Give the shift a title, like “Morning care”.")).toBeVisible();
    await expect(dialog.getByText("The shift must end after it starts.")).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, "care-add-shift-errors");
    await dialog.getByLabel("Title").fill("Evening check-in");
    await dialog.getByLabel("Ends").fill("20:30");
    await dialog.getByLabel("Assigned to").selectOption({ label: "Jim Carter (Member)" });
    await dialog.getByRole("button", { name: "Add shift" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("shift")).toHaveCount(9);
    await expect(page.getByTestId("shift").filter({ hasText: "Evening check-in" })).toContainText("6:00 PM – 8:30 PM");
    await checkPage(page, "schedule-rob");
  });

  test("Rob as Viewer in Neighbor's Care sees the schedule and availability and can change nothing", async ({ page }) => {
    await signInAs(page, "rob@family.test");
    const neighbor = await profileId(page, "Neighbor's Care");
    await page.goto(`/o/${neighbor}`);
    await page.getByTestId("care-actions").getByRole("link", { name: "View Schedule" }).click();
    await expect(page.getByTestId("care-page-title")).toHaveText("Schedule");
    await expect(page.getByTestId("schedule-empty")).toContainText("No shifts this week");
    await expect(page.getByRole("button", { name: /Add shift|Edit|Delete/ })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Export Schedule" })).toHaveCount(0);
    await checkPage(page, "schedule-viewer");
    await page.getByRole("link", { name: "Availability", exact: true }).click();
    await expect(page.getByTestId("care-page-title")).toHaveText("Team availability");
    await expect(page.getByRole("button", { name: /Save|Add time/ })).toHaveCount(0);
    await checkPage(page, "availability-viewer");
    await expect(page.getByRole("link", { name: "Care log", exact: true })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Reports", exact: true })).toHaveCount(0);
    for (const path of ["log", "reports"]) {
      await page.goto(`/o/${neighbor}/care/${path}`);
      await expect(page).toHaveURL(new RegExp(`/o/${neighbor}\\?denied=`));
      await expect(page.getByRole("status")).toContainText("doesn't include that page");
    }
    for (const path of ["schedule", "reports"]) expect((await page.request.get(`/api/care/${neighbor}/${path}/export`)).status()).toBe(403);
    await signOut(page);

    // Someone who belongs to none of it: 404, not 403.
    await signInAs(page, "carol@community.test");
    for (const path of [`/api/care/${neighbor}/schedule/export`, `/api/care/${neighbor}/reports/export`]) expect((await page.request.get(path)).status()).toBe(404);
    expect((await page.goto(`/o/${neighbor}/care/schedule`))?.status()).toBe(404);
    // And the care pages don't exist for other kinds of place.
    const community = await profileId(page, "Community Care");
    expect((await page.goto(`/o/${community}/care/schedule`))?.status()).toBe(200);
    await signOut(page);
    await signInAs(page, "owner@northwind.test");
    const northwind = await profileId(page, "Northwind Dental Group");
    expect((await page.goto(`/o/${northwind}/care/schedule`))?.status()).toBe(404);
  });
});
