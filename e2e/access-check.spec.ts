import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signInAs, resetDemoData } from "./helpers";

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("Why can't they see it?", () => {
  test("an admin sees the policy's reason and the one change that would allow it", async ({ page }) => {
    await signInAs(page, "owner@northwind.test");
    const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
    await page.goto(`/o/${profiles.find((p) => p.name === "Seattle Practice")!.id}/settings/access-check`);
    await expect(page.getByRole("heading", { name: "Why can't they see it?" })).toBeVisible();

    // Dr. Patel and a patient who is Dr. Lee's alone.
    await page.getByLabel("Person").selectOption({ label: "Dr. Priya Patel (dr.patel@northwind.test)" });
    await page.getByLabel("Patient", { exact: true }).selectOption({ label: "Lovelace, Ada (Seattle Downtown)" });
    await page.getByLabel("Action").selectOption({ label: "Patients: read" });
    await page.getByRole("button", { name: "Explain" }).click();
    await expect(page.getByTestId("access-answer")).toContainText("Not allowed");
    await expect(page.getByTestId("access-reason")).toHaveText(
      "Provider at Seattle Practice grants patients.read only on assigned or shared records; this one is not assigned or shared to them.",
    );
    await expect(page.getByTestId("access-fix")).toContainText("Share the record with them");
    await expectAccessible(page);
    await screenshot(page, "access-check");

    // The shared patient: allowed, and why.
    await page.getByLabel("Patient", { exact: true }).selectOption({ label: "Hamilton, Margaret (Seattle Downtown)" });
    await page.getByRole("button", { name: "Explain" }).click();
    await expect(page.getByTestId("access-answer")).toContainText("Allowed");
    await expect(page.getByTestId("access-reason")).toHaveText("Provider at Seattle Practice grants patients.read on assigned or shared records.");

    // Something at a location: the inventory manager and medical records.
    await page.getByLabel("Something at a location").check();
    await page.getByLabel("Person").selectOption({ label: "Ivan Inventory (inventory@northwind.test)" });
    await page.getByLabel("Location", { exact: true }).selectOption({ label: "Seattle Practice" });
    await page.getByLabel("Action").selectOption({ label: "Medical records: read" });
    await page.getByRole("button", { name: "Explain" }).click();
    await expect(page.getByTestId("access-reason")).toHaveText("Inventory Manager at Seattle Practice grants no access to medical records (needs medical_records.read).");
  });

  test("the panel is not offered to a role that can't change roles", async ({ page }) => {
    await signInAs(page, "manager@northwind.test");
    const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
    const seattle = profiles.find((p) => p.name === "Seattle Practice")!.id;
    await page.goto(`/o/${seattle}`);
    await expect(page.getByRole("link", { name: "Why can't they see it?" })).toHaveCount(0);
    await page.goto(`/o/${seattle}/settings/access-check`);
    await expect(page).toHaveURL(new RegExp(`/o/${seattle}\\?denied=`));
  });
});
