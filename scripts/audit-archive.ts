/**
 * `npm run audit:archive [-- --dir <dir>] [--tenant <id>]`: moves each tenant's audit events older
 * than its retention (default 6 years) to <dir> (default ./audit-archive) as JSON Lines + a manifest,
 * then removes them from the database (lib/audit/archive.ts). Verify with
 * `npm run audit:verify -- --archive <dir>`.
 */
import { mkdir } from "node:fs/promises";
import { archiveExpired } from "../lib/audit/archive";
import { openDatabase } from "../lib/db/client";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

async function main() {
  const dir = arg("--dir") ?? "audit-archive";
  await mkdir(dir, { recursive: true });
  const db = await openDatabase();
  try {
    const done = await archiveExpired(db.prisma, { dir, tenantId: arg("--tenant") });
    for (const m of done) console.log(`archived ${m.tenantId}: ${m.count} events #${m.firstId}–#${m.lastId} (${m.firstAt} – ${m.lastAt}) → ${dir}/${m.file}, checkpoint ${m.checkpointHash.slice(0, 12)}…`);
    console.log(done.length ? `${done.length} archive(s) written to ${dir}.` : "Nothing is past retention.");
  } finally {
    await db.close();
  }
}

main().catch((err: Error) => {
  console.error(`audit:archive failed: ${err.message}`);
  process.exit(2);
});
