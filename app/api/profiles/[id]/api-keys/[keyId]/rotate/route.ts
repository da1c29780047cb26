import { route } from "@/lib/api/handler";
import { rotateApiKey } from "@/lib/machine/keys";
import { RotateKeyBody, tenantOf } from "@/lib/machine/routes";

export const dynamic = "force-dynamic";

/** Rotates a key: a new secret (in this answer only); the old one works for `overlapHours` more. */
export const POST = route(
  {
    access: { permission: "api_keys.create", resource: (i) => ({ nodeId: i.id }) },
    input: RotateKeyBody,
    handler: async ({ input, tx, user, subject, ip }) => rotateApiKey(tx, await tenantOf(tx, input.id), input.keyId, { overlapHours: input.overlapHours }, { userId: user.id, ip, subject }),
  },
  { status: 201 },
);
