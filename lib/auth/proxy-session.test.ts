/** The session id proxy.ts hands to the route (issue 15): trusted only with the HMAC under the auth secret. */
import { describe, expect, test } from "vitest";
import { cachingDecode, SID_HEADER, SID_MAC_HEADER, signedSidHeaders, verifiedSid } from "./proxy-session";

const secret = "s".repeat(40);
const headers = (pairs: [string, string][]) => new Headers(pairs);

describe("proxy session hand-off", () => {
  test("the proxy's own pair is accepted", () => {
    expect(verifiedSid(secret, headers(signedSidHeaders(secret, "abc123")))).toBe("abc123");
  });

  test("a client's forged, swapped, half or foreign-secret pair is not", () => {
    const [[, sid], [, mac]] = signedSidHeaders(secret, "victim-session");
    expect(verifiedSid(secret, headers([[SID_HEADER, "attacker-pick"], [SID_MAC_HEADER, mac]]))).toBeNull();
    expect(verifiedSid(secret, headers([[SID_HEADER, sid]]))).toBeNull();
    expect(verifiedSid(secret, headers([[SID_HEADER, sid], [SID_MAC_HEADER, "x".repeat(mac.length)]]))).toBeNull();
    expect(verifiedSid(secret, headers(signedSidHeaders("other".repeat(8), sid)))).toBeNull();
    expect(verifiedSid(secret, headers([]))).toBeNull();
  });
});

describe("the proxy's JWT decode cache", () => {
  test("decodes a token once, not past its exp, and never caches a failure", async () => {
    let calls = 0;
    const exp = Math.floor(Date.now() / 1000) + 2;
    const decode = cachingDecode(async ({ token }) => (calls++, token === "good" ? { sid: "s1", exp } : null));
    expect(await decode({ token: "good", secret })).toEqual({ sid: "s1", exp });
    expect(await decode({ token: "good", secret })).toEqual({ sid: "s1", exp });
    expect(calls).toBe(1);
    expect(await decode({ token: "bad", secret })).toBeNull();
    expect(await decode({ token: "bad", secret })).toBeNull();
    expect(calls).toBe(3);
    await new Promise((r) => setTimeout(r, 2100));
    await decode({ token: "good", secret });
    expect(calls).toBe(4);
  });
});
