import { DOMParser } from "@xmldom/xmldom";
import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { securityEnv } from "../security/env";
import { openSecret, sealSecret } from "./secrets";

/**
 * A tenant's SSO connections (OIDC and SAML 2.0). The OIDC client secret is sealed at rest and
 * never leaves the server (the view says only whether one is set); config is parsed through these
 * schemas on every read, so a malformed row fails closed (the connection can't be used).
 */
const url = (label: string) =>
  z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(2000, `The ${label} is too long.`)
    .pipe(z.url({ error: `Enter the ${label} as a full URL, like https://idp.example.com/…` }))
    .refine((u) => /^https:\/\//.test(u) || isLoopbackUrl(u), `The ${label} must use https:// (plain http is allowed only for 127.0.0.1 and localhost).`);

export function isLoopbackUrl(u: string): boolean {
  try {
    const host = new URL(u).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
  } catch {
    return false;
  }
}

const attr = (fallback: string) => z.string().trim().max(200, "Keep attribute names under 200 characters.").default(fallback);

export const oidcConfigSchema = z.object({
  /** The issuer; its /.well-known/openid-configuration is read for the endpoints and JWKS. */
  issuer: url("issuer URL"),
  clientId: z.string({ error: "Enter the client ID." }).trim().min(1, "Enter the client ID.").max(500, "The client ID is too long."),
  scopes: z.string().trim().max(500).default("openid email profile"),
  groupsClaim: attr("groups"),
});

const pem = z
  .string({ error: "Paste the IdP's signing certificate." })
  .trim()
  .max(20_000, "That certificate is too long.")
  .transform((c) => c.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, ""))
  .refine((c) => /^[A-Za-z0-9+/=]{200,}$/.test(c), "Paste the certificate in PEM or base64 form.");

export const samlConfigSchema = z.object({
  idpEntityId: z.string({ error: "Enter the IdP's entity ID." }).trim().min(1, "Enter the IdP's entity ID.").max(1000),
  idpSsoUrl: url("IdP sign-in URL"),
  idpCertificates: z.array(pem).min(1, "Add the IdP's signing certificate.").max(4),
  emailAttribute: attr("email"),
  nameAttribute: attr("name"),
  groupsAttribute: attr("groups"),
});
export type OidcConfig = z.output<typeof oidcConfigSchema>;
export type SamlConfig = z.output<typeof samlConfigSchema>;

const common = {
  name: z.string({ error: "Name the connection." }).trim().min(1, "Name the connection.").max(100, "Keep the name under 100 characters."),
  enabled: z.boolean().default(true),
  jitEnabled: z.boolean().default(true),
  defaultRoleId: z.string().trim().max(200).nullable().default(null),
  defaultNodeId: z.uuid({ error: "Choose a place." }).nullable().default(null),
};

export const connectionInputSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("oidc"), ...common, config: oidcConfigSchema, clientSecret: z.string().max(2000, "The client secret is too long.").optional() }),
  z.object({
    kind: z.literal("saml"),
    ...common,
    /** Either the IdP's metadata XML (parsed into config) or the fields themselves. */
    metadataXml: z.string().max(200_000, "The metadata is too long.").optional(),
    config: samlConfigSchema.partial().default({}),
  }),
], { error: "Choose OIDC or SAML." });
export type ConnectionInput = z.input<typeof connectionInputSchema>;

