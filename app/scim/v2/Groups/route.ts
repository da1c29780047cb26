import { route } from "@/lib/api/handler";
import { SCIM_ROUTE, createGroup, listQuerySchema, listGroups, scimContext, scimJson, scimGroupSchema } from "@/lib/identity/scim";
import { securityEnv } from "@/lib/security/env";

export const dynamic = "force-dynamic";

/** SCIM: list (filter, startIndex, count) and create Groups of the token's tenant. */
export const GET = route({ access: { scim: true }, input: listQuerySchema, handler: async (c) => scimJson(await listGroups(c.tx, scimContext(c, securityEnv().appUrl), c.input)) }, SCIM_ROUTE);

export const POST = route({ access: { scim: true }, input: scimGroupSchema, handler: async (c) => scimJson(await createGroup(c.tx, scimContext(c, securityEnv().appUrl), c.input), 201) }, SCIM_ROUTE);
