/**
 * Single sign-on against real identity providers on 127.0.0.1: the `oidc-provider` OpenID Provider
 * and a SAML IdP signing with xml-crypto (scripts/idp), walked through their own sign-in pages by a
 * minimal cookie-keeping client, on PGlite and PostgreSQL. Then the session the ticket opens.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openIdentitySession, signInWithPassword, SSO_REQUIRED } from "../auth/sign-in";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { builtinRoleId } from "../authz/roles";
import { storeSecuritySettings, DEFAULT_SECURITY_SETTINGS } from "../security/settings";
import { resetAllLimits } from "../security/rate-limit";
import { IdpBrowser, formAction, inputValue } from "../testing/idp-browser";
import { IDP_PASSWORD, LAKESIDE_IDP_USERS, NORTHWIND_IDP_USERS, type IdpUser } from "../../scripts/idp/directory";
import { startOidcIdp, type OidcIdp } from "../../scripts/idp/oidc-idp";
import { startSamlIdp, type SamlIdp, type SamlScenario } from "../../scripts/idp/saml-idp";
import { DEMO_PASSWORD } from "../../prisma/demo-accounts";
import { seedDemoData } from "../../prisma/seed";
import { createConnection, spUrls } from "./connections";
import { setDomainSso } from "./domains";
import { SsoError, type SsoErrorCode } from "./errors";
import { addMapping } from "./provision";
import { beginSso, finishOidc, finishSaml, redeemTicket } from "./sso";

const APP = "http://app.careaccess.test";
const policy = { idleMinutes: 30, absoluteHours: 12 };
const meta = { ip: "203.0.113.9", userAgent: "Vitest" };
const BROWSER = "browser-secret-of-this-test";

describe.each(TEST_DATABASES)("single sign-on through real IdPs ($name)", (kind) => {
  let db: TestDatabase;
  let oidc: OidcIdp;
  let saml: SamlIdp;
  const oidcUsers: IdpUser[] = LAKESIDE_IDP_USERS.map((u) => ({ ...u, groups: [...u.groups] }));
  const ids = new Map<string, string>();
  let lakeside: string, northwind: string, downtown: string, harbor: string, seattle: string, lakesideOidc: string, northwindSaml: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    process.env.NEXTAUTH_URL = APP;
    oidc = await startOidcIdp({ clients: [{ clientId: "careaccess", clientSecret: "s3cret-of-the-client", redirectUris: [`${APP}/api/sso/oidc/callback`] }], users: oidcUsers });
    saml = await startSamlIdp({ users: NORTHWIND_IDP_USERS, acsPrefix: APP, controls: true });
    const nodes = new Map((await db.prisma.orgNode.findMany({ select: { id: true, name: true } })).map((n) => [n.name, n.id]));
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    [lakeside, northwind, downtown, harbor, seattle] = ["Lakeside Physio", "Northwind Dental Group", "Lakeside Downtown", "Lakeside Harbor", "Seattle Practice"].map((n) => nodes.get(n)!);
    const owner = { userId: ids.get("owner@lakeside.test")!, ip: null };
    await db.prisma.$transaction(async (tx) => {
      lakesideOidc = (await createConnection(tx, lakeside, { kind: "oidc", name: "Lakeside IdP", enabled: true, jitEnabled: true, defaultRoleId: builtinRoleId("front_desk"), defaultNodeId: harbor, config: { issuer: oidc.issuer, clientId: "careaccess", scopes: "openid email profile groups", groupsClaim: "groups" }, clientSecret: "s3cret-of-the-client" }, owner)).id;
      await setDomainSso(tx, lakeside, { domain: "lakeside.test", connectionId: lakesideOidc, requireSso: true }, owner);
      await addMapping(tx, lakeside, { groupName: "physio-therapists", roleId: builtinRoleId("provider"), nodeId: downtown }, owner);
      const nwOwner = { userId: ids.get("owner@northwind.test")!, ip: null };
      northwindSaml = (await createConnection(tx, northwind, { kind: "saml", name: "Northwind SAML", enabled: true, jitEnabled: true, defaultRoleId: null, defaultNodeId: null, metadataXml: saml.metadataXml, config: {} }, nwOwner)).id;
      await setDomainSso(tx, northwind, { domain: "northwind.test", connectionId: northwindSaml, requireSso: false }, nwOwner);
      await addMapping(tx, northwind, { groupName: "seattle-front-desk", roleId: builtinRoleId("front_desk"), nodeId: seattle }, nwOwner);
    });
  });
  afterAll(async () => {
    await oidc?.close();
    await saml?.close();
    await db?.destroy();
  });

  /** Begin → the IdP's own login page → its answer back at our callback. */
  async function oidcSignIn(email: string, password = IDP_PASSWORD) {
    const browser = new IdpBrowser();
    const start = await beginSso(db.prisma, lakesideOidc, { next: "/", browserSecret: BROWSER, appUrl: APP });
    const toLogin = await browser.follow(start, APP);
    expect(toLogin.last.text).toContain("Local OIDC identity provider");
    const back = await browser.follow(new URL(formAction(toLogin.last.text)!, oidc.issuer).toString(), APP, { form: { username: email, password } });
    expect(back.stoppedAt, back.last.text).toContain(`${APP}/api/sso/oidc/callback`);
    return new URL(back.stoppedAt!);
  }

  async function samlResponse(email: string, scenario: SamlScenario = "normal") {
    const browser = new IdpBrowser();
    saml.setScenario(scenario);
    const start = await beginSso(db.prisma, northwindSaml, { next: "/", browserSecret: BROWSER, appUrl: APP });
    const page = await browser.request(start);
    const posted = await browser.request(`${saml.url}/login`, { form: { pending: inputValue(page.text, "pending")!, username: email, password: IDP_PASSWORD } });
    expect(formAction(posted.text)).toBe(spUrls(northwindSaml, APP).samlAcsUrl);
    return { SAMLResponse: inputValue(posted.text, "SAMLResponse")!, RelayState: inputValue(posted.text, "RelayState")! };
  }

  const refusal = (p: Promise<unknown>) => p.then(() => "accepted", (e) => (e instanceof SsoError ? e.code : `threw ${(e as Error).message}`));
  const rolesOf = async (email: string, root: string) =>
    (await db.prisma.roleBinding.findMany({ where: { user: { email }, node: { rootId: root } }, select: { roleId: true, node: { select: { name: true } } }, orderBy: { nodeId: "asc" } })).map((b) => `${b.roleId}@${b.node.name}`).sort();

  test("OIDC: the therapist signs in at Lakeside's IdP and gets a server-side session with the mapped role", async () => {
    const done = await finishOidc(db.prisma, await oidcSignIn("therapist@lakeside.test"), meta, APP);
    const redeemed = await redeemTicket(db.prisma, done.ticket, BROWSER);
    expect(redeemed.userId).toBe(ids.get("therapist@lakeside.test"));
    const session = await openIdentitySession(db.prisma, redeemed.userId, meta, policy, "sso:oidc");
    expect(session.ok).toBe(true);
    if (session.ok) expect(await db.prisma.session.findUniqueOrThrow({ where: { id: session.sessionId } })).toMatchObject({ userId: redeemed.userId, ip: meta.ip, revokedAt: null });
    expect(await rolesOf("therapist@lakeside.test", lakeside)).toEqual(["builtin:provider@Lakeside Downtown"]);
    const audit = await db.prisma.auditEvent.findMany({ where: { tenantId: lakeside, action: { in: ["auth.sso_verified", "auth.sign_in"] } }, select: { action: true, details: true } });
    expect(audit.map((a) => a.action).sort()).toEqual(["auth.sign_in", "auth.sso_verified"]);
  });

  test("a ticket works once, only in the browser that began the sign-in", async () => {
    const done = await finishOidc(db.prisma, await oidcSignIn("therapist@lakeside.test"), meta, APP);
    expect(await refusal(redeemTicket(db.prisma, done.ticket, "another-browser"))).toBe("browser");
    await redeemTicket(db.prisma, done.ticket, BROWSER);
    expect(await refusal(redeemTicket(db.prisma, done.ticket, BROWSER))).toBe("expired");
  });

  test("OIDC: a replayed callback (same code and state) is refused", async () => {
    const callback = await oidcSignIn("therapist@lakeside.test");
    await finishOidc(db.prisma, callback, meta, APP);
    expect(await refusal(finishOidc(db.prisma, callback, meta, APP))).toBe("expired");
  });

  test("OIDC: a tampered state or a forged code is refused", async () => {
    const callback = await oidcSignIn("therapist@lakeside.test");
    const forged = new URL(callback);
    forged.searchParams.set("state", "not-ours");
    expect(await refusal(finishOidc(db.prisma, forged, meta, APP))).toBe("expired");
    const badCode = new URL(callback);
    badCode.searchParams.set("code", "forged-code");
    expect(await refusal(finishOidc(db.prisma, badCode, meta, APP))).toBe("idp_error");
  });

  test("JIT: a new IdP user gets an account managed by Lakeside with the mapped role; group changes apply at the next sign-in", async () => {
    expect(await db.prisma.user.findUnique({ where: { email: "nina.newhire@lakeside.test" } })).toBeNull();
    await redeemTicket(db.prisma, (await finishOidc(db.prisma, await oidcSignIn("nina.newhire@lakeside.test"), meta, APP)).ticket, BROWSER);
    const nina = await db.prisma.user.findUniqueOrThrow({ where: { email: "nina.newhire@lakeside.test" } });
    expect(nina).toMatchObject({ name: "Nina Newhire", managedByTenantId: lakeside, passwordHash: null, status: "ACTIVE" });
    expect(await rolesOf("nina.newhire@lakeside.test", lakeside)).toEqual(["builtin:provider@Lakeside Downtown"]);
    expect(await db.prisma.auditEvent.count({ where: { tenantId: lakeside, action: "member.provisioned", targetId: nina.id } })).toBe(1);

    // The IdP moves her out of the mapped group: the mapped role goes, the connection's default applies.
    oidcUsers.find((u) => u.email === "nina.newhire@lakeside.test")!.groups = ["physio-unmapped"];
    await finishOidc(db.prisma, await oidcSignIn("nina.newhire@lakeside.test"), meta, APP);
    expect(await rolesOf("nina.newhire@lakeside.test", lakeside)).toEqual(["builtin:front_desk@Lakeside Harbor"]);
  });

  test("Lakeside's IdP can't sign in (or create) anyone outside Lakeside's verified domains", async () => {
    const before = await db.prisma.user.findUnique({ where: { email: "intruder@northwind.test" } });
    expect(before).toBeNull();
    expect(await refusal(finishOidc(db.prisma, await oidcSignIn("intruder@northwind.test"), meta, APP))).toBe("domain_not_verified");
    expect(await db.prisma.user.findUnique({ where: { email: "intruder@northwind.test" } })).toBeNull();
    expect(await db.prisma.auditEvent.count({ where: { tenantId: lakeside, action: "auth.sso_refused" } })).toBeGreaterThan(0);
  });

  test("SAML: dr.lee signs in through Northwind's SAML IdP; a new SAML user is created just in time with the mapped role", async () => {
    const done = await finishSaml(db.prisma, northwindSaml, await samlResponse("dr.lee@northwind.test"), meta, APP);
    expect((await redeemTicket(db.prisma, done.ticket, BROWSER)).userId).toBe(ids.get("dr.lee@northwind.test"));
    const hana = await finishSaml(db.prisma, northwindSaml, await samlResponse("hana.hygienist@northwind.test"), meta, APP);
    expect(hana.created).toBe(true);
    expect(await rolesOf("hana.hygienist@northwind.test", northwind)).toEqual(["builtin:front_desk@Seattle Practice"]);
  });

  test.each<[SamlScenario, SsoErrorCode]>([
    ["unsigned", "unsigned"],
    ["tampered", "bad_signature"],
    ["wrong_audience", "wrong_audience"],
    ["expired", "assertion_expired"],
  ])("SAML: a %s assertion is refused (%s) and signs nobody in", async (scenario, code) => {
    const sessions = await db.prisma.session.count();
    const tickets = await db.prisma.ssoTransaction.count({ where: { ticketHash: { not: null } } });
    expect(await refusal(finishSaml(db.prisma, northwindSaml, await samlResponse("dr.lee@northwind.test", scenario), meta, APP))).toBe(code);
    expect(await db.prisma.session.count()).toBe(sessions);
    expect(await db.prisma.ssoTransaction.count({ where: { ticketHash: { not: null } } })).toBe(tickets);
  });

  test("SAML: a response replayed after it was accepted is refused", async () => {
    const response = await samlResponse("dr.lee@northwind.test");
    await finishSaml(db.prisma, northwindSaml, response, meta, APP);
    expect(await refusal(finishSaml(db.prisma, northwindSaml, response, meta, APP))).toBe("replay");
  });

  test("SAML: a response for another connection's request is refused", async () => {
    const response = await samlResponse("dr.lee@northwind.test");
    // Posted to Lakeside's (OIDC) connection id: not a SAML connection there.
    expect(await refusal(finishSaml(db.prisma, lakesideOidc, response, meta, APP))).toBe("unavailable");
  });

  test("require SSO: password sign-in is refused naming the IdP; Lakeside's owner keeps a break-glass password", async () => {
    resetAllLimits();
    expect(await signInWithPassword(db.prisma, { email: "therapist@lakeside.test", password: DEMO_PASSWORD }, meta, policy)).toEqual({ ok: false, message: SSO_REQUIRED("Lakeside IdP") });
    // An unknown address in the domain gets the same answer.
    expect(await signInWithPassword(db.prisma, { email: "ghost@lakeside.test", password: DEMO_PASSWORD }, meta, policy)).toEqual({ ok: false, message: SSO_REQUIRED("Lakeside IdP") });
    expect((await signInWithPassword(db.prisma, { email: "owner@lakeside.test", password: DEMO_PASSWORD }, meta, policy)).ok).toBe(true);
    // A wrong password of the exempt owner reads like everyone else's, so exemption doesn't show.
    expect(await signInWithPassword(db.prisma, { email: "owner@lakeside.test", password: "wrong-password-1" }, meta, policy)).toEqual({ ok: false, message: SSO_REQUIRED("Lakeside IdP") });
    // Northwind has SSO but doesn't require it: passwords still work there.
    expect((await signInWithPassword(db.prisma, { email: "manager@northwind.test", password: DEMO_PASSWORD }, meta, policy)).ok).toBe(true);
  });

  test("the session policy holds for SSO: IP allowlist and concurrent-session limit", async () => {
    const therapist = ids.get("therapist@lakeside.test")!;
    await db.prisma.$transaction((tx) => storeSecuritySettings(tx, lakeside, { ...DEFAULT_SECURITY_SETTINGS, ipAllowlist: { enabled: true, ranges: [{ cidr: "198.51.100.0/24", label: "clinic", roleIds: [] }] } }, therapist));
    expect(await openIdentitySession(db.prisma, therapist, meta, policy, "sso:oidc")).toMatchObject({ ok: false, message: expect.stringContaining("network") });
    await db.prisma.$transaction((tx) => storeSecuritySettings(tx, lakeside, { ...DEFAULT_SECURITY_SETTINGS, sessions: { ...DEFAULT_SECURITY_SETTINGS.sessions, maxConcurrent: 1, onLimit: "refuse" } }, therapist));
    await db.prisma.session.updateMany({ where: { userId: therapist }, data: { revokedAt: new Date() } });
    expect((await openIdentitySession(db.prisma, therapist, meta, policy, "sso:oidc")).ok).toBe(true);
    expect(await openIdentitySession(db.prisma, therapist, meta, policy, "sso:oidc")).toMatchObject({ ok: false, message: expect.stringContaining("already signed in") });
    await db.prisma.$transaction((tx) => storeSecuritySettings(tx, lakeside, DEFAULT_SECURITY_SETTINGS, therapist));
  });
});
