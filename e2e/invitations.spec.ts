import { expect, test } from "@playwright/test";
import { expectAccessible, readDevMailbox, resetDemoData, screenshot, signInAs, signOut, signInThroughIdp } from "./helpers";

/**
 * Consent for existing accounts: an invitation offers a role; only the person's "Accept" makes it
 * live. A stranger's own care profile gets no hold on anyone's account.
 */
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

async function profileId(page: import("@playwright/test").Page, name: string) {
  const profiles: { id: string; name: string }[] = await (await page.request.get("/api/profiles")).json();
  return profiles.find((p) => p.name === name)?.id;
}

test("an existing person accepts an invitation in the app; until then it grants nothing", async ({ page }) => {
  await signInAs(page, "owner@lakeside.test");
  const lakeside = (await profileId(page, "Lakeside Physio"))!;
  const res = await page.request.post(`/api/profiles/${lakeside}/members`, { data: { email: "rob@family.test", roleId: "builtin:front_desk" } });
  expect(res.status()).toBe(201);
  expect(await res.json()).toEqual({ email: "rob@family.test", message: "Invitation sent to rob@family.test. Their access starts when they accept it." });
  await signOut(page);

  await signInAs(page, "rob@family.test");
  expect(await profileId(page, "Lakeside Physio")).toBeUndefined();
  const invitation = page.getByTestId("invitation");
  await expect(invitation).toContainText("Lakeside Physio (Front Desk)");
  await expectAccessible(page);
  await screenshot(page, "home-invitation");
  await invitation.getByRole("button", { name: /^Accept/ }).click();
  await expect(page.getByTestId("invitation")).toHaveCount(0);
  await expect(page.getByTestId("membership").filter({ hasText: "Lakeside Physio" })).toContainText("Front Desk");
  expect(await profileId(page, "Lakeside Physio")).toBeTruthy();
});

test("a stranger's own care profile can't touch another tenant's person", async ({ page }) => {
  await signInAs(page, "jim@family.test");
  const created = await page.request.post("/api/profiles", { data: { kind: "CARE_PROFILE", name: "Jim's trap" } });
  expect(created.status()).toBe(201);
  const trap = (await created.json()).id as string;
  await page.request.post(`/api/profiles/${trap}/members`, { data: { email: "therapist@lakeside.test", roleId: "builtin:care_member" } });
  const list = await (await page.request.get(`/api/profiles/${trap}/members?q=therapist`)).json();
  const therapist = list.rows[0];
  expect(therapist).toMatchObject({ status: "INVITED", managed: false });
  await page.goto(`/o/${trap}/settings/users/${therapist.id}`);
  await expect(page.getByTestId("member-status")).toHaveText("Invited");
  await expect(page.getByTestId("not-managed")).toBeVisible();
  for (const name of ["Reset password", "End sessions", "Disable account", "Save details"]) await expect(page.getByRole("button", { name })).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, "users-not-managed");
  await signOut(page);
  // The therapist still signs in and works at Lakeside.
  // Lakeside requires SSO for its domain: the therapist signs in through Lakeside's IdP.
  await signInThroughIdp(page, "therapist@lakeside.test");
  await expect(page.getByTestId("membership").filter({ hasText: "Lakeside Downtown" })).toBeVisible();
});

test("an existing person accepts from the email link, without a password; the link then says it was used", async ({ page, request }) => {
  await signInAs(page, "owner@lakeside.test");
  const lakeside = (await profileId(page, "Lakeside Physio"))!;
  expect((await page.request.post(`/api/profiles/${lakeside}/members`, { data: { email: "marta@family.test", roleId: "builtin:front_desk" } })).status()).toBe(201);
  await signOut(page);

  let link: string | undefined;
  await expect
    .poll(async () => {
      const { messages } = (await (await readDevMailbox(request, "marta@family.test")).json()) as { messages: { subject: string; links: string[] }[] };
      link = messages.find((m) => m.subject === "You're invited to Lakeside Physio on CareAccess")?.links.find((l) => l.includes("/invite/"));
      return Boolean(link);
    }, { timeout: 15_000 })
    .toBe(true);
  await page.goto(link!);
  await expect(page.getByRole("heading", { name: "You're invited" })).toBeVisible();
  await expect(page.getByLabel("New password")).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, "invite-existing-account");
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page.getByRole("status")).toContainText("You joined Lakeside Physio");
  await page.goto(link!);
  await expect(page.getByText("This invitation has already been used.")).toBeVisible();

  await signInAs(page, "marta@family.test");
  await expect(page.getByTestId("membership").filter({ hasText: "Lakeside Physio" })).toContainText("Front Desk");
});
