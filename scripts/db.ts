/**
 * Database commands: `tsx scripts/db.ts migrate | seed | setup`.
 * setup = migrate, then seed the demo data if the database has none (what `npm start` runs).
 * `seed --large` also generates the benchmark-size enterprise (prisma/seed-large.ts).
 */
import { openDatabase } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { syncBuiltinRoles } from "../lib/roles/builtin";
import { seedDemoData } from "../prisma/seed";
import { seedLargeEnterprise } from "../prisma/seed-large";

/** `large`: also the benchmark-size enterprise (`npm run db:seed -- --large`, prisma/seed-large.ts). */
export async function setupDatabase(command: "migrate" | "seed" | "setup", log = console.log, opts: { large?: boolean } = {}): Promise<void> {
  const db = await openDatabase();
  try {
    const applied = await migrate(db.sql);
    log(applied.length ? `Applied ${applied.length} migration(s) to ${db.target.label}: ${applied.join(", ")}` : `${db.target.label} is up to date.`);
    await syncBuiltinRoles(db.prisma);
    if (command === "seed" || command === "setup") {
      const { seeded } = await seedDemoData(db.prisma, { bulk: true });
      log(seeded ? "Demo data created (password for every demo account: CareAccess!demo1)." : "Demo data already present; nothing added.");
      if (opts.large) {
        const large = await seedLargeEnterprise(db.prisma, log);
        if (!large.seeded) log("The large enterprise is already present; nothing added.");
      }
    }
  } finally {
    await db.close();
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!);
if (isMain) {
  const command = process.argv[2] as "migrate" | "seed" | "setup";
  if (!["migrate", "seed", "setup"].includes(command)) {
    console.error("Usage: tsx scripts/db.ts migrate | seed | setup");
    process.exit(2);
  }
  setupDatabase(command, console.log, { large: process.argv.includes("--large") }).catch((err: Error) => {
    console.error(`Database ${command} failed: ${err.message}`);
    process.exit(1);
  });
}
