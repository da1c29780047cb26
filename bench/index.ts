/**
 * Entry point: `npx tsx bench/index.ts` (npm run bench). See bench/README.md.
 * Sections 1-6 in ./main.ts, section 7 (clinic list pages) in ./clinic.ts.
 *
 * lib/authz/load.ts imports "server-only", which throws outside a React Server Components build;
 * a module hook resolves it to the package's own empty module (what Next.js's "react-server"
 * condition does), then the benchmark runs.
 */
import { register } from "node:module";

register("./server-only-hook.mjs", import.meta.url);
// Section 7 (the clinic modules' list pages at the large seed) has its own database: BENCH_ONLY=7
// runs it alone; a full run (no BENCH_ONLY) runs it after sections 1-6.
const only = process.env.BENCH_ONLY?.trim();
if (only !== "7") await import("./main");
if (!only || only === "7") await import("./clinic");
