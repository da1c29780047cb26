import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, request, test } from "@playwright/test";
import { verifySignature } from "../lib/machine/webhook-signing";
import { expectAccessible, resetDemoData, signInAs } from "./helpers";

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("Settings > API access (issue 13)", () => {
  test("an owner creates a service account and a key, the key calls the API, the usage shows it", async ({ page }, testInfo) => {
    await signInAs(page, "owner@northwind.test");
    const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
    const northwind = profiles.find((p) => p.name === "Northwind Dental Group")!.id;
    const west = profiles.find((p) => p.name === "West Region")!.id;
    await page.goto(`/o/${northwind}/settings/api`);
    await expect(page.getByRole("heading", { name: "API access", level: 2 })).toBeVisible();
    await expect(page.getByText("No service accounts yet.")).toBeVisible();

    // A service account: Manager at West Region.
    await page.getByLabel("New service account").fill("Phone system");
    await page.getByLabel("Role", { exact: true }).selectOption({ label: "Manager" });
    await page.getByLabel("At", { exact: true }).selectOption({ label: "West Region" });
    await page.getByRole("button", { name: "Create service account" }).click();
    await expect(page.getByRole("cell", { name: "Manager at West Region" })).toBeVisible();

    // A key for it, scoped to members.read: the secret is shown once.
    await page.getByLabel("Name", { exact: true }).fill("Phone directory sync");
    await page.getByLabel("Acts as").selectOption({ label: "Phone system" });
    await page.getByRole("checkbox", { name: "members.read", exact: true }).check();
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = (await page.getByTestId("new-key-secret").textContent())!.trim();
    expect(secret).toMatch(/^cak_[A-Za-z0-9_-]{43}$/);

    // Call the API with it, with no session at all.
    const api = await request.newContext({ baseURL: testInfo.project.use.baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
    const list = await api.get(`/api/profiles/${west}/members`);
    expect(list.status()).toBe(200);
    expect((await list.json()).rows.length).toBeGreaterThan(0);
    expect(list.headers()["ratelimit-limit"]).toBe("600");
    expect((await api.post(`/api/profiles/${west}/members`, { data: { email: "x@northwind.test", name: "X", roleId: "builtin:front_desk" } })).status()).toBe(403);
    expect((await api.get(`/api/profiles/${northwind}/members`)).status()).toBe(404);
    const nobody = await request.newContext({ baseURL: testInfo.project.use.baseURL, extraHTTPHeaders: { Authorization: "Bearer cak_nope" } });
    expect((await nobody.get(`/api/profiles/${west}/members`)).status()).toBe(401);

    // The usage moves: 3 requests, 2 of them errors; last used from this machine.
    await page.getByRole("button", { name: "Done" }).click();
    await page.reload();
    const row = page.getByTestId(`key-${secret.slice(0, 12)}`);
    await expect(row.getByTestId("key-requests")).toHaveText("3 (2 errors)");
    await expect(page.getByRole("img", { name: /Requests per hour: 3 in the last 24 hours/ })).toBeVisible();
    await expectAccessible(page);
    await page.screenshot({ path: "docs/screenshots/api-access.png", fullPage: true });
    await page.setViewportSize({ width: 820, height: 1100 });
    await page.screenshot({ path: "docs/screenshots/api-access-tablet.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Revoked: 401 at once.
    page.once("dialog", (d) => d.accept());
    await row.getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByText("Phone directory sync revoked.")).toBeVisible();
    expect((await api.get(`/api/profiles/${west}/members`)).status()).toBe(401);
    await api.dispose();
    await nobody.dispose();
  });

  test("an owner adds a webhook and sees a signed delivery arrive", async ({ page }) => {
    const received: { id: string; body: string; headers: Record<string, unknown> }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ id: String(req.headers["webhook-id"]), body, headers: req.headers as Record<string, unknown> });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

    await signInAs(page, "owner@northwind.test");
    const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
    const northwind = profiles.find((p) => p.name === "Northwind Dental Group")!.id;
    await page.goto(`/o/${northwind}/settings/api`);
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByRole("checkbox", { name: "api_key", exact: true }).check();
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = (await page.getByTestId("new-key-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "Done" }).click();

    // A change the endpoint subscribes to: a new key.
    await page.getByLabel("Name", { exact: true }).fill("Nightly report");
    await page.getByRole("checkbox", { name: "members.read", exact: true }).check();
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByTestId("new-key-secret")).toBeVisible();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(verifySignature(secret, received[0].headers, received[0].body)).toBe(true);
    expect(JSON.parse(received[0].body).type).toBe("api_key.created");

    await page.reload();
    const log = page.getByTestId("deliveries");
    await expect(log.getByRole("row").nth(1)).toContainText("api_key.created");
    await expect(log.getByRole("row").nth(1)).toContainText("delivered");
    await expect(log.getByRole("row").nth(1)).toContainText("204");
    await expectAccessible(page);
    await page.getByRole("heading", { name: "Webhooks" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: "docs/screenshots/api-webhooks.png" });
    server.close();
  });

  test("the API reference renders the OpenAPI document without scripts", async ({ page }) => {
    await page.goto("/docs/api");
    await expect(page.getByRole("heading", { name: "CareAccess API", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "get /api/profiles/{id}/members/{userId}", exact: true })).toBeVisible();
    await expectAccessible(page);
    await page.screenshot({ path: "docs/screenshots/api-reference.png" });
    const doc = await (await page.request.get("/api/openapi.json")).json();
    expect(doc.components.securitySchemes.bearer.scheme).toBe("bearer");
  });
});
