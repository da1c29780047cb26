import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signInAs, signOut, resetDemoData } from "./helpers";

type Profile = { id: string; name: string; role: string; kind: string };

async function as(page: Page, email: string): Promise<{ api: APIRequestContext; profiles: Profile[]; id: (name: string) => string }> {
  await signInAs(page, email);
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
  const profiles: Profile[] = await (await page.request.get("/api/profiles")).json();
  return { api: page.request, profiles, id: (name) => profiles.find((p) => p.name === name)!.id };
}

// Every spec file starts from the demo data, whatever the files before it changed.
test.beforeAll(async ({}, testInfo) => resetDemoData(testInfo.project.use.baseURL));

test.describe("profiles REST API", () => {
  test("401 without a session", async ({ request }) => {
    for (const [method, path] of [["get", "/api/profiles"], ["post", "/api/profiles"], ["get", "/api/profiles/00000000-0000-4000-8000-000000000000/members"]] as const) {
      const res = await request[method](path, { data: method === "post" ? {} : undefined });
      expect(res.status(), `${method} ${path}`).toBe(401);
    }
  });

  test("GET /api/profiles lists exactly the places the caller can enter, with their role", async ({ page }) => {
    const { profiles } = await as(page, "rob@family.test");
    expect(profiles.map((p) => `${p.name} · ${p.role}`).sort()).toEqual(["Community Care · Member", "Mom's Care · Admin", "Neighbor's Care · Viewer", "Rob's Care · Owner"]);
  });

  test("POST creates a care profile with the caller as Owner; 400 lists each bad field", async ({ page }) => {
    const { api } = await as(page, "jim@family.test");
    const bad = await api.post("/api/profiles", { data: { kind: "HOSPITAL", name: "x", timeZone: "Mars/Olympus" } });
    expect(bad.status()).toBe(400);
    const body = await bad.json();
    expect(body.error.code).toBe("invalid");
    expect(Object.keys(body.error.fields).sort()).toEqual(["kind", "name", "timeZone"]);
    const created = await api.post("/api/profiles", { data: { kind: "CARE_PROFILE", name: "Jim's Dad's Care", timeZone: "America/Denver" } });
    expect(created.status()).toBe(201);
    const profile = await created.json();
    expect(profile).toMatchObject({ name: "Jim's Dad's Care", kind: "CARE_PROFILE", role: "Owner", memberCount: 1 });
    const perms = await (await api.get(`/api/profiles/${profile.id}/permissions`)).json();
    expect(perms.permissions.map((p: { permission: string }) => p.permission)).toContain("tenant.delete");
    expect((await api.put(`/api/profiles/${profile.id}`, { data: { name: "Dad's Care" } })).status()).toBe(200);
    expect((await (await api.get(`/api/profiles/${profile.id}`)).json()).name).toBe("Dad's Care");
    expect((await api.delete(`/api/profiles/${profile.id}`)).status()).toBe(200);
    expect((await api.get(`/api/profiles/${profile.id}`)).status()).toBe(404);
  });

  test("404 for a profile the caller doesn't belong to; 403 for a member without the permission", async ({ page }) => {
    const { api, id } = await as(page, "marta@family.test");
    const robs = id("Rob's Care");
    // Marta (Admin) can't delete Rob's profile: she's a member, so 403, and it still exists.
    expect((await api.delete(`/api/profiles/${robs}`)).status()).toBe(403);
    expect((await api.get(`/api/profiles/${robs}`)).status()).toBe(200);
    await signOut(page);
    const jim = await as(page, "jim@family.test");
    // Jim is a Member of Rob's Care: he may not invite (403) …
    const invite = await jim.api.post(`/api/profiles/${robs}/members`, { data: { email: "someone@family.test", roleId: "builtin:care_member" } });
    expect(invite.status()).toBe(403);
    // … and Mom's Care is not his at all (404), whatever he asks.
    const robProfiles = await (await page.request.get("/api/profiles")).json();
    expect(robProfiles.some((p: Profile) => p.name === "Mom's Care")).toBe(false);
  });

  test("invite: 201 for a new person, 409 for an existing member, 403 for an admin handing out Owner", async ({ page }) => {
    const { api, id } = await as(page, "marta@family.test");
    const robs = id("Rob's Care");
    const ok = await api.post(`/api/profiles/${robs}/members`, { data: { email: "nurse.amy@family.test", roleId: "builtin:care_member" } });
    expect(ok.status()).toBe(201);
    expect(await ok.json()).toMatchObject({ email: "nurse.amy@family.test" });
    const again = await api.post(`/api/profiles/${robs}/members`, { data: { email: "jim@family.test", roleId: "builtin:care_member" } });
    expect(again.status()).toBe(409);
    const owner = await api.post(`/api/profiles/${robs}/members`, { data: { email: "new.owner@family.test", roleId: "builtin:care_owner" } });
    expect(owner.status()).toBe(403);
    const members = await (await api.get(`/api/profiles/${robs}/members?q=amy`)).json();
    expect(members.rows.map((m: { email: string; status: string }) => `${m.email} ${m.status}`)).toEqual(["nurse.amy@family.test INVITED"]);
  });

  test("PUT members changes a role; PUT permissions adjusts grants; the last owner can't be removed", async ({ page }) => {
    const { api, id } = await as(page, "rob@family.test");
    const robs = id("Rob's Care");
    // A member invited for this test, so the demo accounts other specs rely on stay as seeded.
    const invited = await api.post(`/api/profiles/${robs}/members`, { data: { email: "helper.kate@family.test", roleId: "builtin:care_member" } });
    expect(invited.status()).toBe(201);
    const members = await (await api.get(`/api/profiles/${robs}/members?pageSize=100`)).json();
    const kate = members.rows.find((m: { email: string }) => m.email === "helper.kate@family.test");
    const rob = members.rows.find((m: { email: string }) => m.email === "rob@family.test");
    const change = await api.put(`/api/profiles/${robs}/members/${kate.id}`, { data: { assignments: [{ nodeId: robs, roleId: "builtin:care_viewer" }] } });
    expect(change.status()).toBe(200);
    const grant = await api.put(`/api/profiles/${robs}/permissions`, { data: { userId: kate.id, add: [{ permission: "care_events.create" }] } });
    expect(grant.status()).toBe(200);
    expect((await grant.json()).adjustments.add.map((g: { permission: string }) => g.permission)).toEqual(["care_events.create"]);
    const invalid = await api.put(`/api/profiles/${robs}/permissions`, { data: { userId: kate.id, add: [{ permission: "care_events.teleport" }] } });
    expect(invalid.status()).toBe(400);
    const lastOwner = await api.delete(`/api/profiles/${robs}/members/${rob.id}`);
    expect(lastOwner.status()).toBe(409);
    // Nobody removes themselves from the admin side; and no one else may take the last owner away either.
    expect((await lastOwner.json()).error.message).toBe("You can't do that to your own account here; use Your account, or ask another admin.");
  });

  test("GET /api/openapi.json describes every endpoint from the same schemas", async ({ request }) => {
    const res = await request.get("/api/openapi.json");
    expect(res.status()).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    // Every public route is in it (lib/machine/openapi.test.ts checks the route files); a sample from each area here.
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/profiles",
        "/api/profiles/{id}",
        "/api/profiles/{id}/members",
        "/api/profiles/{id}/members/{userId}",
        "/api/profiles/{id}/permissions",
        "/api/profiles/{id}/api-keys/{keyId}/rotate",
        "/api/patients/{patientId}",
        "/api/activity/{nodeId}",
        "/api/billing/{nodeId}/invoices",
        "/api/settings/features",
      ]),
    );
    // Each operation can be called with a session or an API key.
    for (const ops of Object.values(doc.paths) as Record<string, { security?: unknown[] }>[]) for (const op of Object.values(ops)) expect(op.security).toEqual([{ session: [] }, { bearer: [] }]);
    expect(doc.components.schemas.Invite.properties.email).toBeDefined();
  });
});
