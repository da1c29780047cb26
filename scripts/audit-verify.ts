/**
 * `npm run audit:verify [-- --tenant <id>]`: re-walks every audit hash chain (or one tenant's) in the
 * configured database and names the first broken link of each. Exit code 1 when any chain is broken.
 *
 * `npm run audit:verify -- --archive <dir> [--offline]`: verifies the archives in <dir> (file
 * sha256, every line's hash and link, the checkpoint) and, unless --offline, their link to the live
 * chain in the database.
 */
import { verifyArchive } from "../lib/audit/archive";
import { verifyAllChains } from "../lib/audit/audit";
import { openDatabase } from "../lib/db/client";

async function verifyArchiveDir(dir: string) {
  const db = process.argv.includes("--offline") ? null : await openDatabase();
  try {
    const verdicts = await verifyArchive(dir, db?.prisma);
    let broken = 0;
    for (const v of verdicts) {
      if (v.problems.length) broken++;
      console.log(`${v.problems.length ? "BROKEN " : "ok     "} ${v.manifest}: ${v.count} events${v.notes.length ? `; ${v.notes.join("; ")}` : ""}`);
      for (const p of v.problems) console.log(`          ${p}`);
    }
    console.log(verdicts.length === 0 ? `No archive manifests in ${dir}.` : `${verdicts.length} archive(s) in ${dir}${db ? "" : " (offline)"}${broken ? `; ${broken} broken` : ", all verified"}.`);
    process.exitCode = broken || verdicts.length === 0 ? 1 : 0;
  } finally {
    await db?.close();
  }
}

async function main() {
  const a = process.argv.indexOf("--archive");
  if (a > 0) return verifyArchiveDir(process.argv[a + 1] ?? ".");
  const i = process.argv.indexOf("--tenant");
  const only = i > 0 ? process.argv[i + 1] : null;
  const db = await openDatabase();
  try {
    const started = performance.now();
    const chains = (await verifyAllChains(db.prisma)).filter((c) => !only || c.tenantId === only);
    const seconds = (performance.now() - started) / 1000;
    let broken = 0, events = 0;
    for (const c of chains) {
      const name = c.tenantId ?? "platform (no tenant)";
      if (c.ok) {
        events += c.count ?? 0;
        console.log(`ok      ${name}: ${c.count} events`);
      } else {
        broken++;
        console.log(`BROKEN  ${name}: first broken link at event #${c.brokenAt}`);
      }
    }
    console.log(`${chains.length} chain(s), ${events} events verified in ${seconds.toFixed(2)} s${broken ? `; ${broken} broken` : ""}.`);
    process.exitCode = broken ? 1 : 0;
  } finally {
    await db.close();
  }
}

main().catch((err: Error) => {
  console.error(`audit:verify failed: ${err.message}`);
  process.exit(2);
});
