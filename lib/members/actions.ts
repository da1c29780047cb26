"use server";

import { z } from "zod";
import { action } from "@/lib/api/handler";
import { emailSchema } from "@/lib/auth/credentials";
import type { MemberReach, Permission } from "@/lib/authz";
import { resendInvitation } from "@/lib/invitations/invitations";
import { deleteMember, memberDetailsSchema, roleAssignmentSchema, setMemberRoles, setMemberStatus, updateMemberDetails } from "@/lib/members/admin";
import { addUserToPlace, inviteToPlace } from "@/lib/members/invite";
import { saveProviderProfile, providerProfileSchema } from "@/lib/members/provider-profile";
import { endSessions, sendPasswordReset, unlockAccount } from "@/lib/security/account-admin";

/**
 * Settings > Users mutations. Each is a server action built with action(): session → subject →
 * zod input → permission at the place → domain function in a transaction (audited there).
 */
const place = z.object({ nodeId: z.uuid() });
const member = place.extend({ userId: z.uuid({ error: "That person was not found." }) });
const assignments = z
  .array(z.object({ nodeId: z.uuid({ error: "Choose a location." }), roleId: z.string().min(1, "Choose a role.") }))
  .min(1, "Choose at least one location.");

const at = (permission: Permission) => ({
  permission,
  resource: (i: { nodeId: string }) => ({ nodeId: i.nodeId }),
});
/** A permission at the place, on one of its people: the wrapper applies the member rules for `reach`. */
const on = (permission: Permission, reach: MemberReach) => ({ ...at(permission), member: { userId: (i: { userId: string }) => i.userId, reach } });

export const inviteUser = action({
  access: at("members.create"),
  input: place.extend({ email: emailSchema, name: z.string().trim().max(120).optional(), assignments }),
  handler: async ({ input, user, subject, tx, ip }) =>
    inviteToPlace(tx, { subject: subject, userId: user.id, ip }, input.nodeId, { email: input.email, name: input.name, assignments: input.assignments }),
});

export const addUser = action({
  access: at("members.create"),
  input: place.extend({
    email: emailSchema,
    name: z.string().trim().min(1, "Enter the person's name.").max(120, "Keep the name under 120 characters."),
    phone: z.string().trim().max(40).optional(),
    password: z.string().max(256).nullable(),
    assignments,
  }),
  handler: async ({ input, user, subject, tx, ip }) => addUserToPlace(tx, { subject: subject, userId: user.id, ip }, input.nodeId, input),
});

export const updateDetails = action({
  access: on("members.edit", "account"),
  input: member.extend(memberDetailsSchema.shape),
  handler: async ({ input, user, subject, tx, ip, member }) => updateMemberDetails(tx, { subject: subject, userId: user.id, ip }, member, input),
});

export const changeRoles = action({
  access: on("members.manage_roles", "roles"),
  input: member.extend({ assignments: z.array(roleAssignmentSchema).min(1, "Change at least one location.") }),
  handler: async ({ input, user, subject, tx, ip }) => setMemberRoles(tx, { subject: subject, userId: user.id, ip }, input.nodeId, input.userId, input.assignments),
});

/** Disable (a managed account, everywhere) or suspend (anyone else, here only); and back. */
export const setStatus = action({
  access: on("members.delete", "membership"),
  input: member.extend({ status: z.enum(["ACTIVE", "DISABLED"]) }),
  handler: async ({ input, user, subject, tx, ip, member }) => setMemberStatus(tx, { subject: subject, userId: user.id, ip }, member, input.status),
});

export const removeUser = action({
  access: on("members.delete", "membership"),
  input: member.extend({ confirmation: z.string().trim().min(1, "Type the person's email address to confirm.") }),
  handler: async ({ input, user, subject, tx, ip, member }) => deleteMember(tx, { subject: subject, userId: user.id, ip }, member, input.confirmation),
});

export const resendInvite = action({
  access: on("members.create", "membership"),
  input: member,
  handler: async ({ user, tx, ip, member }) => {
    await resendInvitation(tx, { userId: member.id, tenantId: member.rootId, invitedById: user.id, ip });
  },
});

export const resetPassword = action({
  access: on("members.edit", "account"),
  input: member,
  handler: async ({ user, tx, ip, member }) => sendPasswordReset(tx, { userId: member.id, requestedById: user.id, ip }),
});

export const unlockUser = action({
  access: on("members.edit", "account"),
  input: member,
  handler: async ({ user, tx, ip, member }) => unlockAccount(tx, { userId: member.id, byUserId: user.id, ip }),
});

export const endUserSessions = action({
  access: on("members.edit", "account"),
  input: member,
  handler: async ({ user, tx, member }) => ({ ended: await endSessions(tx, { userId: member.id, byUserId: user.id, reason: "ended by an administrator" }) }),
});

export const saveProvider = action({
  access: on("members.edit", "account"),
  input: member.extend(providerProfileSchema.shape),
  handler: async ({ input, user, tx, ip }) => {
    await saveProviderProfile(tx, { userId: user.id, ip }, input.nodeId, input.userId, input);
  },
});
