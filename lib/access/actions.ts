"use server";

import { action } from "@/lib/api/handler";
import { accessDecisionSchema, accessRequestSchema, createAccessRequest, decideAccessRequest } from "@/lib/access/requests";
import { declareEmergency, declareSchema, endEmergency, endSchema, reviewEmergency, reviewSchema } from "@/lib/access/emergency";
import { accessPolicySchema, saveAccessPolicy } from "@/lib/access/settings";
import { contractorSchema, setContractor } from "@/lib/access/contractors";
import { createDelegation, delegationSchema, endDelegation, endDelegationSchema } from "@/lib/access/delegations";
import { endSupportAccess, grantSupportAccess, supportEndSchema, supportGrantSchema } from "@/lib/access/support";

/**
 * Settings > Access requests (issue 11). Anyone signed in may ask; the domain functions answer 404
 * for a place outside every tenant the caller holds a live role in, and apply the approval policy
 * (lib/access/requests.ts: level per step, no self-approval, never more than the approver holds).
 */
export const requestAccess = action({
  access: { signedIn: true },
  input: accessRequestSchema,
  handler: async ({ input, user, subject, tx, ip }) => createAccessRequest(tx, { subject, userId: user.id, ip }, input),
});

export const answerAccessRequest = action({
  access: { signedIn: true },
  input: accessDecisionSchema,
  handler: async ({ input, user, subject, tx, ip }) => decideAccessRequest(tx, { subject, userId: user.id, ip }, input),
});

/**
 * Break-glass emergency access (issue 11, lib/access/emergency.ts). Anyone signed in may try: the
 * domain function answers 404 outside the caller's tenants and applies the tenant's policy (403 for
 * a role that may not use it); reviewing is decided by the policy (`emergency_access.approve`, never
 * on one's own).
 */
export const declareEmergencyAccess = action({
  access: { signedIn: true },
  input: declareSchema,
  handler: async ({ input, user, subject, tx, ip }) => declareEmergency(tx, { subject, userId: user.id, ip }, input),
});

export const endEmergencyAccess = action({
  access: { signedIn: true },
  input: endSchema,
  handler: async ({ input, user, subject, tx, ip }) => endEmergency(tx, { subject, userId: user.id, ip }, input),
});

export const reviewEmergencyAccess = action({
  access: { signedIn: true },
  input: reviewSchema,
  handler: async ({ input, user, subject, tx, ip }) => reviewEmergency(tx, { subject, userId: user.id, ip }, input),
});

/** Emergency access and inactivity settings: read with settings.edit at the root, saved by an Owner. */
export const saveAccessSettings = action({
  access: { permission: "settings.edit", resource: (i: { tenantId: string }) => ({ nodeId: i.tenantId }) },
  input: accessPolicySchema,
  handler: async ({ input, user, subject, tx, ip }) => saveAccessPolicy(tx, { subject, userId: user.id, ip }, input),
});

/** Contractor accounts (lib/access/contractors.ts): members.manage_roles at the root, member rules applied. */
export const setContractorAction = action({
  access: { permission: "members.manage_roles", resource: (i: { tenantId: string }) => ({ nodeId: i.tenantId }), member: { userId: (i: { userId: string }) => i.userId, reach: "roles" } },
  input: contractorSchema,
  handler: async ({ input, user, tx, ip }) => setContractor(tx, { userId: user.id, ip }, input),
});

/**
 * Settings > Delegations (issue 11). Anyone signed in; the domain functions answer 404 outside the
 * tenants where the caller holds a live role of their own, and apply the delegation rule
 * (lib/authz/rules.ts canDelegate: only what you hold yourself; decided at each request after).
 */
export const delegate = action({
  access: { signedIn: true },
  input: delegationSchema,
  handler: async ({ input, user, subject, tx, ip }) => createDelegation(tx, { subject, userId: user.id, ip }, input),
});

export const endDelegationEarly = action({
  access: { signedIn: true },
  input: endDelegationSchema,
  handler: async ({ input, user, subject, tx, ip }) => endDelegation(tx, { subject, userId: user.id, ip }, input),
});

/**
 * Platform support access (issue 11): only owners of the tenant (lib/access/support.ts: 404 outside
 * it, 403 for anyone but an owner); staff hold nothing there without such a time-boxed grant.
 */
export const grantSupport = action({
  access: { memberOf: (input: { tenantId: string }) => input.tenantId },
  input: supportGrantSchema,
  handler: async ({ input, user, subject, tx, ip }) => grantSupportAccess(tx, { subject, userId: user.id, ip }, input),
});

export const endSupport = action({
  access: { memberOf: (input: { tenantId: string }) => input.tenantId },
  input: supportEndSchema,
  handler: async ({ input, user, subject, tx, ip }) => endSupportAccess(tx, { subject, userId: user.id, ip }, input),
});
