import { expect, test } from "@playwright/test";
import { expectAccessible, readDevMailbox, resetDemoData, screenshot, signInAs } from "./helpers";

/**
 * The development mailbox holds every password-reset link the app sent, so reading it takes over
 * accounts. It answers only platform staff signed in on this machine (the browser here talks to
 * localhost) and the e2e run's token; everyone else gets 404, page and API alike.
 */
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

const VICTIM = "billing@northwind.test";
const MAILBOX = `/api/dev/mailbox?to=${encodeURIComponent(VICTIM)}`;

test.describe("development mailbox", () => {
  test.beforeAll(async ({ request }) => {
    // A reset link for the victim is waiting in the mailbox.
    const res = await request.post("/api/public/password-reset", { data: { email: VICTIM } });
    expect(res.ok()).toBe(true);
    await expect.poll(async () => ((await (await readDevMailbox(request, VICTIM)).json()) as { messages: unknown[] }).messages.length, { timeout: 15_000 }).toBeGreaterThan(0);
  });

  test("anonymous: the API and the page answer 404, with no link", async ({ page, request }) => {
    const api = await request.get(MAILBOX);
    expect(api.status()).toBe(404);
    expect(await api.text()).not.toContain("reset-password");
    const res = await page.goto(`/dev/mailbox?to=${encodeURIComponent(VICTIM)}`);
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId("mail")).toHaveCount(0);
  });

  test("signed in, not platform staff: 404", async ({ page }) => {
    await signInAs(page, "owner@northwind.test");
    expect((await page.request.get(MAILBOX)).status()).toBe(404);
    const res = await page.goto("/dev/mailbox");
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId("mail")).toHaveCount(0);
  });

  test("platform staff signed in on this machine read it (the README walkthrough)", async ({ page }) => {
    await signInAs(page, "psm@careaccess.test");
    const api = await page.request.get(MAILBOX);
    expect(api.status()).toBe(200);
    const { messages } = (await api.json()) as { messages: { links: string[] }[] };
    expect(messages.some((m) => m.links.some((l) => l.includes("/reset-password/")))).toBe(true);
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(VICTIM)}`);
    await expect(page.getByRole("heading", { name: "Mailbox" })).toBeVisible();
    await expect(page.getByTestId("mail").first()).toContainText("/reset-password/");
    await expectAccessible(page);
    await screenshot(page, "dev-mailbox-staff");
  });

  test("the e2e token reads it; a wrong token gets 404", async ({ request }) => {
    expect((await readDevMailbox(request, VICTIM)).status()).toBe(200);
    expect((await request.get(MAILBOX, { headers: { "x-e2e-token": "not-the-token-0123456789abcdef0123456789" } })).status()).toBe(404);
  });
});
