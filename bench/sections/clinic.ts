/**
 * Section 8: the clinic modules' first list pages at the large seed (prisma/seed-large.ts: 100,000
 * patients and invoices, 4,000 stock rows, 50,000 calls in "Contoso Health"), each through the
 * module's own list function (where()-filtered, the page it renders, with its count where the page
 * shows one), beside a hand-written SQL query of the same page filtered only by the tenant and the
 * place's nodes, timed interleaved in the same run. Goals: p95 ≤ 25 ms and ≤ 1.25× the hand-written
 * query. PostgreSQL only. The patients page writes its audit row (every patient read is audited):
 * it runs in a transaction that is rolled back, so the numbers include that write; "patients, read
 * only" is the same page and count without it.
 */
import pg from "pg";
import { SubjectLoader } from "../../lib/authz/load";
import { subtreeIds } from "../../lib/authz";
import type { Subject } from "../../lib/authz/subject";
import { billingPlace, listInvoices } from "../../lib/billing/billing";
import { listCalls } from "../../lib/calls/calls";
import type { Database, Tx } from "../../lib/db/client";
import { inventoryPlace, listStock } from "../../lib/inventory/inventory";
import { listPatients, visiblePatientsWhere } from "../../lib/patients/patients";
import { LARGE_TENANT } from "../../prisma/seed-large";
import type { Report } from "../lib/report";
import { fmt, fmtInt, percentile } from "../lib/util";