/** Reads the entity ID, HTTP-Redirect SSO URL and signing certificates out of IdP metadata XML. */
export function parseIdpMetadata(xml: string): Partial<SamlConfig> {
  const errors: string[] = [];
  const doc = new DOMParser({ errorHandler: { error: (msg: string) => void errors.push(msg), fatalError: (msg: string) => void errors.push(msg) } }).parseFromString(xml, "text/xml");
  if (errors.length || !doc.documentElement) throw new AppError("invalid", "The metadata isn't valid XML.", { metadataXml: ["The metadata isn't valid XML."] });
  const byName = (name: string) => Array.from(doc.getElementsByTagNameNS("*", name));
  const entity = byName("EntityDescriptor")[0];
  const sso = byName("SingleSignOnService").find((e) => e.getAttribute("Binding") === "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect");
  const certs = byName("KeyDescriptor")
    .filter((k) => !k.getAttribute("use") || k.getAttribute("use") === "signing")
    .flatMap((k) => Array.from(k.getElementsByTagNameNS("*", "X509Certificate")).map((c) => (c.textContent ?? "").replace(/\s+/g, "")));
  if (!entity || !sso || certs.length === 0) {
    throw new AppError("invalid", "The metadata needs an entity ID, an HTTP-Redirect SingleSignOnService and a signing certificate.", { metadataXml: ["The metadata needs an entity ID, an HTTP-Redirect SingleSignOnService and a signing certificate."] });
  }
  return { idpEntityId: entity.getAttribute("entityID") ?? "", idpSsoUrl: sso.getAttribute("Location") ?? "", idpCertificates: certs };
}

type Actor = { userId: string; ip: string | null };

async function checkDefaults(tx: Tx, tenantId: string, roleId: string | null, nodeId: string | null) {
  if (roleId) await assertMappableRole(tx, tenantId, roleId, "defaultRoleId");
  if (nodeId && !(await tx.orgNode.findFirst({ where: { id: nodeId, rootId: tenantId, archivedAt: null }, select: { id: true } }))) {
    throw new AppError("invalid", "Choose a place in this organisation.", { defaultNodeId: ["Choose a place in this organisation."] });
  }
  if (!!roleId !== !!nodeId) throw new AppError("invalid", "Choose both a default role and a place, or neither.", { [roleId ? "defaultNodeId" : "defaultRoleId"]: ["Choose both a default role and a place, or neither."] });
}

/** IdP-driven roles: built-in clinic roles or the tenant's own, never Owner (owners are appointed by hand). */
export async function assertMappableRole(tx: Tx, tenantId: string, roleId: string, field: string) {
  const role = await tx.role.findFirst({ where: { id: roleId, OR: [{ tenantId: null, family: "clinic" }, { tenantId }] }, select: { id: true, key: true } });
  if (!role) throw new AppError("invalid", "Choose one of this organisation's roles.", { [field]: ["Choose one of this organisation's roles."] });
  if (role.key === "owner") throw new AppError("invalid", "The Owner role can't come from an identity provider: owners are appointed by hand.", { [field]: ["The Owner role can't come from an identity provider: owners are appointed by hand."] });
}

function samlConfigFrom(input: Extract<z.output<typeof connectionInputSchema>, { kind: "saml" }>): SamlConfig {
  const fromMetadata = input.metadataXml?.trim() ? parseIdpMetadata(input.metadataXml) : {};
  const parsed = samlConfigSchema.safeParse({ ...fromMetadata, ...stripEmpty(input.config) });
  if (!parsed.success) {
    const fields: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fields[`config.${i.path.join(".")}`] ??= []).push(i.message);
    throw new AppError("invalid", "Some fields need attention.", fields);
  }
  return parsed.data;
}

const stripEmpty = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)));

/** The columns a save writes, from validated input (config parsed for its kind). */
function connectionData(input: z.output<typeof connectionInputSchema>) {
  return {
    name: input.name,
    enabled: input.enabled,
    jitEnabled: input.jitEnabled,
    defaultRoleId: input.defaultRoleId,
    defaultNodeId: input.defaultNodeId,
    config: (input.kind === "oidc" ? input.config : samlConfigFrom(input)) as object,
    // An empty secret field keeps the stored secret (it is never sent back to the browser).
    ...(input.kind === "oidc" && input.clientSecret ? { secretEnc: sealSecret(input.clientSecret, "oidc_client_secret") } : {}),
  };
}

export async function createConnection(tx: Tx, tenantId: string, input: z.output<typeof connectionInputSchema>, actor: Actor) {
  await checkDefaults(tx, tenantId, input.defaultRoleId, input.defaultNodeId);
  if (input.kind === "oidc" && !input.clientSecret) throw new AppError("invalid", "Enter the client secret.", { clientSecret: ["Enter the client secret."] });
  const row = await tx.ssoConnection.create({ data: { tenantId, kind: input.kind, ...connectionData(input), createdById: actor.userId } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "sso_connection.created", targetType: "sso_connection", targetId: row.id, ip: actor.ip, details: { after: publicView(row) } });
  return publicView(row);
}

