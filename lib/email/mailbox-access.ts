import { timingSafeEqual } from "node:crypto";
import { BlockList, isIP } from "node:net";

/**
 * Who may read the development mailbox. It holds every password-reset, invitation and activation
 * link the app sent, so reading it is taking over any account: it answers only
 *  - platform staff, signed in, on this machine (the request came from a loopback socket address,
 *    as lib/auth/request-meta.ts's clientIp() sees it; a forwarded header counts only with
 *    TRUST_PROXY), for the README's walkthrough; or
 *  - the e2e run, which sends E2E_RESET_TOKEN (set only by playwright.config.ts) in the
 *    `x-e2e-token` header.
 * Everyone else gets 404, as if it didn't exist. Pure, so the table in mailbox-access.test.ts is the rule.
 */
export const E2E_TOKEN_HEADER = "x-e2e-token";

export interface MailboxRequest {
  /** The client's IP from clientIp(); null when unknown (never treated as loopback). */
  ip: string | null;
  /** The signed-in person is platform staff (false when nobody is signed in). */
  isPlatformStaff: boolean;
  /** The x-e2e-token header as sent: untrusted. */
  unverifiedToken: string | null;
  /** E2E_RESET_TOKEN of this app; unset outside e2e runs. */
  e2eToken: string | undefined;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

export function isLoopback(ip: string | null): boolean {
  const addr = ip?.trim().replace(/^::ffff:(?=\d+\.)/i, "") ?? "";
  const family = isIP(addr);
  return family !== 0 && LOOPBACK.check(addr, family === 4 ? "ipv4" : "ipv6");
}

export function tokenMatches(sent: string | null, expected: string | undefined): boolean {
  if (!sent || !expected || expected.length < 16) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function mayReadMailbox(req: MailboxRequest): boolean {
  if (tokenMatches(req.unverifiedToken, req.e2eToken)) return true;
  return req.isPlatformStaff && isLoopback(req.ip);
}
