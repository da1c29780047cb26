import { z } from "zod";
import { ProfileIdParams } from "../profiles/schemas";
import type { Tx } from "../db/client";
import { createKeySchema } from "./keys";
import { createServiceAccountSchema } from "./service-accounts";

/** Route inputs of machine access (issue 13); shared by the routes and the OpenAPI document. */
export const KeyParams = ProfileIdParams.extend({ keyId: z.uuid("Not a key id.").openapi({ param: { name: "keyId", in: "path" } }) });
export const AccountParams = ProfileIdParams.extend({ accountId: z.uuid("Not a service account id.").openapi({ param: { name: "accountId", in: "path" } }) });
export const CreateKeyBody = createKeySchema.extend(ProfileIdParams.shape);
export const CreateServiceAccountBody = createServiceAccountSchema.extend(ProfileIdParams.shape);
export const UpdateServiceAccountBody = AccountParams.extend({ status: z.enum(["ACTIVE", "DISABLED"], { error: "ACTIVE or DISABLED." }) });

/** The tenant a place belongs to: keys and service accounts live at the tenant root. */
export async function tenantOf(tx: Tx, nodeId: string): Promise<string> {
  return (await tx.orgNode.findUniqueOrThrow({ where: { id: nodeId }, select: { rootId: true } })).rootId;
}
export const ApiSettingsBody = ProfileIdParams.extend({ rateLimitPerMinute: z.number({ error: "A number of requests per minute." }).int("A whole number.").min(1, "At least 1.").max(100_000, "At most 100000.") });
