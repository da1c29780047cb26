import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActivityTable } from "@/components/activity/activity-table";
import { personHere, personHistory } from "@/lib/audit/history";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Person's history" };

/** A person's history (issue 9): what they did and what was done to their account, in the viewer's scope. */
export default async function PersonHistoryPage({ params }: { params: Promise<{ nodeId: string; userId: string }> }) {
  const { nodeId, userId } = await params;
  const { node } = await requirePage(nodeId, "settings.activity");
  const db = await prisma();
  const place = { id: node.id, tenantId: node.tenantId };
  const person = await personHere(db, place, userId);
  if (!person) notFound();
  const { did, about } = await personHistory(db, place, person.id);
  return (
    <div className="space-y-5">
      <Link href={`/o/${node.id}/settings/activity`} className="text-sm font-medium text-brand-700 hover:underline">← Activity log</Link>
      <div>
        <h2 className="text-xl font-semibold">History of {person.name}</h2>
        <p className="mt-1 text-sm text-slate-600">{person.email}</p>
      </div>
      <section className="space-y-2">
        <h3 className="font-semibold">What they did ({did.total})</h3>
        <ActivityTable rows={did.rows} empty="No recorded actions." />
        {did.total > did.rows.length && <Link className="text-sm font-medium text-brand-700 hover:underline" href={`/o/${node.id}/settings/activity?actor=${person.id}`}>All {did.total} in the activity log</Link>}
      </section>
      <section className="space-y-2">
        <h3 className="font-semibold">Changes to their account and access ({about.total})</h3>
        <ActivityTable rows={about.rows} empty="Nothing recorded." />
        {about.total > about.rows.length && <Link className="text-sm font-medium text-brand-700 hover:underline" href={`/o/${node.id}/settings/activity?targetType=user&targetId=${person.id}`}>All {about.total} in the activity log</Link>}
      </section>
    </div>
  );
}
