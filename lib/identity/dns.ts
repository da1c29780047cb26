import { Resolver } from "node:dns/promises";

/**
 * TXT lookups for domain verification through a configurable resolver: DNS_RESOLVERS is a comma
 * list of `host[:port]` (tests run a local DNS responder on an ephemeral port); unset, the system's.
 */
export type TxtLookup = (name: string) => Promise<string[]>;

export function dnsResolvers(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.DNS_RESOLVERS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

export function txtLookup(servers: string[] = dnsResolvers()): TxtLookup {
  return async (name) => {
    const resolver = new Resolver({ timeout: 3000, tries: 2 });
    if (servers.length) resolver.setServers(servers);
    try {
      // A TXT record may be split into several strings of ≤255 bytes: join each record's parts.
      return (await resolver.resolveTxt(name)).map((parts) => parts.join(""));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ENODATA" || code === "ENOTFOUND") return [];
      throw new Error(code === "ETIMEOUT" || code === "ECONNREFUSED" ? "The DNS server didn't answer. Try again in a few minutes." : `The DNS lookup failed (${code ?? "error"}).`);
    }
  };
}
