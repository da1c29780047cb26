import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DecideLine } from "@/components/access-reviews/review-forms";
import { reviewLines } from "@/lib/access-reviews/reviews";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Access review" };

const when = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 16) + " UTC" : "Never");
const DECISION: Record<string, string> = { pending: "Waiting", certified: "Certified", revoked: "Revoked" };

/** One campaign: the lines at the reviewer's places, with Certify / Revoke while open; the report once completed. */
export default async function AccessReviewPage({ params }: { params: Promise<{ nodeId: string; reviewId: string }> }) {
  const { nodeId, reviewId } = await params;
  const { subject, node } = await requirePage(nodeId, "settings.access-reviews");
  const db = await prisma();
  const review = /^[0-9a-f-]{36}$/i.test(reviewId) ? await db.accessReview.findFirst({ where: { id: reviewId, tenantId: node.tenantId } }) : null;
  if (!review) notFound();
  const lines = await reviewLines(db, subject, review.id);
  if (lines.length === 0 && review.status !== "completed") notFound();
  const place = (await db.orgNode.findUnique({ where: { id: review.nodeId }, select: { name: true } }))?.name ?? "a removed place";
  const outcome = review.outcome as { total: number; certified: number; revoked: number; inactive: number } | null;
  const mine = lines.filter((l) => l.canDecide).length;
  return (
    <div className="space-y-5">
      <Link href={`/o/${node.id}/settings/access-reviews`} className="text-sm font-medium text-brand-700 hover:underline print:hidden">← Access reviews</Link>
      <div>
        <h2 className="text-xl font-semibold">{review.status === "completed" ? "Access review report" : "Access review"}: {place}</h2>
        <p className="mt-1 text-sm text-slate-600">
          Opened {when(review.openedAt?.toISOString() ?? null)} · due {review.dueAt.toISOString().slice(0, 10)}
          {review.completedAt ? ` · completed ${when(review.completedAt.toISOString())}` : ""}
        </p>
      </div>
      {review.status === "completed" && outcome ? (
        <section aria-labelledby="outcome" className="rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
          <h3 id="outcome" className="font-semibold">Outcome</h3>
          <p>{outcome.total} lines: {outcome.certified} certified, {outcome.revoked} revoked; {outcome.inactive} had not signed in for 30 days.</p>
        </section>
      ) : (
        <p role="status" className="text-sm text-slate-700">{mine ? `${mine} ${mine === 1 ? "line waits" : "lines wait"} for your decision.` : "Nothing waits for your decision."}</p>
      )}
      {lines.length === 0 ? (
        <p className="text-sm text-slate-600">No lines at your places.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Who holds what at {place}</caption>
            <thead className="bg-slate-50 text-left text-slate-700">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Person</th>
                <th scope="col" className="px-4 py-2 font-medium">Place</th>
                <th scope="col" className="px-4 py-2 font-medium">Role</th>
                <th scope="col" className="px-4 py-2 font-medium">Last sign-in</th>
                <th scope="col" className="px-4 py-2 font-medium">Decision</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {lines.map((l) => (
                <tr key={l.id} data-testid={`line-${l.email}-${l.place}`}>
                  <td className="px-4 py-2">
                    <span className="font-medium text-slate-900">{l.person}</span>
                    <span className="block text-slate-600">{l.email}</span>
                  </td>
                  <td className="px-4 py-2">{l.place}</td>
                  <td className="px-4 py-2">{l.role}</td>
                  <td className="px-4 py-2 tabular-nums">
                    {when(l.lastSignInAt)}
                    {l.inactive && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">Inactive 30+ days</span>}
                  </td>
                  <td className="px-4 py-2">
                    {l.canDecide ? (
                      <DecideLine lineId={l.id} person={l.person} />
                    ) : (
                      <span className={l.decision === "revoked" ? "font-medium text-red-700" : l.decision === "certified" ? "text-emerald-800" : "text-slate-600"}>
                        {DECISION[l.decision]}
                        {l.decidedBy ? ` by ${l.decidedBy}` : ""}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
