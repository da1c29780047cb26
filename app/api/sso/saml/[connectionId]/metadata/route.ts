import { z } from "zod";
import { AppError } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { prisma } from "@/lib/db";
import { loadUsableConnection, spUrls } from "@/lib/identity/connections";
import { samlMetadata } from "@/lib/identity/saml";

export const dynamic = "force-dynamic";

/** Our SP metadata for one SAML connection (entity ID, ACS URL), for the IdP's admin. */
export const GET = route({
  access: { public: true },
  input: z.object({ connectionId: z.uuid() }),
  transaction: false,
  handler: async ({ input }) => {
    const tx = await prisma();
    const conn = await loadUsableConnection(tx, input.connectionId);
    if (!conn || conn.kind !== "saml") throw new AppError("not_found", "Not found.");
    const urls = spUrls(conn.id);
    return new Response(samlMetadata(tx, conn, { entityId: urls.samlEntityId, acsUrl: urls.samlAcsUrl }), { headers: { "Content-Type": "application/samlmetadata+xml" } });
  },
});
