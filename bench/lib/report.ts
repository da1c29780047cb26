import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Prints tables and goal verdicts, and gathers everything for bench/results/latest.json. */

export type Cell = string | number;

export function table(headers: string[], rows: Cell[][], opts: { indent?: number } = {}): string {
  const text = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? "").length)));
  const pad = " ".repeat(opts.indent ?? 2);
  // First column left-aligned (labels), the rest right-aligned (numbers).
  const line = (cells: string[]) =>
    pad + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(headers), pad + widths.map((w) => "-".repeat(w)).join("  "), ...text.map(line)].join("\n");
}

export interface GoalResult {
  section: string;
  goal: string;
  measured: string;
  met: boolean;
}

export class Report {
  readonly data: Record<string, unknown> = {};
  readonly goals: GoalResult[] = [];
  readonly failures: string[] = [];

  section(title: string): void {
    console.log(`\n${"=".repeat(100)}\n${title}\n${"=".repeat(100)}`);
  }

  print(text = ""): void {
    console.log(text);
  }

  table(headers: string[], rows: Cell[][]): void {
    console.log(table(headers, rows));
  }

  goal(section: string, goal: string, measured: string, met: boolean): void {
    this.goals.push({ section, goal, measured, met });
    console.log(`  GOAL ${goal}: ${measured} -> ${met ? "MET" : "MISSED"}`);
  }

  /** A correctness failure: printed now, and the run exits non-zero at the end. */
  fail(message: string): void {
    this.failures.push(message);
    console.log(`  FAIL ${message}`);
  }

  set(key: string, value: unknown): void {
    this.data[key] = value;
  }

  write(dir: string): string {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "latest.json");
    writeFileSync(file, JSON.stringify({ ...this.data, goals: this.goals, failures: this.failures }, replacer, 2) + "\n");
    return file;
  }
}

function replacer(_key: string, value: unknown) {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}
