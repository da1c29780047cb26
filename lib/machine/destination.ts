import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/**
 * Where a webhook may be sent. A tenant admin types the URL, so without this check a webhook is a
 * way to make our servers POST to the cloud metadata service, the database port or anything else
 * on the private network (SSRF). Only public unicast addresses are allowed, unless the deployment
 * says otherwise (WEBHOOK_ALLOW_PRIVATE; on by default for the embedded demo database, whose e2e and
 * integration tests run their receivers on 127.0.0.1).
 */

/** Why this address is not a public destination, or null when it is. */
export function nonPublicAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === "unicast" ? null : `${address} is a ${range} address`;
}

/** A problem with the URL's host that needs no DNS (an IP literal or localhost), or null. */
export function endpointHostProblem(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null; // the URL schema reports malformed URLs
  }
  if (host === "localhost" || host.endsWith(".localhost")) return "Webhooks can't be sent to this machine (localhost).";
  if (ipaddr.isValid(host) && nonPublicAddress(host)) return `Webhooks can't be sent to private or internal addresses (${host}).`;
  return null;
}

/**
 * Checked right before each delivery, on the addresses the name resolves to now (a public name can
 * be pointed at a private address after the endpoint was saved).
 */
export async function refusedDestination(url: string): Promise<string | null> {
  const literal = endpointHostProblem(url);
  if (literal) return literal;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host)) return null;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return `${host} could not be resolved.`;
  }
  for (const { address } of addresses) {
    const why = nonPublicAddress(address);
    if (why) return `Webhooks can't be sent to private or internal addresses (${host} → ${why}).`;
  }
  return null;
}
