import { startPracticeSystem } from "./server";

/**
 * `npm run practice-system`: the practice system as its own process.
 * PRACTICE_SYSTEM_PORT (default 4400; 0 = any free port), PRACTICE_SYSTEM_DATA (a PGlite
 * directory; default data/practice-system) or PRACTICE_SYSTEM_DATABASE_URL (+ _SCHEMA) for
 * PostgreSQL, PRACTICE_SYSTEM_TOKEN (bearer token; none = open, for local dev).
 * Prints `practice-system listening on <url>` once it accepts requests.
 */
const env = process.env;
const system = await startPracticeSystem({
  port: Number(env.PRACTICE_SYSTEM_PORT ?? 4400),
  databaseUrl: env.PRACTICE_SYSTEM_DATABASE_URL || undefined,
  schema: env.PRACTICE_SYSTEM_SCHEMA || undefined,
  dataDir: env.PRACTICE_SYSTEM_DATABASE_URL ? undefined : env.PRACTICE_SYSTEM_DATA === "memory" ? undefined : (env.PRACTICE_SYSTEM_DATA ?? "data/practice-system"),
  token: env.PRACTICE_SYSTEM_TOKEN || undefined,
});
console.log(`practice-system listening on ${system.url}`);
const stop = () => void system.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
