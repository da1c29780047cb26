import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PrintButton } from "@/components/activity/print-button";
import { patientAccessHistory, patientHere } from "@/lib/audit/history";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Patient access history" };

const when = (iso: string) => iso.replace("T", " ").slice(0, 19) + " UTC";

/** Who opened this chart, when, from where, under which role (issue 9). */
export default async function PatientAccessPage({ params }: { params: Promise<{ nodeId: string; patientId: string }> }) {
  const { nodeId, patientId } = await params;
  const { node } = await requirePage(nodeId, "settings.activity");
  const db = await prisma();
  const place = { id: node.id, tenantId: node.tenantId };
  const patient = await patientHere(db, place, patientId);
  if (!patient) notFound();
  const history = await patientAccessHistory(db, place, patient.id);
  return (
    <div className="space-y-5">
      <Link href={`/o/${node.id}/settings/activity`} className="text-sm font-medium text-brand-700 hover:underline print:hidden">← Activity log</Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-xl font-semibold">Access history: {patient.name}</h2>
          <p className="mt-1 text-sm text-slate-600">Everyone who opened this chart, read its notes, exported it or saw it in a list ({history.total} events{history.total > history.rows.length ? `, newest ${history.rows.length} shown` : ""}).</p>
        </div>
        <PrintButton />
      </div>
      {history.rows.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-6 text-sm text-slate-600">Nobody has opened this chart yet.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Access to {patient.name}&apos;s record</caption>
            <thead className="bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">When</th>
                <th scope="col" className="px-3 py-2 font-medium">Who</th>
                <th scope="col" className="px-3 py-2 font-medium">Role (now)</th>
                <th scope="col" className="px-3 py-2 font-medium">What</th>
                <th scope="col" className="px-3 py-2 font-medium">From where</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {history.rows.map((r) => (
                <tr key={r.id} className="align-top">
                  <td className="px-3 py-2 tabular-nums text-slate-700">{when(r.at)}</td>
                  <td className="px-3 py-2">{r.actor ? <Link className="text-brand-700 hover:underline" href={`/o/${node.id}/settings/activity/people/${r.actor.id}`}>{r.actor.name}</Link> : "—"}</td>
                  <td className="px-3 py-2 text-slate-700">{history.rolesOf(r.actor?.id).join("; ") || "No role now"}</td>
                  <td className="px-3 py-2">{r.action}{r.place ? ` at ${r.place.name}` : ""}</td>
                  <td className="px-3 py-2 text-slate-700">{r.ip ?? "—"}<br /><span className="text-xs text-slate-500 break-all">{r.userAgent ?? ""}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
