import ipaddr from "ipaddr.js";
import type { Tx } from "../db/client";

/**
 * The network range an address belongs to, for the new_network alert: IPv4 /24, IPv6 /48
 * (an IPv4-mapped IPv6 address counts as IPv4). Null for anything that isn't an IP address.
 * Country is not judged: that needs a geo-IP database, which this deployment doesn't ship.
 */
export function networkRange(ip: string | null | undefined): string | null {
  if (!ip || !ipaddr.isValid(ip)) return null;
  const addr = ipaddr.process(ip);
  const bits = addr.kind() === "ipv4" ? 24 : 48;
  const parts = addr.toByteArray();
  const bytes = bits / 8;
  const masked = parts.map((b, i) => (i < bytes ? b : 0));
  const network = ipaddr.fromByteArray(masked);
  return `${network.toString()}/${bits}`;
}

/**
 * Records that the person signed in from this range in this tenant. Returns "new" when the range
 * wasn't known for them before and they had signed in from another one already, "first" for their
 * first range (the baseline: no alert), "known" otherwise.
 */
export async function noteNetwork(tx: Tx, tenantId: string, userId: string, network: string): Promise<"new" | "first" | "known"> {
  const inserted = await tx.$executeRaw`INSERT INTO "audit_known_networks" ("tenant_id", "user_id", "network") VALUES (${tenantId}::uuid, ${userId}::uuid, ${network}) ON CONFLICT DO NOTHING`;
  if (inserted === 0) return "known";
  const others = await tx.auditKnownNetwork.count({ where: { tenantId, userId, network: { not: network } } });
  return others > 0 ? "new" : "first";
}
