import type { Metadata } from "next";
import Link from "next/link";
import { CareHeader, EmptyState, cardClass, linkButton } from "@/components/care/ui";
import { NewPatientForm } from "@/components/patients/patient-forms";
import { AppError } from "@/lib/api/errors";
import { decide, lookupNode, mask, subtreeIds } from "@/lib/authz";
import { can, holds } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";
import { FIELD_LABELS, PATIENT_FIELDS, listPatients, listSchema, patientCountLabel } from "@/lib/patients/patients";

export const metadata: Metadata = { title: "Patients" };

export default async function PatientsPage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { subject, node } = await requirePage((await params).nodeId, "patients");
  const sp = await searchParams;
  const parsed = listSchema.safeParse({ nodeId: node.id, q: typeof sp.q === "string" ? sp.q : undefined, after: typeof sp.after === "string" ? sp.after : undefined });
  const input = parsed.success ? parsed.data : { nodeId: node.id };
  const db = await prisma();
  let problem: string | null = parsed.success ? null : "That page link is broken: showing the first page.";
  const result = await db
    .$transaction((tx) => listPatients(tx, { subject, userId: subject.userId, ip: null }, input))
    .catch(async (err) => {
      if (!(err instanceof AppError) || err.code !== "invalid") throw err;
      problem = "That page link is broken: showing the first page.";
      return db.$transaction((tx) => listPatients(tx, { subject, userId: subject.userId, ip: null }, { nodeId: node.id, q: input.q }));
    });
  const columns = PATIENT_FIELDS.filter((f) => f !== "firstName" && f !== "lastName" && result.rows.some((r) => f in r.fields));
  const canExport = can(subject, "patients.export", node.id);
  // Where a new patient can be added: the locations here the role may add patients at.
  const tree = subject.trees.find((t) => t.rootId === node.tenantId)!;
  const locations = holds(subject, "patients.create", node.id)
    ? subtreeIds(tree, node.id)
        .map((id) => lookupNode(subject, id)!)
        .filter((n) => n.kind === "LOCATION" && !n.archived && decide(subject, "patients.create", { nodeId: n.id }))
        .map((n) => ({ id: n.id, name: n.name }))
    : [];
  // The fields a new record's creator may fill in: the ones mask() would let them see and change.
  const probe = mask(subject, "patients", { nodeId: locations[0]?.id ?? node.id, ownerId: null, assigneeIds: [subject.userId] }, Object.fromEntries(PATIENT_FIELDS.map((f) => [f, ""])));
  const newFields = PATIENT_FIELDS.filter((f) => f === "firstName" || f === "lastName" || !(probe.hidden.includes(f) || probe.readOnly.includes(f))).map((f) => ({ name: f, label: FIELD_LABELS[f], type: f === "dateOfBirth" ? "date" : undefined }));
  const base = `/o/${node.id}/patients`;
  const q = input.q ?? "";

  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader title="Patients" subtitle={`${patientCountLabel(result)} you can see at ${node.name}.`}>
          {canExport && (
            <a className={linkButton.secondary} href={`/api/patients/export?nodeId=${node.id}${q ? `&q=${encodeURIComponent(q)}` : ""}`} data-testid="export-patients">
              Export CSV
            </a>
          )}
        </CareHeader>
        <form role="search" className="mt-4 flex flex-wrap items-end gap-2" action={base}>
          <label htmlFor="patient-search" className="sr-only">
            Search patients by name
          </label>
          <input id="patient-search" name="q" defaultValue={q} placeholder="Search by name" className="block w-64 rounded-md border border-slate-300 px-3 py-2 text-sm" />
          <button type="submit" className={linkButton.secondary}>
            Search
          </button>
        </form>
        {problem && (
          <p role="alert" className="mt-3 text-sm text-red-700">
            {problem}
          </p>
        )}
      </section>

      {result.rows.length === 0 ? (
        <EmptyState title={q ? "No patients match that search" : "No patients here yet"} testId="patients-empty" />
      ) : (
        <section className={cardClass} aria-labelledby="patient-list">
          <h3 id="patient-list" className="sr-only">
            Patient list
          </h3>
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm" data-testid="patients-table">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-4">
                    Name
                  </th>
                  <th scope="col" className="py-2 pr-4">
                    Location
                  </th>
                  {columns.map((c) => (
                    <th key={c} scope="col" className="py-2 pr-4">
                      {FIELD_LABELS[c]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {result.rows.map((p) => (
                  <tr key={p.id} data-testid="patient-row">
                    <td className="py-2 pr-4">
                      <Link className="font-medium text-brand-700 underline" href={`${base}/${p.id}`}>
                        {p.fields.lastName}, {p.fields.firstName}
                      </Link>
                    </td>
                    <td className="py-2 pr-4 text-slate-600">{p.locationName}</td>
                    {columns.map((c) => (
                      <td key={c} className="py-2 pr-4 text-slate-700">
                        {p.fields[c] ?? "—"}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav aria-label="Pages" className="mt-3 flex gap-2">
            {input.after && (
              <Link className={linkButton.secondary} href={`${base}${q ? `?q=${encodeURIComponent(q)}` : ""}`}>
                First page
              </Link>
            )}
            {result.next && (
              <Link className={linkButton.secondary} href={`${base}?${new URLSearchParams({ ...(q ? { q } : {}), after: result.next })}`}>
                Next page
              </Link>
            )}
          </nav>
        </section>
      )}

      {locations.length > 0 && (
        <section className={cardClass} aria-labelledby="new-patient">
          <h3 id="new-patient" className="mb-3 text-sm font-semibold text-slate-800">
            Add a patient
          </h3>
          <NewPatientForm locations={locations} fields={newFields} />
        </section>
      )}
    </div>
  );
}
