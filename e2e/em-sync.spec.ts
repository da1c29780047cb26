import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, resetDemoData, signInAs } from "./helpers";

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

const shot = (page: Page, name: string) => page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });

/** The practice system the e2e server started (scripts/e2e-server.mjs), over its own REST API. */
const PS = process.env.E2E_PRACTICE_SYSTEM_URL!;
async function practiceSystem(method: string, path: string, body?: unknown) {
  const res = await fetch(`${PS}${path}`, {
    method,
    headers: { authorization: `Bearer ${process.env.E2E_PRACTICE_SYSTEM_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBe(200);
  return res.json();
}

const SAM = { email: "sam.stock@pdx-legacy.test", name: "Sam Stock" };

test.describe("EM Sync", () => {
  test("an enterprise owner migrates Portland Practice (preflight → dry run → apply), turns EM Sync on, and sees a practice-system change appear", async ({ page }) => {
    await practiceSystem("PUT", "/api/practices/pdx-e2e", { name: "Portland (practice system)" });
    await practiceSystem("POST", "/api/practices/pdx-e2e/users", [
      { userId: "p1", email: "pat.admin@pdx-legacy.test", name: "Pat Admin", flags: ["is_practice_admin"] },
      { userId: "p2", email: "fran.desk@pdx-legacy.test", name: "Fran Desk", flags: ["can_view_schedule", "can_edit_schedule", "can_view_patients"] },
      { userId: "p3", email: "bill.payer@pdx-legacy.test", name: "Bill Payer", flags: ["can_process_payments", "can_view_reports", "can_issue_refunds", "legacy_fax_access"] },
      { userId: "p4", ...SAM, flags: ["can_view_schedule"] },
    ]);

    await signInAs(page, "owner@northwind.test");
    const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
    const portland = profiles.find((p) => p.name === "Portland Practice")!.id;
    await page.goto(`/o/${portland}`);
    await page.getByRole("link", { name: "Practice system" }).click();
    await expect(page.getByRole("heading", { name: "Practice system", level: 2 })).toBeVisible();
    await expect(page.getByTestId("em-sync-state")).toHaveText("Off");

    // Preflight and dry run: findings, the mapping, the summary; nothing written yet.
    await page.getByLabel("Practice in the practice system").selectOption({ label: "Portland (practice system) (4 people)" });
    await page.getByRole("button", { name: "Run preflight and dry run" }).click();
    const dryRun = page.getByTestId("dry-run");
    await expect(dryRun.getByTestId("dry-run-summary")).toContainText("4 people");
    await expect(dryRun.getByRole("list", { name: "Preflight findings" })).toContainText('"legacy_fax_access" is not a flag CareAccess knows');
    await expect(dryRun.getByRole("row").filter({ hasText: SAM.name })).toContainText("AI Assistant Handler");
    await expect(dryRun.getByRole("row").filter({ hasText: "Fran Desk" })).toContainText("Front Desk");
    await expectAccessible(page);
    await shot(page, "practice-migration-dry-run");

    // Apply, confirmed.
    await dryRun.getByRole("button", { name: "Apply migration" }).click();
    await page.getByRole("button", { name: "Confirm apply" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Migrated 4 people into Portland Practice" })).toBeVisible();
    await expect(page.getByTestId("migration-applied")).toBeVisible();
    await expect(page.getByRole("button", { name: "Roll back the migration" })).toBeVisible();

    // EM Sync on.
    await page.getByRole("button", { name: "Turn EM Sync on" }).click();
    await expect(page.getByTestId("em-sync-state")).toHaveText("On");
    await expect(page.getByRole("status").filter({ hasText: "EM Sync is on" })).toBeVisible();

    // The practice system gives Sam the inventory: it appears on Portland's Users page.
    await practiceSystem("PUT", "/api/practices/pdx-e2e/users/p4", { ...SAM, flags: ["can_manage_inventory"] });
    await page.goto(`/o/${portland}/settings/users`);
    const sam = page.getByTestId("user-row").filter({ hasText: SAM.name });
    await expect(async () => {
      await page.reload();
      await expect(sam).toContainText("Portland Practice · Inventory Manager", { timeout: 1000 });
    }).toPass({ timeout: 30_000 });

    // The status panel: a recent pull, nothing pending, no errors.
    await page.goto(`/o/${portland}/settings/practice-system`);
    const status = page.getByTestId("em-sync-status");
    await expect(status).toContainText("Pending changes0");
    await expect(status).not.toContainText("Last pullnever");
    await expect(page.getByTestId("em-sync-errors")).toHaveCount(0);
    await expectAccessible(page);
    await shot(page, "em-sync-status");
  });

  test("a practice's Manager gets no Practice system tab, and the page refuses them", async ({ page }) => {
    await signInAs(page, "manager@northwind.test");
    const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
    const seattle = profiles.find((p) => p.name === "Seattle Practice")!.id;
    await page.goto(`/o/${seattle}`);
    await expect(page.getByRole("link", { name: "Users" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Practice system" })).toHaveCount(0);
    const res = await page.request.post(`/api/practices/${seattle}/em-sync`, { data: { sourcePracticeId: "pdx-e2e", enabled: true } });
    expect(res.status()).toBe(403);
  });
});
