import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { CareHeader, cardClass, linkButton } from "@/components/care/ui";
import { DeletePatientButton, EditNote, EditPatientForm, NoteForm, ShareForm } from "@/components/patients/patient-forms";
import { AppError } from "@/lib/api/errors";
import { decide, isWithin, type Subject } from "@/lib/authz";
import { requirePage } from "@/lib/context/server";
import { pageCrumb } from "@/lib/context/pages";
import { prisma } from "@/lib/db";
import { listNotes, noteRefForPatient, type NoteView } from "@/lib/patients/notes";
import { FIELD_LABELS, PATIENT_FIELDS, shareCandidates, viewPatient, type PatientView } from "@/lib/patients/patients";

export const metadata: Metadata = { title: "Patient" };

export default async function PatientPage({ params }: { params: Promise<{ nodeId: string; patientId: string }> }) {
  const { nodeId, patientId } = await params;
  const { subject, node } = await requirePage(nodeId, "patients");
  const db = await prisma();
  const actor = { subject, userId: subject.userId, ip: null };
  // One transaction: the read and its audit row (patient.read; clinical_note.read for the notes shown).
  const loaded = await db
    .$transaction(async (tx) => {
      const patient = await viewPatient(tx, actor, patientId);
      const tree = subject.trees.find((t) => t.rootId === node.tenantId)!;
      if (!isWithin(tree, patient.nodeId, node.id)) return null; // another place's patient: not found here
      const ref = noteRefs(subject, patient);
      const notes: NoteView[] | null = ref.canRead ? await listNotes(tx, actor, patient.id) : null;
      return { patient, notes, ...ref };
    })
    .catch((err) => {
      if (err instanceof AppError && err.code === "not_found") return null;
      throw err;
    });
  if (!loaded) notFound();
  const { patient, notes, canWrite } = loaded;
  const patientRef = { nodeId: patient.nodeId, ownerId: patient.primaryProvider?.id ?? null, assigneeIds: patient.sharedWith.map((s) => s.id) };
  // Contact-only roles don't see the providers, so decide on the record as stored.
  const stored = await db.patient.findUniqueOrThrow({ where: { id: patient.id }, select: { primaryProviderId: true, assignments: { select: { userId: true } } } });
  const ref = { ...patientRef, ownerId: stored.primaryProviderId, assigneeIds: stored.assignments.map((a) => a.userId) };
  const canEdit = decide(subject, "patients.edit", ref);
  const canDelete = decide(subject, "patients.delete", ref);
  const canAudit = decide(subject, "audit_log.read", { nodeId: patient.nodeId });
  const editable = PATIENT_FIELDS.filter((f) => f in patient.fields && !patient.readOnly.includes(f)).map((f) => ({
    name: f,
    label: FIELD_LABELS[f],
    value: patient.fields[f] ?? "",
    type: f === "dateOfBirth" ? "date" : undefined,
  }));
  const candidates = canEdit && patient.primaryProvider !== undefined ? await shareCandidates(db, patient) : [];
  const name = `${patient.fields.firstName ?? ""} ${patient.fields.lastName ?? ""}`.trim();

  return (
    <div className="space-y-4">
      <Breadcrumb trail={[pageCrumb(node, "patients")]} current={name} />
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader title={name} subtitle={`${patient.locationName}${patient.primaryProvider ? ` · primary provider ${patient.primaryProvider.name}` : ""}`}>
          {canAudit && (
            <Link className={linkButton.secondary} href={`/o/${node.id}/settings/activity/patients/${patient.id}`}>
              Access history
            </Link>
          )}
        </CareHeader>
        <dl className="mt-4 grid gap-x-6 gap-y-3 sm:grid-cols-2" data-testid="patient-fields">
          {PATIENT_FIELDS.filter((f) => f in patient.fields).map((f) => (
            <div key={f}>
              <dt className="text-xs font-medium uppercase text-slate-500">{FIELD_LABELS[f]}</dt>
              <dd className="text-sm text-slate-900" data-field={f}>
                {patient.fields[f] || "—"}
              </dd>
            </div>
          ))}
        </dl>
        {patient.sharedWith.length > 0 && <p className="mt-3 text-sm text-slate-600">Shared with {patient.sharedWith.map((s) => s.name).join(", ")}.</p>}
      </section>

      {canEdit && editable.length > 0 && (
        <section className={cardClass} aria-labelledby="edit-patient">
          <h3 id="edit-patient" className="mb-3 text-sm font-semibold text-slate-800">
            Edit details
          </h3>
          <EditPatientForm patientId={patient.id} fields={editable} />
        </section>
      )}

      {canEdit && patient.primaryProvider !== undefined && (candidates.length > 0 || patient.sharedWith.length > 0) && (
        <section className={cardClass} aria-labelledby="share-patient">
          <h3 id="share-patient" className="mb-3 text-sm font-semibold text-slate-800">
            Shared with a second provider
          </h3>
          <ShareForm patientId={patient.id} candidates={candidates} shared={patient.sharedWith} />
        </section>
      )}

      {notes && (
        <section className={cardClass} aria-labelledby="clinical-notes" data-testid="clinical-notes">
          <h3 id="clinical-notes" className="text-sm font-semibold text-slate-800">
            Clinical notes
          </h3>
          {canWrite && (
            <div className="mt-3">
              <NoteForm patientId={patient.id} />
            </div>
          )}
          {notes.length === 0 ? (
            <p className="mt-3 text-sm text-slate-600">No notes yet.</p>
          ) : (
            <ul className="mt-3 divide-y divide-slate-100">
              {notes.map((n) => (
                <li key={n.id} className="py-3" data-testid="clinical-note">
                  <p className="text-xs text-slate-500">
                    {n.author.name} · <time dateTime={n.createdAt}>{n.createdAt.slice(0, 16).replace("T", " ")} UTC</time>
                  </p>
                  <p className="mt-1 whitespace-pre-line break-words text-sm text-slate-900">{n.body}</p>
                  {n.canEdit && <EditNote noteId={n.id} body={n.body} />}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {canDelete && (
        <section className={cardClass} aria-label="Delete patient">
          <DeletePatientButton patientId={patient.id} listHref={`/o/${node.id}/patients`} />
        </section>
      )}
    </div>
  );
}

/** Does the subject read and write notes on this patient (the same refs the note actions check)? */
function noteRefs(subject: Subject, patient: PatientView) {
  // The providers as stored decide, not as shown: load them unmasked only for the decision.
  const p = { nodeId: patient.nodeId, primaryProviderId: patient.primaryProvider?.id ?? null, assignments: patient.sharedWith.map((s) => ({ userId: s.id })) };
  const canRead = decide(subject, "clinical_notes.read", { nodeId: p.nodeId, assigneeIds: [...(p.primaryProviderId ? [p.primaryProviderId] : []), ...p.assignments.map((a) => a.userId)] });
  const canWrite = decide(subject, "clinical_notes.create", noteRefForPatient(p, subject.userId));
  return { canRead, canWrite };
}
