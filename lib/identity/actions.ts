"use server";

import { z } from "zod";
import { action } from "@/lib/api/handler";
import { clinicTenantRoot } from "@/lib/orgs/tenant-root";
import { prisma } from "@/lib/db";
import { requireRecentAuth } from "@/lib/security/reauth";
import { connectionInputSchema, createConnection, deleteConnection, updateConnection } from "./connections";
import { addDomain, checkDomainTxt, domainSchema, recordDomainCheck, removeDomain, setDomainSso } from "./domains";
import { deleteDirectory, directoryInputSchema, previewSync, runSync, saveDirectory } from "./ldap";
import { addMapping, deleteMapping, mappingInputSchema } from "./provision";
import { createScimToken, revokeScimToken, scimTokenNameSchema } from "./scim-tokens";

/**
 * Settings > Security > Single sign-on. Every change needs `settings.edit` at the tenant root (a
 * clinic tenant: care profiles have no enterprise identity) and a recent password check; each one
 * is audited in its transaction by the domain function. Anything outside the caller's tenants is 404.
 */
const tenantRoot = clinicTenantRoot;
const tenant = z.object({ tenantId: z.uuid({ error: "Choose an organisation." }) });
const recent = (tx: Parameters<typeof requireRecentAuth>[0], user: { id: string }, sessionId: string) => requireRecentAuth(tx, { userId: user.id, sessionId });

export const addDomainAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ domain: domainSchema }),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    const row = await addDomain(tx, input.tenantId, input.domain, { userId: user.id, ip });
    return { domain: row.domain, verificationToken: row.verificationToken };
  },
});

/** Looks the TXT record up (outside any transaction: it is network), then records the result. */
export const verifyDomainAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ domain: domainSchema }),
  transaction: false,
  handler: async ({ input, user, ip }) => {
    const db = await prisma();
    const row = await db.tenantDomain.findUnique({ where: { tenantId_domain: { tenantId: input.tenantId, domain: input.domain } } });
    if (!row?.verificationToken) return { verified: !!row?.verifiedAt, error: row ? null : "That domain isn't on the list." };
    if (row.verifiedAt) return { verified: true, error: null };
    const result = await checkDomainTxt(input.domain, row.verificationToken);
    const done = await db.$transaction((tx) => recordDomainCheck(tx, input.tenantId, input.domain, result, { userId: user.id, ip }));
    return { verified: done.verified, error: done.verified ? null : (done.error ?? null) };
  },
});

export const removeDomainAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ domain: domainSchema }),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    await removeDomain(tx, input.tenantId, input.domain, { userId: user.id, ip });
    return { removed: true };
  },
});

export const setDomainSsoAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ domain: domainSchema, connectionId: z.uuid({ error: "Choose a connection." }).nullable(), requireSso: z.boolean(), ownersMayUsePassword: z.boolean().default(true) }),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    await setDomainSso(tx, input.tenantId, input, { userId: user.id, ip });
    await tx.tenantDomain.update({ where: { tenantId_domain: { tenantId: input.tenantId, domain: input.domain } }, data: { ownersMayUsePassword: input.ownersMayUsePassword } });
    return { saved: true };
  },
});

export const saveConnectionAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: z.intersection(tenant.extend({ id: z.uuid().optional() }), connectionInputSchema),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    const { tenantId, id, ...rest } = input;
    const parsed = connectionInputSchema.parse(rest);
    return id ? updateConnection(tx, tenantId, id, parsed, { userId: user.id, ip }) : createConnection(tx, tenantId, parsed, { userId: user.id, ip });
  },
});

export const deleteConnectionAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ id: z.uuid() }),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    await deleteConnection(tx, input.tenantId, input.id, { userId: user.id, ip });
    return { deleted: true };
  },
});

export const addMappingAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend(mappingInputSchema.shape),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    const { tenantId, ...mapping } = input;
    return { id: (await addMapping(tx, tenantId, mapping, { userId: user.id, ip })).id };
  },
});

export const deleteMappingAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ id: z.uuid() }),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    await deleteMapping(tx, input.tenantId, input.id, { userId: user.id, ip });
    return { deleted: true };
  },
});

/** The token is in this answer only; it is never shown again. */
export const createScimTokenAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ name: scimTokenNameSchema }),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    return createScimToken(tx, input.tenantId, input.name, { userId: user.id, ip });
  },
});

export const revokeScimTokenAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ id: z.uuid() }),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    await revokeScimToken(tx, input.tenantId, input.id, { userId: user.id, ip });
    return { revoked: true };
  },
});

export const saveDirectoryAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ id: z.uuid().nullable().default(null) }).extend(directoryInputSchema.shape),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    const { tenantId, id, ...rest } = input;
    return saveDirectory(tx, tenantId, id, rest, { userId: user.id, ip });
  },
});

export const deleteDirectoryAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ id: z.uuid() }),
  handler: async ({ input, user, sessionId, tx, ip }) => {
    await recent(tx, user, sessionId);
    await deleteDirectory(tx, input.tenantId, input.id, { userId: user.id, ip });
    return { deleted: true };
  },
});

/** Dry run: what a sync would add, change and remove. Reads the directory; writes nothing. */
export const previewDirectorySyncAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ id: z.uuid() }),
  transaction: false,
  handler: async ({ input }) => previewSync(await prisma(), input.tenantId, input.id),
});

export const runDirectorySyncAction = action({
  access: { permission: "settings.edit", resource: tenantRoot },
  input: tenant.extend({ id: z.uuid() }),
  transaction: false,
  handler: async ({ input, user, sessionId, ip }) => {
    const db = await prisma();
    await recent(db, user, sessionId);
    const plan = await runSync(db, input.tenantId, input.id, { userId: user.id, ip });
    return { adds: plan.adds.length, changes: plan.changes.length, removals: plan.removals.length, skipped: plan.skipped.length };
  },
});
