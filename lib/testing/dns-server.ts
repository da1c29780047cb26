import dns2 from "dns2";

/**
 * A real DNS responder on 127.0.0.1 (UDP, dns2) for domain-verification tests: answers TXT
 * questions from `records` (changeable while it runs), NXDOMAIN-free empty answers otherwise.
 */
export interface DnsResponder {
  /** "127.0.0.1:<port>", for DNS_RESOLVERS / txtLookup(). */
  server: string;
  records: Map<string, string[]>;
  close(): Promise<void>;
}

export async function startDnsResponder(opts: { port?: number } = {}): Promise<DnsResponder> {
  const records = new Map<string, string[]>();
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      if (question && question.type === Packet.TYPE.TXT) {
        for (const data of records.get(question.name.toLowerCase()) ?? []) {
          response.answers.push({ name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 5, data } as never);
        }
      }
      send(response);
    },
  });
  const addresses = (await server.listen({ udp: { port: opts.port ?? 0, address: "127.0.0.1", type: "udp4" } } as never)) as { udp: { port: number } };
  return { server: `127.0.0.1:${addresses.udp.port}`, records, close: async () => void (await server.close()) };
}
