"use server";

import { action } from "@/lib/api/handler";
import { createCustomRole, createRoleInput, deleteCustomRole, deleteRoleInput, updateCustomRole, updateRoleInput } from "@/lib/roles/custom";

/** Settings > Roles mutations. Each checks the permission at the place; lib/roles/custom.ts applies the role rules. */

export const createRoleAction = action({
  access: { permission: "roles.create", resource: (input) => ({ nodeId: input.placeId }) },
  input: createRoleInput,
  handler: async ({ input, tx, subject, user, ip }) => {
    const { id, diff } = await createCustomRole(tx, { subject: subject, userId: user.id, ip }, input.placeId, input);
    return { id, added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length };
  },
});

export const updateRoleAction = action({
  access: { permission: "roles.edit", resource: (input) => ({ nodeId: input.placeId }) },
  input: updateRoleInput,
  handler: async ({ input, tx, subject, user, ip }) => {
    const result = await updateCustomRole(tx, { subject: subject, userId: user.id, ip }, input.placeId, input.roleId, input, input.version);
    return { id: result.id, affected: result.affected, version: result.version };
  },
});

export const deleteRoleAction = action({
  access: { permission: "roles.delete", resource: (input) => ({ nodeId: input.placeId }) },
  input: deleteRoleInput,
  handler: async ({ input, tx, subject, user, ip }) => {
    await deleteCustomRole(tx, { subject: subject, userId: user.id, ip }, input.placeId, input.roleId);
    return { id: input.roleId };
  },
});
