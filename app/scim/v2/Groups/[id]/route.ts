import { route } from "@/lib/api/handler";
import { SCIM_ROUTE, deleteGroup, getGroup, idSchema, patchSchema, patchGroup, replaceGroup, scimContext, scimJson, scimGroupSchema } from "@/lib/identity/scim";
import { securityEnv } from "@/lib/security/env";

export const dynamic = "force-dynamic";

/** SCIM: one Group of the token's tenant (another tenant's is 404). */
export const GET = route({ access: { scim: true }, input: idSchema, handler: async (c) => scimJson(await getGroup(c.tx, scimContext(c, securityEnv().appUrl), c.input.id)) }, SCIM_ROUTE);

export const PUT = route({ access: { scim: true }, input: scimGroupSchema.extend(idSchema.shape), handler: async (c) => scimJson(await replaceGroup(c.tx, scimContext(c, securityEnv().appUrl), c.input.id, c.input)) }, SCIM_ROUTE);

export const PATCH = route({ access: { scim: true }, input: patchSchema.extend(idSchema.shape), handler: async (c) => scimJson(await patchGroup(c.tx, scimContext(c, securityEnv().appUrl), c.input.id, c.input)) }, SCIM_ROUTE);

export const DELETE = route(
  {
    access: { scim: true },
    input: idSchema,
    handler: async (c) => {
      await deleteGroup(c.tx, scimContext(c, securityEnv().appUrl), c.input.id);
      return new Response(null, { status: 204 });
    },
  },
  SCIM_ROUTE,
);
