/**
 * Who may read the development mailbox (it holds every reset link, so reading it takes over
 * accounts): signed-in platform staff from a loopback address, or the e2e token; nobody else.
 */
import { describe, expect, it } from "vitest";
import { isLoopback, mayReadMailbox, type MailboxRequest } from "./mailbox-access";

const TOKEN = "0123456789abcdef0123456789abcdef";
const req = (r: Partial<MailboxRequest>): MailboxRequest => ({ ip: null, isPlatformStaff: false, unverifiedToken: null, e2eToken: undefined, ...r });

describe("mayReadMailbox", () => {
  it.each([
    // who                                            request                                                                    may read?
    ["anonymous, from loopback",                      req({ ip: "127.0.0.1" }),                                                   false],
    ["anonymous, from the network",                   req({ ip: "203.0.113.9" }),                                                 false],
    ["signed-in non-staff, from loopback",            req({ ip: "127.0.0.1", isPlatformStaff: false }),                           false],
    ["platform staff, from loopback (IPv4)",          req({ ip: "127.0.0.1", isPlatformStaff: true }),                            true],
    ["platform staff, from loopback (IPv6)",          req({ ip: "::1", isPlatformStaff: true }),                                  true],
    ["platform staff, from loopback (mapped IPv4)",   req({ ip: "::ffff:127.0.0.1", isPlatformStaff: true }),                     true],
    ["platform staff, from the network",              req({ ip: "203.0.113.9", isPlatformStaff: true }),                          false],
    ["platform staff, address unknown",               req({ ip: null, isPlatformStaff: true }),                                   false],
    ["the right e2e token",                           req({ ip: "203.0.113.9", unverifiedToken: TOKEN, e2eToken: TOKEN }),        true],
    ["a wrong e2e token",                             req({ ip: "127.0.0.1", unverifiedToken: TOKEN.replace("0", "1"), e2eToken: TOKEN }), false],
    ["a token of another length",                     req({ ip: "127.0.0.1", unverifiedToken: TOKEN + "0", e2eToken: TOKEN }),    false],
    ["a token when the app has none",                 req({ ip: "127.0.0.1", unverifiedToken: TOKEN, e2eToken: undefined }),      false],
    ["an empty token when the app's is empty",        req({ ip: "127.0.0.1", unverifiedToken: "", e2eToken: "" }),                false],
  ])("%s → %s", (_who, request, allowed) => {
    expect(mayReadMailbox(request)).toBe(allowed);
  });
});

describe("isLoopback", () => {
  it.each([
    ["127.0.0.1", true], ["127.8.9.10", true], ["::1", true], ["0:0:0:0:0:0:0:1", true], ["::ffff:127.0.0.1", true],
    ["10.0.0.1", false], ["192.168.1.5", false], ["::ffff:10.0.0.1", false], ["fe80::1", false], ["::", false], ["localhost", false], ["", false], [null, false],
  ])("%s → %s", (ip, expected) => {
    expect(isLoopback(ip)).toBe(expected);
  });
});
