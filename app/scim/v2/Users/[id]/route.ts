import { route } from "@/lib/api/handler";
import { SCIM_ROUTE, deleteUser, getUser, idSchema, patchSchema, patchUser, replaceUser, scimContext, scimJson, scimUserSchema } from "@/lib/identity/scim";
import { securityEnv } from "@/lib/security/env";

export const dynamic = "force-dynamic";

/** SCIM: one User of the token's tenant (another tenant's is 404). */
export const GET = route({ access: { scim: true }, input: idSchema, handler: async (c) => scimJson(await getUser(c.tx, scimContext(c, securityEnv().appUrl), c.input.id)) }, SCIM_ROUTE);

export const PUT = route({ access: { scim: true }, input: scimUserSchema.extend(idSchema.shape), handler: async (c) => scimJson(await replaceUser(c.tx, scimContext(c, securityEnv().appUrl), c.input.id, c.input)) }, SCIM_ROUTE);

export const PATCH = route({ access: { scim: true }, input: patchSchema.extend(idSchema.shape), handler: async (c) => scimJson(await patchUser(c.tx, scimContext(c, securityEnv().appUrl), c.input.id, c.input)) }, SCIM_ROUTE);

export const DELETE = route(
  {
    access: { scim: true },
    input: idSchema,
    handler: async (c) => {
      await deleteUser(c.tx, scimContext(c, securityEnv().appUrl), c.input.id);
      return new Response(null, { status: 204 });
    },
  },
  SCIM_ROUTE,
);
