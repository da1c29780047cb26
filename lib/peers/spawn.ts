import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/**
 * Starts one of the repo's peer services (practice-system/, payment-processor/) as its own
 * process with tsx, and waits for its `<name> listening on <url>` line.
 */
export interface RunningPeer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnPeer(name: string, script: string, env: Record<string, string>): Promise<RunningPeer> {
  const root = path.resolve(import.meta.dirname, "../..");
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), [path.join(root, script)], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${stderr}`)), 60_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`${name} exited (${code}): ${stderr}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
