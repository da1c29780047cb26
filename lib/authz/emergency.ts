import type { Permission } from "./catalogue";
import type { Grant } from "./grants";
import { compileGrant, type CompiledBinding, type CompiledGrant } from "./subject";
import type { TenantTree } from "./tree";

/**
 * Break-glass emergency access (issue 11) as the policy sees it: one emergency row compiles into a
 * binding like any other, at the place it was declared for, live in [startsAt, endsAt): the same
 * isLive() that ends every expiring role ends it. It grants reading clinical records only; declared
 * for one patient, each grant carries that patient as a condition (conditionsHold, where()), so the
 * rest of the place stays closed.
 */
export const EMERGENCY_ROLE_ID = "emergency";
export const EMERGENCY_ROLE_NAME = "Emergency access";
export const EMERGENCY_BINDING_PREFIX = "emergency:";

const READ: Permission[] = [
  "patients.read_contact",
  "patients.read",
  "patients.read_sensitive",
  "medical_records.read",
  "clinical_notes.read",
  "appointments.read",
];
export const EMERGENCY_GRANTS: readonly Grant[] = READ.map((permission) => ({ permission, scope: "subtree" as const }));

export interface EmergencyRow {
  id: string;
  nodeId: string;
  patientId: string | null;
  startsAt: Date;
  endsAt: Date;
}

export const isEmergencyBinding = (b: Pick<CompiledBinding, "roleId">) => b.roleId === EMERGENCY_ROLE_ID;

/** The compiled binding of one emergency grant; undefined when its place is not in the tree. */
export function compileEmergency(row: EmergencyRow, tree: TenantTree): CompiledBinding | undefined {
  const node = tree.nodes.get(row.nodeId);
  if (!node) return undefined;
  const patientIds = row.patientId ? new Set([row.patientId]) : undefined;
  const table = new Map<Permission, CompiledGrant[]>();
  for (const grant of EMERGENCY_GRANTS) {
    const compiled = compileGrant(grant);
    table.set(grant.permission, [patientIds ? { ...compiled, hasConditions: true, patientIds } : compiled]);
  }
  return {
    id: `${EMERGENCY_BINDING_PREFIX}${row.id}`,
    nodeId: row.nodeId,
    rootId: tree.rootId,
    roleId: EMERGENCY_ROLE_ID,
    roleName: EMERGENCY_ROLE_NAME,
    nodeName: node.name,
    nodeKind: node.kind,
    timeZone: node.timeZone,
    isOwner: false,
    startsAt: row.startsAt.getTime(),
    expiresAt: row.endsAt.getTime(),
    grants: table,
  };
}
