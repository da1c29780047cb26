import { route } from "@/lib/api/handler";
import { SCIM_ROUTE, createUser, listQuerySchema, listUsers, scimContext, scimJson, scimUserSchema } from "@/lib/identity/scim";
import { securityEnv } from "@/lib/security/env";

export const dynamic = "force-dynamic";

/** SCIM: list (filter, startIndex, count) and create Users of the token's tenant. */
export const GET = route({ access: { scim: true }, input: listQuerySchema, handler: async (c) => scimJson(await listUsers(c.tx, scimContext(c, securityEnv().appUrl), c.input)) }, SCIM_ROUTE);

export const POST = route({ access: { scim: true }, input: scimUserSchema, handler: async (c) => scimJson(await createUser(c.tx, scimContext(c, securityEnv().appUrl), c.input), 201) }, SCIM_ROUTE);
