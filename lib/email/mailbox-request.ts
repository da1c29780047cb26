import "server-only";
import { headers } from "next/headers";
import { clientIp } from "../auth/request-meta";
import { currentSession } from "../auth/session";
import { config } from "../config";
import { securityEnv } from "../security/env";
import { E2E_TOKEN_HEADER, mayReadMailbox } from "./mailbox-access";

/**
 * For the /dev/mailbox page and GET /api/dev/mailbox: the mailbox directory when it is on and this
 * request may read it (mailbox-access.ts), else null, which both answer as 404.
 */
export async function mailboxForRequest(): Promise<string | null> {
  const dir = securityEnv().devMailboxDir;
  if (!dir) return null;
  const h = await headers();
  const session = await currentSession();
  const allowed = mayReadMailbox({
    ip: clientIp(h, config().trustProxy),
    isPlatformStaff: session?.user.isPlatformStaff === true,
    unverifiedToken: h.get(E2E_TOKEN_HEADER),
    e2eToken: process.env.E2E_RESET_TOKEN,
  });
  return allowed ? dir : null;
}
