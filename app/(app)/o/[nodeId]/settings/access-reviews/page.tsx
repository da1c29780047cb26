import type { Metadata } from "next";
import Link from "next/link";
import { ScheduleReviewForm } from "@/components/access-reviews/review-forms";
import { listReviews } from "@/lib/access-reviews/reviews";
import { can } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Access reviews" };

const day = (iso: string) => iso.slice(0, 10);
const STATUS: Record<string, string> = { scheduled: "Scheduled", open: "Open", completed: "Completed" };

/** Access review campaigns (issue 9): the owner schedules them; reviewers see those with lines at their places. */
export default async function AccessReviewsPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.access-reviews");
  const db = await prisma();
  const reviews = await listReviews(db, subject, node.tenantId);
  const canSchedule = can(subject, "access_reviews.schedule", node.id);
  return (
    <div className="space-y-6">
      <div>
        <h2 className="text-xl font-semibold">Access reviews</h2>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          A review lists everyone who holds a role at a place and below, with their last sign-in. The admins of each place certify each line or revoke it; a revocation takes effect at once. Owner roles are not reviewed (only an owner can change them).
        </p>
      </div>
      {canSchedule && (
        <section className="space-y-2" aria-labelledby="schedule">
          <h3 id="schedule" className="font-semibold">Review {node.name}</h3>
          <ScheduleReviewForm nodeId={node.id} place={node.name} />
        </section>
      )}
      <section className="space-y-2" aria-labelledby="campaigns">
        <h3 id="campaigns" className="font-semibold">Reviews</h3>
        {reviews.length === 0 ? (
          <p className="text-sm text-slate-600">No access reviews {canSchedule ? "yet: schedule one above." : "include people at your places."}</p>
        ) : (
          <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-slate-700">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">Place</th>
                  <th scope="col" className="px-4 py-2 font-medium">Status</th>
                  <th scope="col" className="px-4 py-2 font-medium">Starts</th>
                  <th scope="col" className="px-4 py-2 font-medium">Due</th>
                  <th scope="col" className="px-4 py-2 font-medium">Repeat</th>
                  <th scope="col" className="px-4 py-2 font-medium">Progress</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {reviews.map((r) => (
                  <tr key={r.id}>
                    <td className="px-4 py-2">
                      {r.status === "scheduled" ? r.place : <Link href={`/o/${node.id}/settings/access-reviews/${r.id}`} className="font-medium text-brand-700 hover:underline">{r.place}</Link>}
                    </td>
                    <td className="px-4 py-2">{STATUS[r.status]}</td>
                    <td className="px-4 py-2 tabular-nums">{day(r.startsAt)}</td>
                    <td className="px-4 py-2 tabular-nums">{day(r.dueAt)}</td>
                    <td className="px-4 py-2">{r.repeat === "quarterly" ? "Every quarter" : "Once"}</td>
                    <td className="px-4 py-2">
                      {r.status === "completed" && r.outcome ? `${r.outcome.certified} certified, ${r.outcome.revoked} revoked` : r.status === "open" ? `${r.pending} left to decide` : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
