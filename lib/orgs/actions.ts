"use server";

import { z } from "zod";
import { action } from "@/lib/api/handler";
import { setMemberRoles, roleAssignmentSchema } from "@/lib/members/admin";
import { archiveNode, archiveNodeInput, createChildNode, createNodeInput, moveNode, moveNodeInput, nodeMembers, nodeMembersInput, renameNode, renameNodeInput } from "@/lib/orgs/manage";

/**
 * Settings > Locations mutations. Each checks its permission on the node it acts on; a move also
 * needs locations.edit where the node is now and at the destination (checked in lib/orgs/manage.ts).
 */

export const createLocationAction = action({
  access: { permission: "locations.create", resource: (input) => ({ nodeId: input.parentId }) },
  input: createNodeInput,
  handler: async ({ input, tx, subject, user, ip }) => createChildNode(tx, { subject: subject, userId: user.id, ip }, input),
});

export const renameLocationAction = action({
  access: { permission: "locations.edit", resource: (input) => ({ nodeId: input.nodeId }) },
  input: renameNodeInput,
  handler: async ({ input, tx, subject, user, ip }) => renameNode(tx, { subject: subject, userId: user.id, ip }, input),
});

export const moveLocationAction = action({
  access: { permission: "locations.edit", resource: (input) => ({ nodeId: input.nodeId }) },
  input: moveNodeInput,
  handler: async ({ input, tx, subject, user, ip }) => moveNode(tx, { subject: subject, userId: user.id, ip }, input),
});

export const archiveLocationAction = action({
  access: { permission: "locations.delete", resource: (input) => ({ nodeId: input.nodeId }) },
  input: archiveNodeInput,
  handler: async ({ input, tx, subject, user, ip }) => archiveNode(tx, { subject: subject, userId: user.id, ip }, input),
});

/** The people with a role at exactly the selected node (the tree itself carries only counts). */
export const nodeMembersAction = action({
  access: { permission: "members.read", resource: (input) => ({ nodeId: input.nodeId }) },
  input: nodeMembersInput,
  transaction: false,
  handler: async ({ input, tx }) => nodeMembers(tx, input.nodeId),
});

/** A different role per location for one person (Manager at Seattle, Front Desk at Portland). */
export const assignLocationRolesAction = action({
  access: { permission: "members.manage_roles", resource: (input) => ({ nodeId: input.placeId }) },
  input: z.object({
    placeId: z.uuid({ error: "Unknown place." }),
    userId: z.uuid({ error: "Choose a person." }),
    assignments: z.array(roleAssignmentSchema).min(1, "Change at least one location.").max(500),
  }),
  handler: async ({ input, tx, subject, user, ip }) => {
    await setMemberRoles(tx, { subject: subject, userId: user.id, ip }, input.placeId, input.userId, input.assignments);
    return { userId: input.userId, changed: input.assignments.length };
  },
});
