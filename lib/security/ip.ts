import ipaddr from "ipaddr.js";

/** CIDR ranges (IPv4 and IPv6) with ipaddr.js. A bare address is a single-host range. */
export function parseCidr(raw: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  const value = raw.trim();
  try {
    if (value.includes("/")) return ipaddr.parseCIDR(value);
    const addr = ipaddr.parse(value);
    return [addr, addr.kind() === "ipv4" ? 32 : 128];
  } catch {
    return null;
  }
}

export function isValidCidr(raw: string): boolean {
  return parseCidr(raw) !== null;
}

/** Normalises "::ffff:10.0.0.1" to "10.0.0.1" so IPv4 ranges match IPv4-mapped IPv6 peers. */
function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const addr = ipaddr.parse(ip.trim());
    if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return (addr as ipaddr.IPv6).toIPv4Address();
    return addr;
  } catch {
    return null;
  }
}

export function ipInRange(ip: string, cidr: string): boolean {
  const addr = parseAddress(ip);
  const range = parseCidr(cidr);
  if (!addr || !range) return false;
  let [net, bits] = range;
  if (net.kind() === "ipv6" && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    net = (net as ipaddr.IPv6).toIPv4Address();
    bits -= 96;
  }
  if (addr.kind() !== net.kind()) return false;
  return addr.match(net as never, bits);
}

export function ipInAny(ip: string | null | undefined, cidrs: readonly string[]): boolean {
  return !!ip && cidrs.some((c) => ipInRange(ip, c));
}