export async function updateConnection(tx: Tx, tenantId: string, id: string, input: z.output<typeof connectionInputSchema>, actor: Actor) {
  const before = await tx.ssoConnection.findFirst({ where: { id, tenantId } });
  if (!before) throw new AppError("not_found", "That connection was not found.");
  if (before.kind !== input.kind) throw new AppError("invalid", "A connection's kind can't change: create a new one.", { kind: ["A connection's kind can't change: create a new one."] });
  await checkDefaults(tx, tenantId, input.defaultRoleId, input.defaultNodeId);
  const row = await tx.ssoConnection.update({ where: { id }, data: connectionData(input) });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "sso_connection.changed", targetType: "sso_connection", targetId: id, ip: actor.ip, details: { before: publicView(before), after: publicView(row), secretChanged: input.kind === "oidc" && !!input.clientSecret } });
  return publicView(row);
}

export async function deleteConnection(tx: Tx, tenantId: string, id: string, actor: Actor) {
  const row = await tx.ssoConnection.findFirst({ where: { id, tenantId } });
  if (!row) throw new AppError("not_found", "That connection was not found.");
  // Domains that required it fall back to passwords (requireSso off) rather than locking everyone out.
  await tx.tenantDomain.updateMany({ where: { tenantId, ssoConnectionId: id }, data: { requireSso: false } });
  await tx.ssoConnection.delete({ where: { id } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "sso_connection.deleted", targetType: "sso_connection", targetId: id, ip: actor.ip, details: { before: publicView(row) } });
}

type Row = { id: string; tenantId: string; kind: string; name: string; enabled: boolean; jitEnabled: boolean; defaultRoleId: string | null; defaultNodeId: string | null; config: unknown; secretEnc: string | null };

/** What the settings screen and audit log see: never the secret. */
export function publicView(row: Row) {
  return { id: row.id, kind: row.kind as "oidc" | "saml", name: row.name, enabled: row.enabled, jitEnabled: row.jitEnabled, defaultRoleId: row.defaultRoleId, defaultNodeId: row.defaultNodeId, config: row.config as Record<string, unknown>, hasSecret: !!row.secretEnc };
}
export type ConnectionView = ReturnType<typeof publicView>;

export async function listConnections(db: Db | Tx, tenantId: string) {
  return (await db.ssoConnection.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" } })).map(publicView);
}

/** The SP-side URLs a tenant admin gives their IdP. */
export function spUrls(connectionId: string, appUrl = securityEnv().appUrl) {
  return {
    oidcRedirectUri: `${appUrl}/api/sso/oidc/callback`,
    samlEntityId: `${appUrl}/api/sso/saml/${connectionId}/metadata`,
    samlAcsUrl: `${appUrl}/api/sso/saml/${connectionId}/acs`,
  };
}

/** A usable connection for sign-in: enabled, config valid for its kind; null otherwise (fail closed). */
export async function loadUsableConnection(db: Db | Tx, id: string) {
  const row = await db.ssoConnection.findUnique({ where: { id }, include: { tenant: { select: { id: true, name: true, archivedAt: true } } } });
  if (!row || !row.enabled || row.tenant.archivedAt) return null;
  if (row.kind === "oidc") {
    const config = oidcConfigSchema.safeParse(row.config);
    if (!config.success || !row.secretEnc) return null;
    return { ...row, kind: "oidc" as const, oidc: config.data, clientSecret: () => openSecret(row.secretEnc!, "oidc_client_secret") };
  }
  const config = samlConfigSchema.safeParse(row.config);
  if (!config.success) return null;
  return { ...row, kind: "saml" as const, saml: config.data };
}
export type UsableConnection = NonNullable<Awaited<ReturnType<typeof loadUsableConnection>>>;
