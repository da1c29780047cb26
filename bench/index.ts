/**
 * Entry point: `npx tsx bench/index.ts` (npm run bench). See bench/README.md.
 *
 * lib/authz/load.ts imports "server-only", which throws outside a React Server Components build;
 * a module hook resolves it to the package's own empty module (what Next.js's "react-server"
 * condition does), then the benchmark runs.
 */
import { register } from "node:module";

register("./server-only-hook.mjs", import.meta.url);
// BENCH_ONLY=7: the EM Sync section alone, which brings its own data (bench/sections/em-sync.ts).
await import(process.env.BENCH_ONLY?.trim() === "7" ? "./em-sync-main" : "./main");
