import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";

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
  const root = path.resolve(import.meta.dirname, "../..");
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "practice-system/main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      PRACTICE_SYSTEM_PORT: String(opts.port ?? 0),
      PRACTICE_SYSTEM_DATA: opts.dataDir ?? "memory",
      PRACTICE_SYSTEM_DATABASE_URL: opts.databaseUrl ?? "",
      PRACTICE_SYSTEM_SCHEMA: opts.schema ?? "",
      PRACTICE_SYSTEM_TOKEN: token,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`practice-system did not start: ${stderr}`)), 60_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`practice-system exited (${code}): ${stderr}`)));
  });
  return {
    url,
    token,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
