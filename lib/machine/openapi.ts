import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { MemberParams, ProfileIdParams } from "../profiles/schemas";
import { AccountParams, ApiSettingsBody, CreateKeyBody, RotateKeyBody, CreateServiceAccountBody, DeliveryParams, KeyParams, UpdateServiceAccountBody, UpdateWebhookBody, WebhookParams } from "./routes";
import { createEndpointSchema } from "./webhooks";

/**
 * The paths the profiles document lacked (issue 13): one member, the caller, machine access, care
 * exports and security settings. lib/machine/openapi.test.ts fails when a public route is missing.
 */
type PathFn = (method: "get" | "post" | "put" | "patch" | "delete", p: string, summary: string, request: object, responses: object) => void;
const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const omit = <T extends z.ZodObject>(s: T, ...keys: string[]) => s.omit(Object.fromEntries(keys.map((k) => [k, true])) as never);

export function registerMachinePaths(r: OpenAPIRegistry, path: PathFn) {
  r.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "cak_…", description: "An API key from Settings > API access." });
  const ok = { 200: { description: "Done", ...json(z.object({}).passthrough()) } };
  const Member = z.object({ id: z.uuid(), name: z.string().optional(), email: z.string().optional(), phone: z.string().nullable().optional(), status: z.string().optional(), roles: z.array(z.object({ nodeId: z.uuid(), nodeName: z.string(), roleId: z.string(), roleName: z.string(), expiresAt: z.string().nullable(), pending: z.boolean() })) });
  path("get", "/api/profiles/{id}/members/{userId}", "One member as this profile sees them (contact fields per the caller's grants)", { params: MemberParams }, { 200: { description: "The member", ...json(Member) } });
  path("get", "/api/profiles/{id}/members/{userId}/photo", "A member's provider photo", { params: MemberParams }, { 200: { description: "The image", content: { "image/*": { schema: z.string().openapi({ format: "binary" }) } } } });
  path("get", "/api/me", "Who is calling (the person, or the key's principal) and where they belong", {}, { 200: { description: "The caller", ...json(z.object({ user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }).passthrough(), memberships: z.array(z.unknown()) })) } });
  const Key = z.object({ id: z.uuid(), name: z.string(), prefix: z.string(), permissions: z.array(z.string()), expiresAt: z.string().nullable(), lastUsedAt: z.string().nullable(), lastUsedIp: z.string().nullable() }).passthrough();
  path("get", "/api/profiles/{id}/api-keys", "The tenant's service accounts, API keys (never secrets) and 24 hours of usage", { params: ProfileIdParams }, { 200: { description: "Machine access", ...json(z.object({ serviceAccounts: z.array(z.unknown()), keys: z.array(Key), usage: z.array(z.object({ keyId: z.uuid(), hour: z.string(), requests: z.number(), errors: z.number() })), rateLimitPerMinute: z.number() })) } });
  path("post", "/api/profiles/{id}/api-keys", "Create an API key (for a service account or oneself); the secret is in this answer only", { params: ProfileIdParams, body: json(omit(CreateKeyBody, "id")) }, { 201: { description: "Created", ...json(z.object({ id: z.uuid(), name: z.string(), prefix: z.string(), secret: z.string() })) } });
  path("delete", "/api/profiles/{id}/api-keys/{keyId}", "Revoke an API key (401 from its next request)", { params: KeyParams }, ok);
  path("post", "/api/profiles/{id}/api-keys/{keyId}/rotate", "Rotate an API key: a new secret (in this answer only); the old key keeps working for overlapHours (default 24, 0 = stop at once)", { params: KeyParams, body: json(omit(RotateKeyBody, "id", "keyId")) }, { 201: { description: "Rotated", ...json(z.object({ id: z.uuid(), name: z.string(), prefix: z.string(), secret: z.string(), oldKeyWorksUntil: z.string() })) } });
  path("post", "/api/profiles/{id}/service-accounts", "Create a service account with a role at a place", { params: ProfileIdParams, body: json(omit(CreateServiceAccountBody, "id")) }, { 201: { description: "Created", ...json(z.object({ id: z.uuid(), userId: z.uuid(), name: z.string() })) } });
  path("patch", "/api/profiles/{id}/service-accounts/{accountId}", "Disable or enable a service account", { params: AccountParams, body: json(omit(UpdateServiceAccountBody, "id", "accountId")) }, ok);
  path("delete", "/api/profiles/{id}/service-accounts/{accountId}", "Remove a service account (its keys are revoked)", { params: AccountParams }, ok);
  path("put", "/api/profiles/{id}/api-settings", "The tenant's default per-key rate limit", { params: ProfileIdParams, body: json(omit(ApiSettingsBody, "id")) }, { 200: { description: "Saved", ...json(z.object({ rateLimitPerMinute: z.number() })) } });
  path("get", "/api/profiles/{id}/webhooks", "The tenant's webhook endpoints and delivery log (status codes, attempts)", { params: ProfileIdParams }, ok);
  path("post", "/api/profiles/{id}/webhooks", "Add a webhook endpoint; its whsec_ signing secret is in this answer only", { params: ProfileIdParams, body: json(createEndpointSchema) }, { 201: { description: "Created", ...json(z.object({ id: z.uuid(), url: z.string(), events: z.array(z.string()), secret: z.string() })) } });
  path("patch", "/api/profiles/{id}/webhooks/{webhookId}", "Rotate the signing secret (24 h overlap), enable or disable", { params: WebhookParams, body: json(omit(UpdateWebhookBody, "id", "webhookId")) }, ok);
  path("post", "/api/profiles/{id}/webhooks/deliveries/{deliveryId}", "Redeliver (same webhook-id)", { params: DeliveryParams }, ok);
  const CareParams = z.object({ profileId: z.uuid().openapi({ param: { name: "profileId", in: "path" } }) });
  const csv = { 200: { description: "CSV file", content: { "text/csv": { schema: z.string() } } } };
  path("get", "/api/care/{profileId}/reports/export", "Export a care report as CSV", { params: CareParams }, csv);
  path("get", "/api/care/{profileId}/schedule/export", "Export the care schedule as CSV", { params: CareParams }, csv);
  const Tenant = z.object({ tenantId: z.uuid().openapi({ param: { name: "tenantId", in: "query" } }) });
  path("get", "/api/settings/security", "The tenant's security settings", { query: Tenant }, ok);
  path("put", "/api/settings/security", "Change the tenant's security settings", { body: json(z.object({ tenantId: z.uuid(), settings: z.object({}).passthrough(), confirmLockout: z.boolean().optional() })) }, ok);
}
