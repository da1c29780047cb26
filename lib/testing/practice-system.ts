import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { spawnPeer } from "../peers/spawn";

/**
 * Starts the practice system (practice-system/main.ts) as its own process on a free port, on
 * PGlite (a data directory, or memory) or on its own schema of a PostgreSQL database.
 */
export interface RunningPracticeSystem {
  url: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnPracticeSystem(opts: { dataDir?: string; databaseUrl?: string; schema?: string; token?: string; port?: number } = {}): Promise<RunningPracticeSystem> {
  const token = opts.token ?? randomBytes(12).toString("hex");
  const peer = await spawnPeer("practice-system", "practice-system/main.ts", {
    PRACTICE_SYSTEM_PORT: String(opts.port ?? 0),
    PRACTICE_SYSTEM_DATA: opts.dataDir ?? "memory",
    PRACTICE_SYSTEM_DATABASE_URL: opts.databaseUrl ?? "",
    PRACTICE_SYSTEM_SCHEMA: opts.schema ?? "",
    PRACTICE_SYSTEM_TOKEN: token,
  });
  return { ...peer, token };
}
