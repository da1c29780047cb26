import { randomBytes } from "node:crypto";
import { spawnPeer, type RunningPeer } from "../peers/spawn";

/** Starts the local test payment processor (payment-processor/main.ts) as its own process on a free port, with fresh keys. */
export interface RunningPaymentProcessor extends RunningPeer {
  secretKey: string;
  publishableKey: string;
}

export async function spawnPaymentProcessor(opts: { port?: number } = {}): Promise<RunningPaymentProcessor> {
  const secretKey = `sk_test_${randomBytes(12).toString("hex")}`;
  const publishableKey = `pk_test_${randomBytes(12).toString("hex")}`;
  const peer = await spawnPeer("payment-processor", "payment-processor/main.ts", {
    PAYMENT_PROCESSOR_PORT: String(opts.port ?? 0),
    PAYMENT_PROCESSOR_SECRET_KEY: secretKey,
    PAYMENT_PROCESSOR_PUBLISHABLE_KEY: publishableKey,
  });
  return { ...peer, secretKey, publishableKey };
}
