import type { Metadata } from "next";
import { AuthShell } from "@/components/account/shell";
import { SignOutButton } from "@/components/sign-out-button";
import { IP_REFUSED } from "@/lib/security/ip-gate";
import { requestMeta } from "@/lib/security/http";

export const metadata: Metadata = { title: "Access from this network isn't allowed" };
export const dynamic = "force-dynamic";

export default async function BlockedPage() {
  const { ip } = await requestMeta();
  return (
    <AuthShell title="Access from this network isn't allowed">
      <div className="mt-4 space-y-4 text-sm text-slate-700">
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900">
          {IP_REFUSED}
        </p>
        <p>
          Your address: <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900">{ip ?? "unknown"}</code>. This attempt was recorded in your organisation's audit log.
        </p>
        <SignOutButton />
      </div>
    </AuthShell>
  );
}
