import path from "node:path";
import type { SqlRunner } from "../../lib/db/client";
import type { PrismaClient } from "../../lib/db/generated/client";
import { migrate } from "../../lib/db/migrate";
import { syncBuiltinRoles } from "../../lib/roles/builtin";
import { chunks, lit, msSince, nowNs } from "../lib/util";
import { DATASET_VERSION, type DatasetSpec, userIdOf } from "./spec";

/**
 * Writes the generated enterprise with bulk SQL: nodes and roles as multi-row INSERTs, users and the
 * patients with INSERT … SELECT generate_series, the closure table with one recursive INSERT. One
 * transaction, FK triggers off (session_replication_role = replica: the data is consistent by
 * construction), patients' secondary indexes rebuilt after the load; then VACUUM ANALYZE.
 * A `bench_meta` row marks the data complete, so a later run reuses it.
 */

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const MIGRATIONS = path.join(REPO_ROOT, "prisma/migrations");

export interface Marker {
  version: number;
  scale: number;
  status: "generating" | "complete";
  patients: number;
  counts?: Record<string, number>;
  generationSeconds?: number;
  steps?: Record<string, number>;
  generatedAt?: string;
}

export async function readMarker(sql: SqlRunner): Promise<Marker | null> {
  const exists = await sql.query<{ t: string | null }>(`SELECT to_regclass('public.bench_meta')::text AS t`);
  if (!exists[0]?.t) return null;
  const rows = await sql.query<{ value: Marker }>(`SELECT value FROM bench_meta WHERE key = 'dataset'`);
  return rows[0]?.value ?? null;
}

export async function tableCounts(sql: SqlRunner): Promise<Record<string, number>> {
  const rows = await sql.query<Record<string, string>>(`SELECT
    (SELECT count(*) FROM org_nodes) AS org_nodes, (SELECT count(*) FROM org_node_closure) AS org_node_closure,
    (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM roles) AS roles,
    (SELECT count(*) FROM role_bindings) AS role_bindings, (SELECT count(*) FROM patients) AS patients,
    (SELECT count(*) FROM patient_assignments) AS patient_assignments,
    (SELECT count(*) FROM patients WHERE primary_provider_id IS NOT NULL) AS patients_with_provider`);
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
}

/** Complete when the marker says so and the table counts still match what was generated. */
export async function isComplete(sql: SqlRunner, scale: number, patients: number): Promise<{ ok: boolean; why: string; marker: Marker | null }> {
  const marker = await readMarker(sql);
  if (!marker) return { ok: false, why: "no bench_meta marker", marker };
  if (marker.status !== "complete") return { ok: false, why: "a previous generation did not finish", marker };
  if (marker.version !== DATASET_VERSION) return { ok: false, why: `dataset version ${marker.version} != ${DATASET_VERSION}`, marker };
  if (marker.scale !== scale || marker.patients !== patients) return { ok: false, why: `generated for BENCH_SCALE=${marker.scale}`, marker };
  const counts = await tableCounts(sql);
  for (const key of ["org_nodes", "org_node_closure", "users", "role_bindings", "patients"]) {
    if (counts[key] !== marker.counts?.[key]) return { ok: false, why: `${key}: ${counts[key]} rows, expected ${marker.counts?.[key]}`, marker };
  }
  return { ok: true, why: "", marker };
}

const FIRST_NAMES = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Sandra", "Mark", "Margaret", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Paul", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "George", "Deborah", "Timothy", "Stephanie", "Ana", "Wei", "Fatima", "Hiroshi", "Olga", "Kwame", "Priya", "Luis", "Ingrid", "Omar"];
const LAST_PREFIX = ["Ander", "Bal", "Car", "Dal", "Ed", "Fair", "Gar", "Hal", "Ing", "Jar", "Kel", "Lam", "Mar", "Nor", "Ol", "Pem", "Quin", "Ros", "Sal", "Tal", "Ul", "Van", "Wal", "Yar", "Zim", "Ash", "Brad", "Cole", "Dun", "Ever", "Fitz", "Glen", "Hart", "Ives", "Kings", "Lind", "Mont", "Nash", "Oak", "Prest"];
const LAST_SUFFIX = ["son", "berg", "ford", "ley", "man", "ton", "wood", "field", "well", "worth", "by", "er", "ing", "ridge", "stone", "more", "ham", "ster", "wick", "dale", "land", "ers", "holt", "combe", "gate"];
const arr = (xs: string[]) => `ARRAY[${xs.map((x) => lit(x)).join(",")}]`;
/** A non-negative pseudo-random int from the series number: deterministic, fast, the same on every PostgreSQL. */
const h = (salt: number) => `(hashint4(g * 7 + ${salt}) & 2147483647)`;

