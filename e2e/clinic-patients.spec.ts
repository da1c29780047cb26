import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, resetDemoData, signInAs, signOut } from "./helpers";

/**
 * The clinic's patient pages (issue 10) for every built-in clinic role's demo account: the
 * Patients tab shows only where the role may see patients, direct URLs to others' patients are
 * 404, and masked fields are absent from the HTML and from the JSON (not hidden by CSS).
 */

type Ids = { nodes: Record<string, string>; patients: Record<string, string> };
let ids: Ids;

async function collectIds(page: Page): Promise<Ids> {
  const places: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
  const nodes = Object.fromEntries(places.map((p) => [p.name, p.id]));
  const list = await (await page.request.get(`/api/patients?nodeId=${nodes["Northwind Dental Group"]}&take=100`)).json();
  const patients = Object.fromEntries(list.rows.map((r: { id: string; fields: { lastName: string } }) => [r.fields.lastName, r.id]));
  return { nodes, patients };
}

const shot = (page: Page, name: string) => page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
const nav = (page: Page) => page.getByRole("navigation", { name: "Sections" });

test.beforeAll(async ({ browser }, testInfo) => {
  await resetDemoData(testInfo.project.use.baseURL);
  // The ids of every place and patient, read as the enterprise owner (a worker restarted after a failure reads them again).
  const page = await browser.newPage();
  await signInAs(page, "owner@northwind.test");
  ids = await collectIds(page);
  await page.close();
});