class Rollback extends Error {}
/** Runs fn in a transaction and rolls it back (the patients page audits; the bench leaves no rows). */
async function rolledBack(db: Database, fn: (tx: Tx) => Promise<unknown>) {
  try {
    await db.prisma.$transaction(async (tx) => {
      await fn(tx);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
}

interface Row {
  module: string;
  who: string;
  rows: number;
  total: number | null;
  p50: number;
  p95: number;
  handP95: number;
  ratio: number;
}

export async function sectionClinic(report: Report, db: Database, opts: { iterations: number; url: string }): Promise<Row[]> {
  // The hand-written queries get a pool of their own, so their page and count run side by side as Prisma's do.
  const pool = new pg.Pool({ connectionString: opts.url, max: 4 });
  try {
    return await measure(report, db, pool, opts);
  } finally {
    await pool.end();
  }
}

async function measure(report: Report, db: Database, pool: pg.Pool, opts: { iterations: number }): Promise<Row[]> {
  const sql = (text: string, values: unknown[]) => pool.query(text, values);
  const tenant = await db.prisma.orgNode.findFirst({ where: { name: LARGE_TENANT, parentId: null } });
  if (!tenant) {
    report.fail(`section 8: no "${LARGE_TENANT}" in ${db.target.label}: run npm run db:seed -- --large against it`);
    return [];
  }
  const counts = await db.sql.query<{ t: string; n: number }>(
    `SELECT 'patients' t, count(*)::int n FROM patients WHERE tenant_id = $1 UNION ALL SELECT 'invoices', count(*)::int FROM billing_invoices WHERE tenant_id = $1 UNION ALL SELECT 'stock', count(*)::int FROM inventory_stock WHERE tenant_id = $1 UNION ALL SELECT 'calls', count(*)::int FROM calls WHERE tenant_id = $1`,
    [tenant.id],
  );
  report.print(`  ${LARGE_TENANT}: ${counts.map((c) => `${fmtInt(c.n)} ${c.t}`).join(", ")}; ${opts.iterations} samples per page, interleaved with the hand-written query.`);
  const loader = new SubjectLoader(db.prisma);
  const people: { who: string; email: string }[] = [
    { who: "owner (enterprise)", email: "owner@contoso.test" },
    { who: "manager (practice)", email: "manager@contoso.test" },
  ];
  const out: Row[] = [];
  for (const p of people) {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: p.email }, select: { id: true } });
    const subject: Subject = await loader.load(user.id);
    const binding = await db.prisma.roleBinding.findFirstOrThrow({ where: { userId: user.id } });
    const tree = subject.trees.find((t) => t.rootId === tenant.id)!;
    const nodeIds = subtreeIds(tree, binding.nodeId);
    const place = billingPlace(subject, binding.nodeId)!;
    const stockPlace = inventoryPlace(subject, binding.nodeId)!;
    const actor = { subject, userId: user.id, ip: null };
    const ids = `ARRAY[${nodeIds.map((id) => `'${id}'::uuid`).join(",")}]`;
    // module, the page through its list function, the same page by hand (tenant + the place's nodes only)
    const pages: [string, () => Promise<{ rows: number; total: number | null }>, () => Promise<unknown>][] = [
      [
        "patients (25 + count)",
        async () => {
          let r = { rows: 0, total: 0 as number | null };
          await rolledBack(db, async (tx) => {
            const page = await listPatients(tx, actor, { nodeId: binding.nodeId });
            r = { rows: page.rows.length, total: page.total };
          });
          return r;
        },
        () =>
          Promise.all([
            sql(`SELECT id, first_name, last_name, date_of_birth, phone, email, address, ssn, insurance_member_id, node_id, primary_provider_id FROM patients WHERE tenant_id = $1 AND node_id = ANY(${ids}) ORDER BY last_name, id LIMIT 26`, [tenant.id]),
            sql(`SELECT count(*)::int FROM patients WHERE tenant_id = $1 AND node_id = ANY(${ids})`, [tenant.id]),
          ]),
      ],
      [
        // The same page without its audit row: what the where() filter itself costs.
        "patients, read only",
        async () => {
          const base = visiblePatientsWhere(subject, binding.nodeId);
          const [total, rows] = await Promise.all([db.prisma.patient.count({ where: base }), db.prisma.patient.findMany({ where: base, orderBy: [{ lastName: "asc" }, { id: "asc" }], take: 26 })]);
          return { rows: Math.min(25, rows.length), total };
        },
        () =>
          Promise.all([
            sql(`SELECT * FROM patients WHERE tenant_id = $1 AND node_id = ANY(${ids}) ORDER BY last_name, id LIMIT 26`, [tenant.id]),
            sql(`SELECT count(*)::int FROM patients WHERE tenant_id = $1 AND node_id = ANY(${ids})`, [tenant.id]),
          ]),
      ],
      [
        "invoices (25 + count)",
        async () => {
          const page = await listInvoices(db.prisma, subject, place);
          return { rows: page.rows.length, total: page.total };
        },
        async () => {
          const [page] = await Promise.all([
            sql(`SELECT i.* FROM billing_invoices i WHERE i.tenant_id = $1 AND i.node_id = ANY(${ids}) ORDER BY i.issued_at DESC, i.id LIMIT 25`, [tenant.id]),
            sql(`SELECT count(*)::int FROM billing_invoices WHERE tenant_id = $1 AND node_id = ANY(${ids})`, [tenant.id]),
          ]);
          const invoiceIds = page.rows.map((r) => r.id);
          await Promise.all([
            sql(`SELECT id, invoice_id, amount_cents, refunded_cents, method FROM billing_payments WHERE invoice_id = ANY($1::uuid[]) ORDER BY received_at`, [invoiceIds]),
            sql(`SELECT id, first_name, last_name FROM patients WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenant.id, page.rows.map((r) => r.patient_id)]),
          ]);
        },
      ],
      [
        "stock (500, no count)",
        async () => ({ rows: (await listStock(db.prisma, subject, stockPlace)).length, total: null }),
        () => sql(`SELECT s.*, p.sku, p.name, p.unit FROM inventory_stock s JOIN inventory_products p ON p.id = s.product_id WHERE s.tenant_id = $1 AND s.node_id = ANY(${ids}) ORDER BY p.name, s.id LIMIT 500`, [tenant.id]),
      ],
      [
        "calls (200, no count)",
        async () => ({ rows: (await listCalls(db.prisma, subject, place)).length, total: null }),
        () => sql(`SELECT c.*, u.name assignee FROM calls c LEFT JOIN users u ON u.id = c.assignee_id WHERE c.tenant_id = $1 AND c.node_id = ANY(${ids}) ORDER BY c.started_at DESC, c.id LIMIT 200`, [tenant.id]),
      ],
    ];
    for (const [module, viaModule, byHand] of pages) {
      for (let i = 0; i < 3; i++) await Promise.all([viaModule(), byHand()].map((x) => x)); // warm-up
      const mod: number[] = [];
      const hand: number[] = [];
      let shape = { rows: 0, total: null as number | null };
      for (let i = 0; i < opts.iterations; i++) {
        let t = performance.now();
        shape = await viaModule();
        mod.push(performance.now() - t);
        t = performance.now();
        await byHand();
        hand.push(performance.now() - t);
      }
      const p95 = percentile(mod, 95);
      const handP95 = percentile(hand, 95);
      out.push({ module, who: p.who, rows: shape.rows, total: shape.total, p50: percentile(mod, 50), p95, handP95, ratio: p95 / handP95 });
    }
  }
  report.table(
    ["page", "who", "rows", "total", "p50 ms", "p95 ms", "hand p95 ms", "ratio"],
    out.map((r) => [r.module, r.who, fmtInt(r.rows), r.total === null ? "-" : fmtInt(r.total), fmt(r.p50, 1), fmt(r.p95, 1), fmt(r.handP95, 1), `${fmt(r.ratio, 2)}×`]),
  );
  for (const r of out) {
    report.goal("8. clinic lists", `${r.module}, ${r.who}: p95 <= 25 ms`, `${fmt(r.p95, 1)} ms`, r.p95 <= 25);
    report.goal("8. clinic lists", `${r.module}, ${r.who}: <= 1.25x hand-written`, `${fmt(r.ratio, 2)}x (${fmt(r.p95, 1)} vs ${fmt(r.handP95, 1)} ms)`, r.ratio <= 1.25);
  }
  return out;
}
