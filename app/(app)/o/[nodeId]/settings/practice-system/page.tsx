import type { Metadata } from "next";
import { PracticeSystemPanel } from "@/components/practice/practice-system-panel";
import { featureVisible } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { requirePage } from "@/lib/context/server";
import { PracticeSystemClient, practiceClientFromEnv } from "@/lib/practice/connector";
import { emSyncStatus } from "@/lib/practice/em-push";

export const metadata: Metadata = { title: "Practice system" };
export const dynamic = "force-dynamic";

/**
 * Practice settings → Practice system (issue 14): the legacy migration (preflight, mapping, dry
 * run, apply, rollback) and EM Sync with its status panel, for the enterprise's owners and admins.
 */
export default async function PracticeSystemPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.practice-system");
  const env = practiceClientFromEnv();
  // A short timeout: the page still renders (with the error state) while the practice system is down.
  const client = new PracticeSystemClient(env.baseUrl, { token: process.env.PRACTICE_SYSTEM_TOKEN || undefined, timeoutMs: 3000 });
  const [practices, status] = await Promise.all([client.practices().then((p) => ({ ok: true as const, list: p }), (e: Error) => ({ ok: false as const, error: e.message })), emSyncStatus(await prisma(), client, node.id)]);
  return (
    <div className="space-y-4">
      <h2 className="text-lg font-semibold">Practice system</h2>
      <p className="text-sm text-slate-600">
        Move <span className="font-medium text-slate-900">{node.name}</span>&apos;s people and their permissions from the practice system into enterprise management, then keep both in
        step with EM Sync. Nobody gains or loses a permission: each person gets the closest role plus adjustments.
      </p>
      <PracticeSystemPanel
        nodeId={node.id}
        practiceName={node.name}
        practices={practices.ok ? practices.list : []}
        practicesError={practices.ok ? null : practices.error}
        initialStatus={status}
        emSyncAllowed={featureVisible(subject, node.id, "emSync")}
      />
    </div>
  );
}
