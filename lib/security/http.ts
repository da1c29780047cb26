import "server-only";
import { headers } from "next/headers";
import { clientIp } from "../auth/request-meta";
import { config } from "../config";

/** The caller's IP and user agent inside a route handler or server component. */
export async function requestMeta(): Promise<{ ip: string | null; userAgent: string | null }> {
  const h = await headers();
  return { ip: clientIp(h, config().trustProxy), userAgent: h.get("user-agent") };
}
