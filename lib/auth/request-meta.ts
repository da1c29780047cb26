import { isIP } from "node:net";

/**
 * Set by our own HTTP server (scripts/serve.ts) from the socket's address, after removing any
 * copy the client sent, so it can be believed.
 */
export const PEER_HEADER = "x-careaccess-peer";

/**
 * The client's IP. X-Forwarded-For is written by whoever sent the request, so it is believed only
 * when TRUST_PROXY says a proxy we run in front of the app sets it.
 */
export function clientIp(headers: Headers, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded && isIP(forwarded)) return forwarded;
  }
  const peer = headers.get(PEER_HEADER)?.trim();
  return peer && isIP(peer) ? peer.replace(/^::ffff:/, "") : null;
}
