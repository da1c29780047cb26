import { z } from "zod";
import { decide, explain, subtreeIds, type ResourceRef, type Subject } from "../authz";
import { AppError, forbidden, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { resourceOfRow, where } from "../authz/where";
import { billingPlace, type Actor, type Place } from "../billing/billing";
import type { Db, Tx } from "../db/client";

/**
 * Calls (issue 10): the call log per location. Each call's AI transcription is a task for its
 * assignee: the AI Assistant Handler ("assigned" scope) sees only the calls assigned to them, and
 * never the patient's chart: the call view carries a patient's name only for someone with
 * patients.read_contact there, and no other patient field for anyone.
 */
export const callsPlace = billingPlace;
const placeIds = (subject: Subject, place: Place) => subtreeIds(subject.trees.find((t) => t.rootId === place.tenantId)!, place.id);

export const handleCallSchema = z.object({
  nodeId: z.uuid(),
  callId: z.uuid({ error: "That call was not found." }),
  summary: z.string({ error: "Say how the call was handled." }).trim().min(3, "Say how the call was handled.").max(1000, "Keep the summary under 1,000 characters."),
});

export interface CallView {
  id: string;
  location: string;
  callerName: string;
  callerPhone: string;
  startedAt: string;
  durationSeconds: number;
  status: string;
  summary: string;
  assignee: string | null;
  /** Only with ai_transcriptions.read on the call. */
  transcript?: string;
  /** Only with patients.read_contact at the call's place. */
  patient?: string | null;
  canHandle: boolean;
}

export async function listCalls(db: Db | Tx, subject: Subject, place: Place, opts: { status?: "open" | "handled" } = {}): Promise<CallView[]> {
  const rows = await db.call.findMany({
    where: { AND: [where(subject, "calls.read", "call"), { tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } }, opts.status ? { status: opts.status } : {}] },
    orderBy: [{ startedAt: "desc" }, { id: "asc" }],
    take: 200,
  });
  const tree = subject.trees.find((t) => t.rootId === place.tenantId)!;
  const people = await db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.assigneeId).filter((x): x is string => !!x))] } }, select: { id: true, name: true } });
  const patientIds = rows.filter((r) => r.patientId && decide(subject, "patients.read_contact", { nodeId: r.nodeId })).map((r) => r.patientId!);
  const patients = patientIds.length ? await db.patient.findMany({ where: { tenantId: place.tenantId, id: { in: patientIds } }, select: { id: true, firstName: true, lastName: true } }) : [];
  return rows.map((r) => {
    const ref = resourceOfRow("call", r);
    const view: CallView = {
      id: r.id,
      location: tree.nodes.get(r.nodeId)?.name ?? "",
      callerName: r.callerName,
      callerPhone: r.callerPhone,
      startedAt: r.startedAt.toISOString(),
      durationSeconds: r.durationSeconds,
      status: r.status,
      summary: r.summary,
      assignee: people.find((p) => p.id === r.assigneeId)?.name ?? null,
      canHandle: r.status === "open" && decide(subject, "calls.manage", ref),
    };
    if (decide(subject, "ai_transcriptions.read", resourceOfRow("callTranscription", r))) view.transcript = r.transcript;
    if (decide(subject, "patients.read_contact", { nodeId: r.nodeId })) {
      const p = patients.find((x) => x.id === r.patientId);
      view.patient = p ? `${p.firstName} ${p.lastName}` : null;
    }
    return view;
  });
}

export async function callRef(db: Db | Tx, subject: Subject, nodeId: string, callId: string): Promise<ResourceRef | null> {
  const place = callsPlace(subject, nodeId);
  if (!place) return null;
  const call = await db.call.findFirst({ where: { id: callId, tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } } });
  return call && resourceOfRow("call", call);
}

/** Close a call's task with a summary: calls.manage on the call (the handler: their own calls only). */
export async function handleCall(tx: Tx, actor: Actor, input: z.output<typeof handleCallSchema>) {
  const place = callsPlace(actor.subject, input.nodeId);
  const call = place && (await tx.call.findFirst({ where: { id: input.callId, tenantId: place.tenantId, nodeId: { in: placeIds(actor.subject, place) } } }));
  if (!call || !decide(actor.subject, "calls.read", resourceOfRow("call", call))) throw notFound("That call");
  const ref = resourceOfRow("call", call);
  if (!decide(actor.subject, "calls.manage", ref)) throw forbidden(explain(actor.subject, "calls.manage", ref).reason);
  const done = await tx.call.updateMany({ where: { id: call.id, status: "open" }, data: { status: "handled", summary: input.summary, handledAt: new Date() } });
  if (done.count !== 1) throw new AppError("conflict", "This call was already handled.");
  await recordAudit(tx, { tenantId: call.tenantId, actorId: actor.userId, action: "call.handled", targetType: "call", targetId: call.id, ip: actor.ip });
  return { id: call.id, status: "handled" };
}
