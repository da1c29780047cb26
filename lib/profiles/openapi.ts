import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import {
  CreateProfileBody,
  ErrorSchema,
  InviteBody,
  MemberListQuery,
  MemberListSchema,
  MemberParams,
  PermissionsSchema,
  ProfileDetailSchema,
  ProfileIdParams,
  ProfileSchema,
  UpdateMemberBody,
  UpdatePermissionsBody,
  UpdateProfileBody,
} from "./schemas";
import { registerDomainPaths } from "../api/openapi-domains";
import { registerMachinePaths } from "../machine/openapi";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid input, with a message per field", ...json(ErrorSchema) },
  401: { description: "No session, or an unknown, revoked or expired API key", ...json(ErrorSchema) },
  403: { description: "A member of the profile without the permission", ...json(ErrorSchema) },
  404: { description: "Not found, or not a profile the caller belongs to", ...json(ErrorSchema) },
  409: { description: "Conflict (existing member, last owner)", ...json(ErrorSchema) },
};
const machineErrors = { 429: { description: "An API key over its rate limit (RateLimit and Retry-After headers)", ...json(ErrorSchema) } };
const ok = { 200: { description: "Done", ...json(z.object({ ok: z.literal(true) })) } };

export function openApiDocument() {
  const r = new OpenAPIRegistry();
  r.registerComponent("securitySchemes", "session", { type: "apiKey", in: "cookie", name: "next-auth.session-token" });
  // A browser session or an API key (issue 13: Authorization: Bearer cak_…).
  const path = (method: "get" | "post" | "put" | "patch" | "delete", p: string, summary: string, request: object, responses: object) =>
    r.registerPath({ method, path: p, summary, security: [{ session: [] }, { bearer: [] }], request, responses: { ...responses, ...errors, ...machineErrors } as never });
  registerMachinePaths(r, path);
  registerDomainPaths(r, path);

  path("get", "/api/profiles", "Profiles the caller can enter, with the caller's role", {}, { 200: { description: "Profiles", ...json(z.array(ProfileSchema)) } });
  path("post", "/api/profiles", "Create a care profile or practice; the caller becomes Owner", { body: json(CreateProfileBody) }, { 201: { description: "Created", ...json(ProfileDetailSchema) } });
  path("get", "/api/profiles/{id}", "A profile", { params: ProfileIdParams }, { 200: { description: "The profile", ...json(ProfileDetailSchema) } });
  path("put", "/api/profiles/{id}", "Rename a profile or change its time zone", { params: ProfileIdParams, body: json(UpdateProfileBody) }, ok);
  path("delete", "/api/profiles/{id}", "Delete (archive) a profile: Owner only", { params: ProfileIdParams }, ok);
  path("get", "/api/profiles/{id}/members", "Members, searchable and paginated", { params: ProfileIdParams, query: MemberListQuery }, { 200: { description: "A page of members", ...json(MemberListSchema) } });
  path("post", "/api/profiles/{id}/members", "Invite a member by email with a role and locations", { params: ProfileIdParams, body: json(InviteBody) }, {
    201: { description: "Invited", ...json(z.object({ userId: z.uuid(), invitationId: z.string().nullable(), existingUser: z.boolean() })) },
  });
  path("put", "/api/profiles/{id}/members/{userId}", "Change a member's role at one or more nodes", { params: MemberParams, body: json(UpdateMemberBody) }, ok);
  path("delete", "/api/profiles/{id}/members/{userId}", "Remove a member from the profile", { params: MemberParams }, ok);
  path("get", "/api/profiles/{id}/permissions", "The caller's effective permissions here", { params: ProfileIdParams }, { 200: { description: "Permissions", ...json(PermissionsSchema) } });
  path("put", "/api/profiles/{id}/permissions", "Change a member's grants here (body names the member)", { params: ProfileIdParams, body: json(UpdatePermissionsBody) }, {
    200: { description: "The member's adjustments after the change", ...json(z.object({ adjustments: z.object({ add: z.array(z.unknown()), remove: z.array(z.string()) }) })) },
  });

  return new OpenApiGeneratorV31(r.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "CareAccess API", version: "1.0.0", description: "Profiles (practices, enterprises, care profiles), their members and permissions." },
    servers: [{ url: "/" }],
  });
}
