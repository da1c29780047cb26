/**
 * Webhooks (issue 13) against a real local HTTP receiver, on PGlite and PostgreSQL: the audit
 * subscriber queues a delivery in the change's own transaction (none when it rolls back), the
 * receiver verifies the Standard Webhooks signature, sees retries after 500s with backoff, and
 * processes each webhook-id exactly once although it is delivered again; secret rotation overlaps;
 * an endpoint that keeps failing is disabled and the owners are emailed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import { SubjectLoader } from "../authz/load";
import { createApiKey } from "./keys";
import { verifySignature } from "./webhook-signing";
import { FAILURES_TO_DISABLE, createEndpoint, deliverWebhooks, redeliver, rotateEndpointSecret } from "./webhooks";

interface Received { id: string; verified: boolean; verifiedOld: boolean; body: any }

describe.each(TEST_DATABASES)("webhooks ($name)", (kind) => {
  let db: TestDatabase;
  let server: Server;
  let url: string;
  let secret = "";
  let oldSecret = "";
  const received: Received[] = [];
  const processed = new Set<string>();
  let failNext = 0;
  let northwind: string, ownerId: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    useDatabase(db);
    await seedDemoData(db.prisma);
    northwind = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Northwind Dental Group" } })).id;
    ownerId = (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@northwind.test" } })).id;
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const headers = req.headers as Record<string, unknown>;
        const r: Received = { id: String(headers["webhook-id"]), verified: verifySignature(secret, headers, body), verifiedOld: oldSecret ? verifySignature(oldSecret, headers, body) : false, body: JSON.parse(body) };
        received.push(r);
        if (failNext > 0) {
          failNext--;
          res.writeHead(500).end("down");
          return;
        }
        // Exactly-once processing: a webhook-id seen before is acknowledged and ignored.
        if (r.verified) processed.add(r.id);
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await db?.destroy();
  });

  const newKey = async (name: string) =>
    db.prisma.$transaction(async (tx) => createApiKey(tx, northwind, { name, permissions: ["members.read"], ipRanges: [] }, { userId: ownerId, ip: null, subject: await new SubjectLoader(tx).load(ownerId) }));

  test("signed delivery after commit, retried after 500s with backoff, exactly once by id", async () => {
    const endpoint = await db.prisma.$transaction((tx) => createEndpoint(tx, northwind, { url, events: ["api_key"] }, { userId: ownerId, ip: null }));
    secret = endpoint.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    // A rolled-back change queues nothing.
    await db.prisma.$transaction(async (tx) => {
      await createApiKey(tx, northwind, { name: "rolled back", permissions: ["members.read"], ipRanges: [] }, { userId: ownerId, ip: null, subject: await new SubjectLoader(tx).load(ownerId) });
      throw new Error("abort");
    }).catch(() => {});
    expect(await db.prisma.webhookDelivery.count()).toBe(0);

    const key = await newKey("Reporting");
    const [delivery] = await db.prisma.webhookDelivery.findMany();
    expect(delivery).toMatchObject({ eventType: "api_key.created", status: "pending" });

    failNext = 2;
    let now = Date.now();
    expect(await deliverWebhooks(db.prisma, fetch as never, new Date(now))).toBe(0);
    // Not due again before its backoff (1 s after the first failure).
    expect(await deliverWebhooks(db.prisma, fetch as never, new Date(now + 500))).toBe(0);
    expect(received).toHaveLength(1);
    now += 1_000;
    expect(await deliverWebhooks(db.prisma, fetch as never, new Date(now))).toBe(0);
    const afterTwo = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(afterTwo).toMatchObject({ attempts: 2, lastStatusCode: 500, status: "pending" });
    expect(afterTwo.nextAttemptAt.getTime() - now).toBe(2_000);
    now += 2_000;
    expect(await deliverWebhooks(db.prisma, fetch as never, new Date(now))).toBe(1);

    expect(received.map((r) => r.id)).toEqual([delivery.id, delivery.id, delivery.id]);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(received[2].body).toMatchObject({ type: "api_key.created", data: { tenantId: northwind, targetId: key.id, details: { prefix: key.prefix } } });
    expect(await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200 });

    // Redelivered from the log: the receiver sees the same id again and processes it once.
    await db.prisma.$transaction((tx) => redeliver(tx, northwind, delivery.id));
    expect(await deliverWebhooks(db.prisma, fetch as never)).toBe(1);
    expect(received).toHaveLength(4);
    expect(processed.size).toBe(1);
    // Another tenant can't redeliver it.
    const lakeside = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Lakeside Physio" } })).id;
    await expect(db.prisma.$transaction((tx) => redeliver(tx, lakeside, delivery.id))).rejects.toMatchObject({ code: "not_found" });

    // Rotation: both the old and the new secret verify during the overlap.
    oldSecret = secret;
    secret = (await db.prisma.$transaction((tx) => rotateEndpointSecret(tx, northwind, endpoint.id, { userId: ownerId, ip: null }))).secret;
    await newKey("After rotation");
    expect(await deliverWebhooks(db.prisma, fetch as never)).toBe(1);
    expect(received.at(-1)).toMatchObject({ verified: true, verifiedOld: true });
    // A tampered body or a wrong secret does not verify.
    const last = received.at(-1)!;
    expect(verifySignature(secret, { "webhook-id": last.id, "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,AAAA" }, "{}")).toBe(false);
  });

  test("an endpoint that keeps failing is disabled and the owners are emailed", async () => {
    const endpoint = await db.prisma.$transaction((tx) => createEndpoint(tx, northwind, { url: "http://127.0.0.1:9/nothing-listens", events: ["service_account", "api_key"] }, { userId: ownerId, ip: null }));
    await db.prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { consecutiveFailures: FAILURES_TO_DISABLE - 1 } });
    await db.prisma.webhookDelivery.updateMany({ data: { status: "delivered" } });
    await newKey("Triggers a failure");
    await deliverWebhooks(db.prisma, fetch as never);
    const row = await db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.disabledAt).not.toBeNull();
    expect(await db.prisma.auditEvent.count({ where: { action: "webhook.disabled", targetId: endpoint.id } })).toBe(1);
    const mail = await db.prisma.emailOutbox.findFirst({ where: { to: "owner@northwind.test", subject: { contains: "webhook" } } });
    expect(mail).not.toBeNull();
    // Disabled: new events queue nothing for it.
    const before = await db.prisma.webhookDelivery.count({ where: { endpointId: endpoint.id } });
    await newKey("After disable");
    expect(await db.prisma.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(before);
  });
});
