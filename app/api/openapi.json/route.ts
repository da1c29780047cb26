import { z } from "zod";
import { route } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/profiles/openapi";

export const dynamic = "force-dynamic";

/** OpenAPI 3.1, generated from the same zod schemas the handlers validate with. */
export const GET = route({ access: { public: true }, input: z.object({}), handler: async () => openApiDocument() });
