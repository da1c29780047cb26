import os from "node:os";
import path from "node:path";
import { readFileSync } from "node:fs";

export const BENCH_DIR = path.resolve(import.meta.dirname, "..");

export interface BenchConfig {
  scale: number;
  databaseUrl: string;
  pgliteDir: string;
  resultsDir: string;
  /** Decisions in the three-engine differential check (the spec: 100,000). */
  diffDecisions: number;
  /** Users whose bindings the CASL/casbin comparison is built from. */
  sampleUsers: number;
  /** Revoke-then-check pairs in section 4. */
  freshnessPairs: number;
  /** Iterations per subject kind in section 5 (server and PGlite). */
  listIterations: number;
  /** Samples per screen and place in section 6 (settings screens). */
  settingsIterations: number;
  /** Section 6 also on the PGlite copy. */
  settingsPglite: boolean;
  /** Sections to run (BENCH_ONLY=1,3); all by default. 7 (audit), 8 (clinic lists, bench/clinic.ts) and 9 (EM Sync, bench/em-sync-main.ts) bring their own data. */
  sections: Set<number>;
  /** Section 7 (audit log): its own database, and its sizes. */
  audit: { databaseUrl: string; appends: number; verifyEvents: number; listEvents: number; iterations: number };
}

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return n;
};

function parseSections(raw: string | undefined): Set<number> {
  if (!raw?.trim()) return new Set([1, 2, 3, 4, 5, 6, 7]);
  const out = new Set(raw.split(",").map((x) => Number(x.trim())));
  for (const n of out) if (![1, 2, 3, 4, 5, 6, 7, 8, 9].includes(n)) throw new Error(`BENCH_ONLY: sections are 1-9 (got "${raw}")`);
  return out;
}

export function readConfig(): BenchConfig {
  const scale = num("BENCH_SCALE", 1);
  if (scale > 1) throw new Error("BENCH_SCALE is at most 1 (1 = the full-size enterprise)");
  const full = scale >= 1;
  const tag = full ? "full" : `s${String(scale).replace(/[^0-9]/g, "")}`;
  return {
    scale,
    databaseUrl: process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/careaccess_bench",
    pgliteDir: path.join(BENCH_DIR, ".data", `pglite-${tag}`),
    resultsDir: path.join(BENCH_DIR, "results"),
    diffDecisions: Math.round(num("BENCH_DIFF_DECISIONS", full ? 100_000 : 20_000)),
    sampleUsers: Math.round(num("BENCH_SAMPLE_USERS", full ? 2_000 : 400)),
    freshnessPairs: Math.round(num("BENCH_FRESHNESS_PAIRS", full ? 10_000 : 1_000)),
    listIterations: Math.round(num("BENCH_LIST_ITERATIONS", full ? 100 : 40)),
    settingsIterations: Math.round(num("BENCH_SETTINGS_ITERATIONS", 20)),
    settingsPglite: process.env.BENCH_SETTINGS_PGLITE !== "0",
    sections: parseSections(process.env.BENCH_ONLY),
    audit: {
      databaseUrl: process.env.BENCH_AUDIT_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/careaccess_audit_bench",
      appends: Math.round(num("BENCH_AUDIT_APPENDS", full ? 8_000 : 2_000)),
      verifyEvents: Math.round(num("BENCH_AUDIT_VERIFY_EVENTS", 200_000)),
      listEvents: Math.round(num("BENCH_AUDIT_LIST_EVENTS", 1_000_000)),
      iterations: Math.round(num("BENCH_AUDIT_ITERATIONS", 60)),
    },
  };
}

export function machineFacts() {
  let cpuModel = "unknown";
  let cpuCount = 0;
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpuModel;
    cpuCount = (info.match(/^processor\s*:/gm) ?? []).length;
  } catch {
    cpuModel = os.cpus()[0]?.model ?? cpuModel;
  }
  return {
    cpuModel,
    cores: cpuCount || os.cpus().length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    v8HeapLimitMiB: 0,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Share of the machine's CPU time that was busy over `ms` milliseconds (0–1), from /proc/stat. */
export function busyShareOver(ms: number): number {
  const a = machineCpu();
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // a short blocking wait: nothing else of ours is running yet
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  const b = machineCpu();
  return a && b && b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : NaN;
}

/** Busy and total CPU time of the whole machine so far (jiffies, from /proc/stat). */
export function machineCpu(): { busy: number; total: number } | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}
