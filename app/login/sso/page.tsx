import type { Metadata } from "next";
import { AuthShell } from "@/components/account/shell";
import { CompleteSsoSignIn } from "@/components/identity/complete-sso";
import { safeNextPath } from "@/lib/security/next-path";

export const metadata: Metadata = { title: "Signing you in" };
export const dynamic = "force-dynamic";

/** Where the IdP callback sends the browser: the ticket becomes a session through next-auth. */
export default async function SsoCompletePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const p = await searchParams;
  return (
    <AuthShell title="Signing you in" subtitle="Your organisation's identity provider confirmed who you are.">
      <CompleteSsoSignIn ticket={p.ticket ?? ""} next={safeNextPath(p.next)} />
    </AuthShell>
  );
}
