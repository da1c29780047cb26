import { notFound } from "../api/errors";
import { inSubtree } from "../orgs/nodes";
import { CATALOGUE, FEATURE_FLAGS, FLAG_KEYS, explainEnterpriseButton, explainFlag, type FlagExplanation, PERMISSIONS, RESOURCE_INCLUDE, decide, explain, resourceOf, resourceOfRow, where, type Explanation, type Permission, type Subject } from "../authz";
import { SubjectLoader } from "../authz/load";
import type { Db, Tx } from "../db/client";
import { findMember, listMembers } from "./directory";

/**
 * "Why can't they see it?": the policy's explanation of one decision for another person, and the
 * one change that would allow it. The admin must be able to see the record themselves; the person
 * must belong to the place.
 */
/** Why someone may have no access at all, as this place sees them (an invitee's account stays private). */
const ACCESS_NOTES: Partial<Record<string, string>> = {
  INVITED: "They haven't accepted their invitation, so they have no access here yet.",
  SUSPENDED: "They are suspended here, so their roles here grant nothing.",
  DISABLED: "Their account is disabled, so they can't sign in at all.",
};

export type AccessTarget = { kind: "place"; nodeId: string } | { kind: "patient"; patientId: string };

export async function checkAccess(tx: Tx, admin: Subject, placeId: string, input: { userId: string; permission: Permission; target: AccessTarget }) {
  const person = await findMember(tx, placeId, input.userId);
  if (!person) throw notFound("That person");
  let ref;
  let label: string;
  if (input.target.kind === "patient") {
    const patient = await tx.patient.findUnique({ where: { id: input.target.patientId }, include: RESOURCE_INCLUDE.patient });
    if (!patient) throw notFound("That patient");
    ref = resourceOfRow("patient", patient);
    // The admin may only ask about records they can see themselves, inside this place.
    const inPlace = await tx.orgNodeClosure.count({ where: { ancestorId: placeId, descendantId: patient.nodeId } });
    if (!inPlace || !decide(admin, "patients.read_contact", ref)) throw notFound("That patient");
    label = `${patient.firstName} ${patient.lastName}`;
  } else {
    const inPlace = await tx.orgNodeClosure.findUnique({ where: { ancestorId_descendantId: { ancestorId: placeId, descendantId: input.target.nodeId } }, include: { descendant: true } });
    if (!inPlace) throw notFound("That location");
    ref = { nodeId: input.target.nodeId };
    label = inPlace.descendant.name;
  }
  const subject = await new SubjectLoader(tx).load(person.id);
  const explanation: Explanation = explain(subject, input.permission, ref);
  return {
    features: featuresFor(subject, ref.nodeId),
    person: { id: person.id, name: person.name, email: person.email, status: person.memberStatus },
    target: label,
    action: `${CATALOGUE[resourceOf(input.permission)].label}: ${input.permission.split(".")[1].replace(/_/g, " ")}`,
    explanation,
    note: ACCESS_NOTES[person.memberStatus] ?? null,
  };
}

/**
 * What the "Why can't they see it?" form offers at a place: its people, the patients the admin can
 * see themselves here (the same where() as every patient list), and the permissions of the place's
 * family (a care profile has no clinical, billing, inventory or call data; a clinic no care team).
 */
export async function accessCheckChoices(db: Db | Tx, admin: Subject, place: { id: string; kind: string }) {
  const [people, patients] = await Promise.all([
    listMembers(db, place.id, { q: "", page: 1, pageSize: 100 }),
    db.patient.findMany({
      where: { AND: [where(admin, "patients.read_contact", "patient"), { node: inSubtree(place.id) }] },
      orderBy: [{ lastName: "asc" }, { id: "asc" }],
      take: 200,
      select: { id: true, firstName: true, lastName: true, node: { select: { name: true } } },
    }),
  ]);
  const care = place.kind === "CARE_PROFILE";
  const groupOf = (p: Permission) => CATALOGUE[resourceOf(p)].group;
  const permissions = PERMISSIONS.filter((p) => (care ? !["Clinical", "Billing", "Inventory", "Calls"].includes(groupOf(p)) : groupOf(p) !== "Care team")).map((p) => ({
    id: p,
    group: groupOf(p),
    label: `${CATALOGUE[resourceOf(p)].label}: ${p.split(".")[1].replace(/_/g, " ")}`,
  }));
  return {
    people: people.rows.map((p) => ({ id: p.id, name: p.name, email: p.email })),
    patients: patients.map((p) => ({ id: p.id, label: `${p.lastName}, ${p.firstName} (${p.node.name})` })),
    permissions,
  };
}

/**
 * The feature flags as the person meets them at the place (issue 14): the Enterprise button (their
 * enterprise- or region-level roles) and each module, with the reason when they don't see it.
 */
export function featuresFor(subject: Subject, nodeId: string): FlagExplanation[] {
  return FLAG_KEYS.filter((f) => f !== "emSync").map((flag) =>
    flag === "enterpriseManagement" ? { ...explainEnterpriseButton(subject, nodeId), label: "Enterprise button" } : { ...explainFlag(subject, nodeId, flag), label: FEATURE_FLAGS[flag].label },
  );
}
