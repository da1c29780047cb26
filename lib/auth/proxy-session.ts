import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * proxy.ts decodes the session cookie (next-auth's JWT) for every request; the route would decode it
 * again. Instead the proxy hands the session id on in request headers with an HMAC under the auth
 * secret (issue 15: no repeated work between proxy.ts and the route). The proxy deletes both headers
 * from every incoming request, and a forged pair fails the HMAC anyway: then the cookie is decoded.
 */
export const SID_HEADER = "x-careaccess-sid";
export const SID_MAC_HEADER = "x-careaccess-sid-mac";

const mac = (secret: string, sid: string) => createHmac("sha256", secret).update(`proxy-sid:${sid}`).digest("base64url");

export function signedSidHeaders(secret: string, sid: string): [string, string][] {
  return [
    [SID_HEADER, sid],
    [SID_MAC_HEADER, mac(secret, sid)],
  ];
}

/** The session id the proxy vouched for, or null (no headers, or not signed with `secret`). */
export function verifiedSid(secret: string, headers: Headers): string | null {
  const sid = headers.get(SID_HEADER);
  const given = headers.get(SID_MAC_HEADER);
  if (!sid || !given) return null;
  const expected = Buffer.from(mac(secret, sid));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? sid : null;
}
