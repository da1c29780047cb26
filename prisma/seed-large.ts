import { hashPassword } from "../lib/auth/password";
import { builtinRoleId } from "../lib/authz/roles";
import type { Db, Tx } from "../lib/db/client";
import { createNode } from "../lib/orgs/nodes";
import { DEMO_PASSWORD } from "./demo-accounts";

/**
 * `npm run db:seed -- --large`: the benchmark-size enterprise, next to the demo data. "Contoso
 * Health": 4 regions × 5 practices × 2 locations (40 locations), 100,000 patients, 100,000
 * invoices (with their charges), 100 products stocked at every location (4,000 stock rows, about a
 * tenth of them low), 50,000 calls; people: owner@contoso.test (Owner), manager@contoso.test
 * (Manager of the first practice), billing@contoso.test (Billing) and 40 providers, all with the
 * demo password. Rows are generated in SQL (generate_series), so it takes seconds on PostgreSQL.
 * Idempotent: nothing happens if the Contoso owner exists. Sizes in LARGE; bench/sections/clinic.ts
 * measures the first list pages against it.
 */
export const LARGE = { regions: 4, practicesPerRegion: 5, locationsPerPractice: 2, patients: 100_000, products: 100, calls: 50_000 } as const;
export const LARGE_TENANT = "Contoso Health";

export async function seedLargeEnterprise(db: Db, log: (m: string) => void = console.log): Promise<{ seeded: boolean }> {
  if (await db.user.findUnique({ where: { email: "owner@contoso.test" } })) return { seeded: false };
  const started = Date.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(
    async (tx: Tx) => {
      const root = await createNode(tx, { kind: "ENTERPRISE", name: LARGE_TENANT, parentId: null, timeZone: "America/Chicago" });
      const practices: string[] = [];
      const locations: string[] = [];
      for (let r = 1; r <= LARGE.regions; r++) {
        const region = await createNode(tx, { kind: "REGION", name: `Contoso Region ${r}`, parentId: root.id });
        for (let p = 1; p <= LARGE.practicesPerRegion; p++) {
          const practice = await createNode(tx, { kind: "PRACTICE", name: `Contoso Practice ${r}.${p}`, parentId: region.id });
          practices.push(practice.id);
          for (let l = 1; l <= LARGE.locationsPerPractice; l++) locations.push((await createNode(tx, { kind: "LOCATION", name: `Contoso ${r}.${p} Site ${l}`, parentId: practice.id })).id);
        }
      }
      const person = async (email: string, name: string, nodeId: string, role: string) => {
        const user = await tx.user.create({ data: { email, name, passwordHash, managedByTenantId: root.id } });
        await tx.roleBinding.create({ data: { userId: user.id, nodeId, roleId: builtinRoleId(role) } });
        return user.id;
      };
      const owner = await person("owner@contoso.test", "Casey Contoso", root.id, "owner");
      await person("manager@contoso.test", "Morgan Contoso", practices[0], "manager");
      const billing = await person("billing@contoso.test", "Blair Contoso", root.id, "billing");
      for (let i = 0; i < practices.length * 2; i++) await person(`provider${i + 1}@contoso.test`, `Dr. Contoso ${i + 1}`, practices[i % practices.length], "provider");

      const locs = `ARRAY[${locations.map((l) => `'${l}'::uuid`).join(",")}]`;
      const n = locations.length;
      await tx.$executeRawUnsafe(
        `INSERT INTO patients (id, tenant_id, node_id, first_name, last_name, date_of_birth, phone, email, address, ssn, insurance_member_id)
         SELECT gen_random_uuid(), $1::uuid, (${locs})[1 + g % ${n}], 'Pat' || g, 'Patient' || lpad(g::text, 6, '0'), DATE '1940-01-01' + (g % 25000),
                '+1 312 555 ' || lpad((g % 10000)::text, 4, '0'), 'patient' || g || '@example.com', g || ' Lake Street', '900-22-' || lpad((g % 10000)::text, 4, '0'), 'INS-' || g
         FROM generate_series(1, ${LARGE.patients}) g`,
        root.id,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO billing_invoices (id, tenant_id, node_id, patient_id, number, status, total_cents, paid_cents, issued_at, created_by_id)
         SELECT gen_random_uuid(), p.tenant_id, p.node_id, p.id, 'C-' || p.last_name, CASE WHEN right(p.last_name, 1) IN ('3', '7') THEN 'open' ELSE 'paid' END,
                12000, CASE WHEN right(p.last_name, 1) IN ('3', '7') THEN 0 ELSE 12000 END, now() - (right(p.last_name, 2)::int * interval '7 hours'), $2::uuid
         FROM patients p WHERE p.tenant_id = $1::uuid`,
        root.id,
        billing,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO billing_charges (id, tenant_id, node_id, patient_id, invoice_id, description, amount_cents, service_date, created_by_id)
         SELECT gen_random_uuid(), i.tenant_id, i.node_id, i.patient_id, i.id, 'Visit', i.total_cents, i.issued_at::date, $2::uuid FROM billing_invoices i WHERE i.tenant_id = $1::uuid`,
        root.id,
        billing,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO inventory_products (id, tenant_id, sku, name, unit) SELECT gen_random_uuid(), $1::uuid, 'SKU-' || lpad(g::text, 4, '0'), 'Supply item ' || g, 'box' FROM generate_series(1, ${LARGE.products}) g`,
        root.id,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO inventory_stock (id, tenant_id, node_id, product_id, quantity, reorder_level, updated_at)
         SELECT gen_random_uuid(), $1::uuid, l, pr.id, CASE WHEN (hashtext(pr.sku || l::text) & 15) = 0 THEN 2 ELSE 40 END, 10, now()
         FROM unnest(${locs}) l CROSS JOIN inventory_products pr WHERE pr.tenant_id = $1::uuid`,
        root.id,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO calls (id, tenant_id, node_id, caller_name, caller_phone, started_at, duration_seconds, transcript, summary, status)
         SELECT gen_random_uuid(), $1::uuid, (${locs})[1 + g % ${n}], 'Caller ' || g, '+1 312 555 ' || lpad((g % 10000)::text, 4, '0'), now() - g * interval '3 minutes', 90,
                'Caller: I would like to book a visit.', 'Wants to book a visit.', CASE WHEN g % 5 = 0 THEN 'open' ELSE 'handled' END
         FROM generate_series(1, ${LARGE.calls}) g`,
        root.id,
      );
      void owner;
    },
    { timeout: 600_000 },
  );
  await db.$executeRawUnsafe("ANALYZE");
  log(`Large enterprise "${LARGE_TENANT}" created in ${((Date.now() - started) / 1000).toFixed(1)} s: ${LARGE.patients.toLocaleString("en-US")} patients and invoices, ${LARGE.calls.toLocaleString("en-US")} calls, ${(LARGE.products * LARGE.regions * LARGE.practicesPerRegion * LARGE.locationsPerPractice).toLocaleString("en-US")} stock rows.`);
  return { seeded: true };
}
