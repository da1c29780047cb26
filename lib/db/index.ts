import "server-only";
import { openDatabase, type Database } from "./client";

/**
 * The app's one database handle, opened on first use. Kept on globalThis so Next's dev-mode
 * module reloads don't open a second PGlite on the same directory.
 */
const holder = globalThis as unknown as { __careaccessDb?: Promise<Database> };

export function database(): Promise<Database> {
  holder.__careaccessDb ??= openDatabase().catch((err) => {
    holder.__careaccessDb = undefined;
    throw err;
  });
  return holder.__careaccessDb;
}

export async function prisma() {
  return (await database()).prisma;
}
