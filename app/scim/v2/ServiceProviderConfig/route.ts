import { z } from "zod";
import { route } from "@/lib/api/handler";
import { SCIM_ROUTE, scimJson, serviceProviderConfig } from "@/lib/identity/scim";
import { securityEnv } from "@/lib/security/env";

export const dynamic = "force-dynamic";

/** SCIM discovery: what this service supports (RFC 7644 §4). */
export const GET = route({ access: { scim: true }, input: z.object({}).loose(), handler: async () => scimJson(serviceProviderConfig(`${securityEnv().appUrl}/scim/v2`)) }, SCIM_ROUTE);
