/**
 * Entry point: `npx tsx bench/index.ts` (npm run bench). See bench/README.md.
 * Sections 1-7 in ./main.ts, section 8 (clinic list pages) in ./clinic.ts, 9 (EM Sync) in ./em-sync-main.ts.
 *
 * lib/authz/load.ts imports "server-only", which throws outside a React Server Components build;
 * a module hook resolves it to the package's own empty module (what Next.js's "react-server"
 * condition does), then the benchmark runs.
 */
import { register } from "node:module";

register("./server-only-hook.mjs", import.meta.url);
// Sections 8 (the clinic modules' list pages at the large seed) and 9 (legacy migration and EM Sync)
// bring their own databases: BENCH_ONLY=8 or 9 runs one alone; a full run runs them after 1-7.
const only = process.env.BENCH_ONLY?.trim();
if (only !== "8" && only !== "9") await import("./main");
if (!only || only === "8") await import("./clinic");
if (!only || only === "9") await import("./em-sync-main");
