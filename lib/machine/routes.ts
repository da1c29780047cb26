import { z } from "zod";
import { ProfileIdParams } from "../profiles/schemas";
import type { Tx } from "../db/client";
import { createKeySchema, rotateKeySchema } from "./keys";
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
export const WebhookParams = ProfileIdParams.extend({ webhookId: z.uuid("Not a webhook id.").openapi({ param: { name: "webhookId", in: "path" } }) });
export const DeliveryParams = ProfileIdParams.extend({ deliveryId: z.uuid("Not a delivery id.").openapi({ param: { name: "deliveryId", in: "path" } }) });
export const UpdateWebhookBody = WebhookParams.extend({ action: z.enum(["rotate_secret", "enable", "disable"], { error: "rotate_secret, enable or disable." }) });
export const RotateKeyBody = rotateKeySchema.extend(KeyParams.shape);