export async function generate(
  sql: SqlRunner,
  prisma: PrismaClient,
  spec: DatasetSpec,
  opts: { scale: number; patients: number; log: (msg: string) => void },
): Promise<Marker> {
  const t0 = nowNs();
  const steps: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t = nowNs();
    await fn();
    steps[name] = msSince(t) / 1000;
    opts.log(`    ${name.padEnd(34)} ${steps[name].toFixed(1).padStart(7)} s`);
  };
  await step("migrate()", () => migrate(sql, MIGRATIONS));
  await sql.exec(`CREATE TABLE IF NOT EXISTS bench_meta (key TEXT PRIMARY KEY, value JSONB NOT NULL)`);
  const marker: Marker = { version: DATASET_VERSION, scale: opts.scale, status: "generating", patients: opts.patients };
  await sql.query(`INSERT INTO bench_meta (key, value) VALUES ('dataset', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(marker)]);
  await step("syncBuiltinRoles()", () => syncBuiltinRoles(prisma));

  await sql.transaction(async (tx) => {
    await tx.exec(`SET LOCAL session_replication_role = replica`);
    await tx.exec(`SET LOCAL synchronous_commit = off`);
    await tx.exec(`SET LOCAL maintenance_work_mem = '256MB'`);
    await tx.exec(`SET LOCAL work_mem = '64MB'`);

    await step(`org_nodes (${spec.nodes.length})`, async () => {
      for (const part of chunks(spec.nodes, 2000)) {
        await tx.exec(
          `INSERT INTO org_nodes (id, kind, name, parent_id, root_id, depth, time_zone, feature_flags, updated_at) VALUES ` +
            part.map((n) => `(${lit(n.id)}, ${lit(n.kind)}, ${lit(n.name)}, ${lit(n.parentId)}, ${lit(n.rootId)}, ${n.depth}, ${lit(n.timeZone)}, ${lit(n.featureFlags)}, now())`).join(","),
        );
      }
    });
    await step("org_node_closure (recursive)", () =>
      tx.exec(`INSERT INTO org_node_closure (ancestor_id, descendant_id, depth)
        WITH RECURSIVE c(ancestor_id, descendant_id, depth) AS (
          SELECT id, id, 0 FROM org_nodes
          UNION ALL
          SELECT n.parent_id, c.descendant_id, c.depth + 1 FROM c JOIN org_nodes n ON n.id = c.ancestor_id WHERE n.parent_id IS NOT NULL)
        SELECT ancestor_id, descendant_id, depth FROM c`),
    );
    await step(`users (${spec.sizes.users})`, () =>
      tx.exec(`INSERT INTO users (id, email, name, phone, status, updated_at)
        SELECT md5('user:' || g)::uuid, 'user' || g || '@bench.careaccess.test', 'Bench User ' || g, '555-01' || lpad(g::text, 6, '0'), 'ACTIVE', now()
        FROM generate_series(0, ${spec.sizes.users - 1}) AS g`),
    );
    await step(`roles (${spec.roles.length} custom)`, () =>
      tx.exec(
        `INSERT INTO roles (id, key, name, description, family, tenant_id, parent_id, grants, removals, updated_at) VALUES ` +
          spec.roles.map((r) => `(${lit(r.id)}, ${lit(r.key)}, ${lit(r.name)}, ${lit(r.description)}, ${lit(r.family)}, ${lit(r.tenantId)}, ${lit(r.parentId)}, ${lit(r.grants)}, ${lit(r.removals)}, now())`).join(","),
      ),
    );
    await step(`role_bindings (${spec.bindings.length})`, async () => {
      for (const part of chunks(spec.bindings, 5000)) {
        await tx.exec(
          `INSERT INTO role_bindings (id, user_id, node_id, role_id, adjustments, expires_at) VALUES ` +
            part.map((b) => `(${lit(b.id)}, ${lit(userIdOf(b.userIdx))}, ${lit(b.nodeId)}, ${lit(b.roleId)}, ${lit(b.adjustments)}, ${lit(b.expiresAt)})`).join(","),
        );
      }
    });

    // Helper tables: where patients live (practices and locations) and the providers of each practice.
    await step("helper tables", async () => {
      await tx.exec(`CREATE TEMP TABLE bench_place (idx INT PRIMARY KEY, node_id UUID NOT NULL, tenant_id UUID NOT NULL, practice_idx INT NOT NULL) ON COMMIT DROP`);
      await tx.exec(`CREATE TEMP TABLE bench_prov (practice_idx INT NOT NULL, k INT NOT NULL, user_id UUID NOT NULL, PRIMARY KEY (practice_idx, k)) ON COMMIT DROP`);
      await tx.exec(`CREATE TEMP TABLE bench_prov_n (practice_idx INT PRIMARY KEY, n INT NOT NULL) ON COMMIT DROP`);
      const places: string[] = [];
      spec.practices.forEach((p, i) => [p.id, ...p.locations].forEach((id) => places.push(`(${places.length}, ${lit(id)}, ${lit(spec.ent)}, ${i})`)));
      const soloNodes = spec.nodes.filter((n) => n.rootId === spec.solo).map((n) => n.id);
      soloNodes.forEach((id) => places.push(`(${places.length}, ${lit(id)}, ${lit(spec.solo)}, ${spec.practices.length})`));
      for (const part of chunks(places, 5000)) await tx.exec(`INSERT INTO bench_place VALUES ${part.join(",")}`);
      const prov: string[] = [];
      const provN: string[] = [];
      spec.providersByPractice.forEach((users, i) => {
        if (users.length === 0) return;
        provN.push(`(${i}, ${users.length})`);
        users.forEach((u, k) => prov.push(`(${i}, ${k}, ${lit(userIdOf(u))})`));
      });
      for (const part of chunks(prov, 5000)) await tx.exec(`INSERT INTO bench_prov VALUES ${part.join(",")}`);
      for (const part of chunks(provN, 5000)) await tx.exec(`INSERT INTO bench_prov_n VALUES ${part.join(",")}`);
      await tx.exec(`ANALYZE bench_place; ANALYZE bench_prov; ANALYZE bench_prov_n`);
    });

    const indexes = await tx.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'patients' AND indexname <> 'patients_pkey' ORDER BY indexname`,
    );
    for (const ix of indexes) await tx.exec(`DROP INDEX "${ix.indexname}"`);
    // Patient g lives at place (hash % places); 60% have a primary provider of that practice, 5% are
    // also assigned to a second provider of the practice.
    const placement = `FROM generate_series(0, ${opts.patients - 1}) AS g
        JOIN bench_place pl ON pl.idx = ${h(1)} % (SELECT count(*) FROM bench_place)
        LEFT JOIN bench_prov_n pn ON pn.practice_idx = pl.practice_idx`;
    await step(`patients (${opts.patients})`, () =>
      tx.exec(`INSERT INTO patients (id, tenant_id, node_id, first_name, last_name, date_of_birth, phone, email, address, ssn, insurance_member_id, primary_provider_id)
        SELECT md5('patient:' || g)::uuid, pl.tenant_id, pl.node_id,
          (${arr(FIRST_NAMES)})[1 + ${h(2)} % ${FIRST_NAMES.length}],
          (${arr(LAST_PREFIX)})[1 + ${h(3)} % ${LAST_PREFIX.length}] || (${arr(LAST_SUFFIX)})[1 + ${h(4)} % ${LAST_SUFFIX.length}],
          DATE '1930-01-01' + ${h(5)} % 32000,
          '555-' || lpad((${h(6)} % 10000000)::text, 7, '0'),
          'patient' || g || '@example.test',
          g || ' Main Street',
          lpad((${h(7)} % 1000000000)::text, 9, '0'),
          'INS-' || g,
          CASE WHEN ${h(8)} % 100 < 60 THEN bp.user_id END
        ${placement}
        LEFT JOIN bench_prov bp ON bp.practice_idx = pl.practice_idx AND bp.k = ${h(9)} % pn.n`),
    );
    await step("patient_assignments", () =>
      tx.exec(`INSERT INTO patient_assignments (patient_id, user_id)
        SELECT md5('patient:' || g)::uuid, bp.user_id
        ${placement}
        JOIN bench_prov bp ON bp.practice_idx = pl.practice_idx AND bp.k = (${h(9)} + 1 + ${h(10)} % greatest(pn.n - 1, 1)) % pn.n
        WHERE ${h(11)} % 100 < 5 AND pn.n >= 2`),
    );
    await step(`patients indexes (${indexes.length})`, async () => {
      for (const ix of indexes) await tx.exec(ix.indexdef);
    });
  });
  await step("VACUUM ANALYZE", () => sql.exec(`VACUUM ANALYZE`));
  const counts = await tableCounts(sql);
  const done: Marker = { ...marker, status: "complete", counts, steps, generationSeconds: msSince(t0) / 1000, generatedAt: new Date().toISOString() };
  await sql.query(`UPDATE bench_meta SET value = $1 WHERE key = 'dataset'`, [JSON.stringify(done)]);
  return done;
}