test.describe("clinic patients, per role", () => {
  test("Owner: every Northwind patient with every field, export, access history; a new patient; screenshots", async ({ page }) => {
    await signInAs(page, "owner@northwind.test");
    expect(Object.keys(ids.patients)).toHaveLength(13);
    await page.goto(`/o/${ids.nodes["Seattle Practice"]}`);
    await nav(page).getByRole("link", { name: "Patients" }).click();
    await expect(page.getByTestId("patient-row")).toHaveCount(8);
    await expect(page.getByRole("columnheader", { name: "SSN" })).toBeVisible();
    await expect(page.getByTestId("export-patients")).toBeVisible();
    const csv = await page.request.get(`/api/patients/export?nodeId=${ids.nodes["Seattle Practice"]}`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain("SSN");
    await expectAccessible(page);
    await shot(page, "patients-owner");
    await page.getByRole("link", { name: "Lovelace, Ada" }).click();
    await expect(page.getByTestId("patient-fields")).toContainText("900-00-1000");
    await expect(page.getByRole("link", { name: "Access history" })).toHaveAttribute("href", `/o/${ids.nodes["Seattle Practice"]}/settings/activity/patients/${ids.patients.Lovelace}`);
    await expect(page.getByTestId("clinical-notes")).toContainText("Initial assessment for Ada Lovelace.");
    await expectAccessible(page);
    await shot(page, "patient-owner");
    // Search, and a tablet-width list.
    await page.goto(`/o/${ids.nodes["Northwind Dental Group"]}/patients?q=lam`);
    await expect(page.getByTestId("patient-row")).toHaveText([/Lamport, Leslie/]);
    await page.setViewportSize({ width: 820, height: 1000 });
    await page.goto(`/o/${ids.nodes["Seattle Practice"]}/patients`);
    await shot(page, "patients-owner-tablet");
    await page.setViewportSize({ width: 1280, height: 800 });
    await signOut(page);
  });

  test("Manager: Seattle's patients with clinical fields and notes (read-only), no export, no delete; contact only at Portland (Front Desk there)", async ({ page }) => {
    await signInAs(page, "manager@northwind.test");
    await page.goto(`/o/${ids.nodes["Seattle Practice"]}/patients`);
    await expect(page.getByTestId("patient-row")).toHaveCount(8);
    await expect(page.getByTestId("export-patients")).toHaveCount(0);
    expect((await page.request.get(`/api/patients/export?nodeId=${ids.nodes["Seattle Practice"]}`)).status()).toBe(403);
    await page.goto(`/o/${ids.nodes["Seattle Practice"]}/patients/${ids.patients.Hopper}`);
    await expect(page.getByTestId("clinical-notes")).toContainText("Initial assessment");
    await expect(page.getByRole("form", { name: "Write a clinical note" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete patient" })).toHaveCount(0);
    await page.goto(`/o/${ids.nodes["Portland Practice"]}/patients/${ids.patients.Allen}`);
    const html = await page.content();
    expect(html).not.toContain("900-00-");
    expect(html).not.toContain("INS-");
    await expect(page.getByText("Date of birth")).toHaveCount(0);
    await signOut(page);
  });

  test("Provider (Dr. Lee): only his assigned and shared patients; another provider's patient is 404; writes a note", async ({ page }) => {
    await signInAs(page, "dr.lee@northwind.test");
    await page.goto(`/o/${ids.nodes["Seattle Practice"]}/patients`);
    await expect(page.getByTestId("patient-row")).toHaveText([/Hamilton/, /Hopper/, /Lovelace/, /Turing/]);
    expect((await page.goto(`/o/${ids.nodes["Seattle Practice"]}/patients/${ids.patients.Johnson}`))?.status()).toBe(404);
    expect((await page.request.get(`/api/patients/${ids.patients.Johnson}`)).status()).toBe(404);
    await page.goto(`/o/${ids.nodes["Seattle Practice"]}/patients/${ids.patients.Lovelace}`);
    await expect(page.getByRole("link", { name: "Access history" })).toHaveCount(0);
    await page.getByLabel("New note").fill("Checked the crown; no pain reported.");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByTestId("clinical-note").first()).toContainText("Checked the crown; no pain reported.");
    await expect(page.getByRole("button", { name: "Edit note" }).first()).toBeVisible();
    await expectAccessible(page);
    await shot(page, "patient-provider");
    await signOut(page);
  });

  test("Front Desk: Boston's patients, contact fields only, in HTML and JSON; no clinical notes; Seattle is 404", async ({ page }) => {
    await signInAs(page, "frontdesk@northwind.test");
    await page.goto(`/o/${ids.nodes["Boston Practice"]}`);
    await expect(nav(page).getByRole("link", { name: "Patients" })).toBeVisible();
    await nav(page).getByRole("link", { name: "Patients" }).click();
    await expect(page.getByTestId("patient-row")).toHaveCount(2);
    let html = await page.content();
    for (const secret of ["900-00-", "INS-", "Date of birth", "SSN"]) expect(html).not.toContain(secret);
    const json = await (await page.request.get(`/api/patients?nodeId=${ids.nodes["Boston Practice"]}`)).text();
    expect(json).not.toMatch(/900-00-|INS-|"ssn":|"dateOfBirth":/);
    await page.goto(`/o/${ids.nodes["Boston Practice"]}/patients/${ids.patients.Perlman}`);
    html = await page.content();
    for (const secret of ["900-00-", "INS-", "Clinical notes", "Initial assessment"]) expect(html).not.toContain(secret);
    await expect(page.getByRole("form", { name: "Edit patient" })).toHaveCount(0);
    expect((await page.request.get(`/api/patients/${ids.patients.Perlman}/notes`)).status()).toBe(403);
    await shot(page, "patient-front-desk");
    expect((await page.goto(`/o/${ids.nodes["Seattle Practice"]}/patients/${ids.patients.Lovelace}`))?.status()).toBe(404);
    await signOut(page);
  });

  test("Billing: every patient's billing fields (insurance), never clinical notes", async ({ page }) => {
    await signInAs(page, "billing@northwind.test");
    await page.goto(`/o/${ids.nodes["Northwind Dental Group"]}/patients`);
    await expect(page.getByTestId("patient-row")).toHaveCount(13);
    await page.goto(`/o/${ids.nodes["Northwind Dental Group"]}/patients/${ids.patients.Lovelace}`);
    await expect(page.getByTestId("patient-fields")).toContainText("INS-");
    const html = await page.content();
    expect(html).not.toContain("Initial assessment");
    await expect(page.getByTestId("clinical-notes")).toHaveCount(0);
    expect((await page.request.get(`/api/patients/${ids.patients.Lovelace}/notes`)).status()).toBe(403);
    await signOut(page);
  });

  for (const [email, label] of [
    ["inventory@northwind.test", "Inventory Manager"],
    ["ai.handler@northwind.test", "AI Assistant Handler"],
  ] as const) {
    test(`${label}: no Patients tab; the patient pages are refused and no patient reaches the JSON`, async ({ page }) => {
      await signInAs(page, email);
      const seattle = ids.nodes["Seattle Practice"];
      await page.goto(`/o/${seattle}`);
      await expect(nav(page).getByRole("link", { name: "Patients" })).toHaveCount(0);
      await page.goto(`/o/${seattle}/patients`);
      await expect(page).toHaveURL(new RegExp(`/o/${seattle}\\?denied=patients.read_contact`));
      await page.goto(`/o/${seattle}/patients/${ids.patients.Lovelace}`);
      await expect(page).toHaveURL(new RegExp(`/o/${seattle}\\?denied=patients.read_contact`));
      expect(await page.content()).not.toContain("Lovelace");
      const json = await (await page.request.get(`/api/patients?nodeId=${seattle}`)).json();
      expect(json.rows).toEqual([]);
      expect((await page.request.get(`/api/patients/${ids.patients.Lovelace}`)).status()).toBe(404);
      await signOut(page);
    });
  }
});
