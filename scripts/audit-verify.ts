/**
 * `npm run audit:verify [-- --tenant <id>]`: re-walks every audit hash chain (or one tenant's) in the
 * configured database and names the first broken link of each. Exit code 1 when any chain is broken.
 */
import { verifyAllChains } from "../lib/audit/audit";
import { openDatabase } from "../lib/db/client";

async function main() {
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
