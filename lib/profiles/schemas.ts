import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { emailSchema } from "../auth/credentials";
import { PERMISSIONS, SCOPES } from "../authz";
import { memberListQuery } from "../members/directory";

extendZodWithOpenApi(z);

/**
 * The REST API's request and response shapes. The route handlers validate with these, and
 * /api/openapi.json is generated from the same schemas, so the two can't disagree.
 */
export const NodeKindSchema = z.enum(["ENTERPRISE", "REGION", "PRACTICE", "LOCATION", "CARE_PROFILE"]).openapi("NodeKind");

export const ProfileSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: NodeKindSchema,
    tenantId: z.uuid(),
    tenantName: z.string(),
    trail: z.array(z.string()).openapi({ description: "Names from the tenant root down to the parent" }),
    role: z.string().openapi({ description: "The caller's role here", example: "Manager" }),
    roleId: z.string(),
    inherited: z.boolean().openapi({ description: "The role comes from a binding higher up the tree" }),
  })
  .openapi("Profile");

export const ProfileDetailSchema = ProfileSchema.extend({
  timeZone: z.string(),
  parentId: z.uuid().nullable(),
  createdAt: z.string(),
  memberCount: z.number().int().nullable().openapi({ description: "null when the caller may not read members" }),
}).openapi("ProfileDetail");

export const ProfileIdParams = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "6f1c…" }) });
export const MemberParams = ProfileIdParams.extend({ userId: z.string().openapi({ param: { name: "userId", in: "path" } }) });

const timeZone = z
  .string()
  .trim()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "Use an IANA time zone such as America/New_York.");

export const CreateProfileBody = z
  .object({
    kind: z.enum(["CARE_PROFILE", "PRACTICE"], { error: "Choose CARE_PROFILE or PRACTICE." }),
    name: z.string().trim().min(2, "Use at least 2 characters.").max(120, "Keep the name under 120 characters."),
    timeZone: timeZone.default("UTC"),
  })
  .strict()
  .openapi("CreateProfile");

export const UpdateProfileBody = z
  .object({
    name: z.string().trim().min(2, "Use at least 2 characters.").max(120, "Keep the name under 120 characters.").optional(),
    timeZone: timeZone.optional(),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.timeZone !== undefined, "Send a name or a timeZone to change.")
  .openapi("UpdateProfile");

export const MemberRoleSchema = z
  .object({
    bindingId: z.uuid(),
    nodeId: z.uuid(),
    nodeName: z.string(),
    nodeKind: z.string(),
    roleId: z.string(),
    roleName: z.string(),
    expiresAt: z.string().nullable(),
    pending: z.boolean().openapi({ description: "Offered by an invitation not accepted yet: grants nothing until accepted" }),
  })
  .openapi("MemberRole");

export const MemberSchema = z
  .object({
    id: z.uuid(),
    name: z.string().optional().openapi({ description: "Only with members.read_contact" }),
    email: z.string().optional().openapi({ description: "Only with members.read_contact" }),
    phone: z.string().nullable().optional().openapi({ description: "Only with members.read_contact" }),
    status: z.enum(["ACTIVE", "INVITED", "SUSPENDED", "DISABLED"]).openapi({ description: "As this profile sees them: SUSPENDED here only, DISABLED everywhere" }),
    managed: z.boolean().openapi({ description: "This profile's organization manages the account (created it or verified its email domain)" }),
    locked: z.boolean(),
    roles: z.array(MemberRoleSchema),
  })
  .openapi("Member");

export const MemberListSchema = z
  .object({
    total: z.number().int(),
    totalCapped: z.boolean().openapi({ description: 'More people match than `total` (the count stops at 10,000; shown as "10,000+").' }),
    page: z.number().int(),
    pageSize: z.number().int(),
    rows: z.array(MemberSchema),
  })
  .openapi("MemberList");

export const MemberListQuery = memberListQuery;

export const InviteBody = z
  .object({
    email: emailSchema,
    name: z.string().trim().max(120).optional(),
    roleId: z.string().min(1, "Choose a role."),
    locations: z.array(z.uuid({ error: "Each location must be an id from GET /api/profiles." })).max(200).optional().openapi({
      description: "Where the role applies; defaults to the profile itself",
    }),
  })
  .strict()
  .openapi("Invite");

export const UpdateMemberBody = z
  .object({
    assignments: z
      .array(
        z.object({
          nodeId: z.uuid({ error: "Choose a location." }),
          roleId: z.string().min(1).nullable().openapi({ description: "null removes the role at that node" }),
          expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
        }).strict(),
      )
      .min(1, "Send at least one assignment.")
      .max(200),
  })
  .strict()
  .openapi("UpdateMember");

export const GrantSchema = z
  .object({
    permission: z.enum(PERMISSIONS as [string, ...string[]]),
    scope: z.enum(SCOPES).default("subtree"),
  })
  .strict()
  .openapi("Grant");

export const PermissionsSchema = z
  .object({
    profileId: z.uuid(),
    role: z.string(),
    permissions: z.array(z.object({ permission: z.string(), scopes: z.array(z.string()), conditions: z.array(z.string()) })),
  })
  .openapi("EffectivePermissions");

export const UpdatePermissionsBody = z
  .object({
    userId: z.uuid({ error: "Name the member whose permissions change." }),
    add: z.array(GrantSchema).max(200).default([]),
    remove: z.array(z.enum(PERMISSIONS as [string, ...string[]])).max(200).default([]),
  })
  .strict()
  .openapi("UpdatePermissions");

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(["invalid", "unauthenticated", "forbidden", "not_found", "conflict", "rate_limited", "unavailable", "internal"]),
      message: z.string(),
      fields: z.record(z.string(), z.array(z.string())).optional(),
    }),
  })
  .openapi("Error");
