/**
 * Where the payment processor answers (pure: proxy.ts reads it for the CSP's connect-src).
 * PAYMENT_PROCESSOR_URL: what the server calls (default the local test processor, http://127.0.0.1:4410);
 * PAYMENT_PROCESSOR_PUBLIC_URL: what the browser posts cards to (default the same);
 * PAYMENT_PROCESSOR_SECRET_KEY / PAYMENT_PROCESSOR_PUBLISHABLE_KEY (defaults sk_test_local / pk_test_local).
 */
export function processorConfig(env: NodeJS.ProcessEnv = process.env) {
  const url = (env.PAYMENT_PROCESSOR_URL || "http://127.0.0.1:4410").replace(/\/$/, "");
  const publicUrl = (env.PAYMENT_PROCESSOR_PUBLIC_URL || url).replace(/\/$/, "");
  return { url, publicUrl, secretKey: env.PAYMENT_PROCESSOR_SECRET_KEY || "sk_test_local", publishableKey: env.PAYMENT_PROCESSOR_PUBLISHABLE_KEY || "pk_test_local" };
}

/** The browser-visible origin of the processor, for connect-src; null if the URL is malformed. */
export function processorOrigin(env: NodeJS.ProcessEnv = process.env): string | null {
  try {
    return new URL(processorConfig(env).publicUrl).origin;
  } catch {
    return null;
  }
}
