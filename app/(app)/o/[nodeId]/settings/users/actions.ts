"use server";

import { z } from "zod";
import { action } from "@/lib/api/handler";
import type { Permission } from "@/lib/authz";
import { notFound } from "@/lib/api/errors";
import { deleteMember, memberDetailsSchema, roleAssignmentSchema, setMemberRoles, setMemberStatus, updateMemberDetails } from "@/lib/members/admin";
import { findMember } from "@/lib/members/directory";
import { addUserToPlace, inviteToPlace } from "@/lib/members/invite";
import { saveProviderProfile, providerProfileSchema } from "@/lib/members/provider-profile";
import { endSessions, sendPasswordReset, unlockAccount } from "@/lib/security/account-admin";

/**
 * Settings > Users mutations. Each is a server action built with action(): session → subject →
 * zod input → permission at the place → domain function in a transaction (audited there).
 */
const place = z.object({ nodeId: z.uuid() });
const member = place.extend({ userId: z.uuid({ error: "That person was not found." }) });
const email = z.string().trim().toLowerCase().pipe(z.email({ error: "Enter a valid email address, like name@clinic.com." }));
const assignments = z
  .array(z.object({ nodeId: z.uuid({ error: "Choose a location." }), roleId: z.string().min(1, "Choose a role.") }))
  .min(1, "Choose at least one location.");

const at = (permission: Permission) => ({
  permission,
  resource: (i: { nodeId: string }) => ({ nodeId: i.nodeId }),
});

export const inviteUser = action({
  access: at("members.create"),
  input: place.extend({ email, name: z.string().trim().max(120).optional(), assignments }),
  handler: async ({ input, user, subject, tx, ip }) =>
    inviteToPlace(tx, { subject: subject!, userId: user!.id, ip }, input.nodeId, { email: input.email, name: input.name, assignments: input.assignments }),
});

export const addUser = action({
  access: at("members.create"),
  input: place.extend({
    email,
    name: z.string().trim().min(1, "Enter the person's name.").max(120, "Keep the name under 120 characters."),
    phone: z.string().trim().max(40).optional(),
    password: z.string().max(256).nullable(),
    assignments,
  }),
  handler: async ({ input, user, subject, tx, ip }) => addUserToPlace(tx, { subject: subject!, userId: user!.id, ip }, input.nodeId, input),
});

export const updateDetails = action({
  access: at("members.edit"),
  input: member.extend(memberDetailsSchema.shape),
  handler: async ({ input, user, subject, tx, ip }) => updateMemberDetails(tx, { subject: subject!, userId: user!.id, ip }, input.nodeId, input.userId, input),
});

export const changeRoles = action({
  access: at("members.manage_roles"),
  input: member.extend({ assignments: z.array(roleAssignmentSchema).min(1, "Change at least one location.") }),
  handler: async ({ input, user, subject, tx, ip }) => setMemberRoles(tx, { subject: subject!, userId: user!.id, ip }, input.nodeId, input.userId, input.assignments),
});

export const setStatus = action({
  access: at("members.delete"),
  input: member.extend({ status: z.enum(["ACTIVE", "DISABLED"]) }),
  handler: async ({ input, user, subject, tx, ip }) => setMemberStatus(tx, { subject: subject!, userId: user!.id, ip }, input.nodeId, input.userId, input.status),
});

export const removeUser = action({
  access: at("members.delete"),
  input: member.extend({ confirmation: z.string().trim().min(1, "Type the person's email address to confirm.") }),
  handler: async ({ input, user, subject, tx, ip }) => deleteMember(tx, { subject: subject!, userId: user!.id, ip }, input.nodeId, input.userId, input.confirmation),
});

/** Loads the member or answers 404, so the account helpers only ever touch people of this place. */
async function mustBelong(tx: Parameters<typeof findMember>[0], nodeId: string, userId: string) {
  if (!(await findMember(tx, nodeId, userId))) throw notFound("That person");
}

export const resetPassword = action({
  access: at("members.edit"),
  input: member,
  handler: async ({ input, user, tx, ip }) => {
    await mustBelong(tx, input.nodeId, input.userId);
    await sendPasswordReset(tx, { userId: input.userId, requestedById: user!.id, ip });
  },
});

export const unlockUser = action({
  access: at("members.edit"),
  input: member,
  handler: async ({ input, user, tx, ip }) => {
    await mustBelong(tx, input.nodeId, input.userId);
    await unlockAccount(tx, { userId: input.userId, byUserId: user!.id, ip });
  },
});

export const endUserSessions = action({
  access: at("members.edit"),
  input: member,
  handler: async ({ input, user, tx }) => {
    await mustBelong(tx, input.nodeId, input.userId);
    return { ended: await endSessions(tx, { userId: input.userId, byUserId: user!.id, reason: "ended by an administrator" }) };
  },
});

export const saveProvider = action({
  access: at("members.edit"),
  input: member.extend(providerProfileSchema.shape),
  handler: async ({ input, user, tx, ip }) => {
    await mustBelong(tx, input.nodeId, input.userId);
    await saveProviderProfile(tx, { userId: user!.id, ip }, input.nodeId, input.userId, input);
  },
});
