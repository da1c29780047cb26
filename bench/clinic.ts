/**
 * Section 8 on its own (BENCH_ONLY=8 npm run bench): the clinic modules' first list pages at the
 * large seed. Its own PostgreSQL database, BENCH_CLINIC_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/careaccess_clinic_bench): created when missing, migrated, and
 * seeded with the demo data and `--large` (prisma/seed-large.ts) when the large tenant isn't there.
 */
import { openDatabase } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { syncBuiltinRoles } from "../lib/roles/builtin";
import { seedDemoData } from "../prisma/seed";
import { seedLargeEnterprise } from "../prisma/seed-large";
import { adminUrl, withAdmin } from "./dataset/database";
import { machineFacts } from "./lib/config";
import { Report } from "./lib/report";
import { fmt } from "./lib/util";
import { sectionClinic } from "./sections/clinic";

const report = new Report();
const url = process.env.BENCH_CLINIC_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/careaccess_clinic_bench";
const { admin, name } = adminUrl(url);
await withAdmin(admin, async (c) => {
  if (!(await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount) await c.query(`CREATE DATABASE "${name}"`);
});
const db = await openDatabase(url);
try {
  report.section("8. Clinic modules: first list page (+ count) at the large seed vs a hand-written tenant-only query");
  const facts = machineFacts();
  report.print(`  ${facts.cpuModel}, ${facts.cores} cores, load average ${facts.loadAverageAtStart.join(" / ")}; ${db.target.label}`);
  await migrate(db.sql);
  await syncBuiltinRoles(db.prisma);
  await seedDemoData(db.prisma);
  const t = performance.now();
  const large = await seedLargeEnterprise(db.prisma, (m) => report.print(`  ${m}`));
  if (!large.seeded) report.print(`  Large tenant reused (generated earlier).`);
  else report.print(`  (seed took ${fmt((performance.now() - t) / 1000, 1)} s)`);
  await sectionClinic(report, db, { iterations: Number(process.env.BENCH_LIST_ITERATIONS ?? 100), url });
  report.section("Summary");
  report.table(["section", "goal", "measured", "result"], report.goals.map((g) => [g.section, g.goal, g.measured, g.met ? "MET" : "MISSED"]));
} finally {
  await db.close();
}
if (report.failures.length) process.exit(1);
