/**
 * `BENCH_ONLY=9 npm run bench`: section 9 (legacy migration of a 1,000-practice enterprise, EM Sync
 * lag) on its own, without the policy dataset the other sections need. Same report and results file.
 */
import { machineFacts, readConfig } from "./lib/config";
import { Report } from "./lib/report";
import { sectionEmSync } from "./sections/em-sync";

const cfg = readConfig();
const report = new Report();
report.section("CareAccess benchmark, section 9 only (BENCH_ONLY=9)");
const facts = machineFacts();
report.table(["machine", ""], [
  ["CPU", facts.cpuModel],
  ["cores", String(facts.cores)],
  ["Node.js", `${facts.node} (${facts.platform})`],
  ["load", `load average ${facts.loadAverageAtStart.join(" / ")}`],
]);
report.set("machine", facts);
await sectionEmSync(report, cfg.databaseUrl);
report.set("finishedAt", new Date().toISOString());
const file = report.write(cfg.resultsDir);
report.print(`  Results written to ${file}`);
if (report.failures.length) {
  report.print(`\n  FAILED: ${report.failures.join("; ")}`);
  process.exitCode = 1;
}
