import { startProcessor } from "./server";

/**
 * `npm run payment-processor`: the local test payment processor as its own process.
 * PAYMENT_PROCESSOR_PORT (default 4410; 0 = any free port), PAYMENT_PROCESSOR_SECRET_KEY and
 * PAYMENT_PROCESSOR_PUBLISHABLE_KEY (defaults sk_test_local / pk_test_local, for local dev).
 * Prints `payment-processor listening on <url>` once it accepts requests.
 */
const env = process.env;
const processor = await startProcessor({
  port: Number(env.PAYMENT_PROCESSOR_PORT ?? 4410),
  secretKey: env.PAYMENT_PROCESSOR_SECRET_KEY || "sk_test_local",
  publishableKey: env.PAYMENT_PROCESSOR_PUBLISHABLE_KEY || "pk_test_local",
});
console.log(`payment-processor listening on ${processor.url}`);
const stop = () => void processor.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
