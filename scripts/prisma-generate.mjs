// Runs `prisma generate` without Prisma's downloaded schema engine, which this network can't reach:
// generate itself uses WASM and only needs PRISMA_SCHEMA_ENGINE_BINARY to name an existing file.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url),
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
};
const result = spawnSync("npx", ["prisma", "generate"], { env, stdio: "inherit" });
process.exit(result.status ?? 1);
