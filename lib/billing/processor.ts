import { AppError } from "../api/errors";
import { processorConfig } from "./processor-config";

/**
 * The payment-processor adapter (billing settings): CareAccess never sees a card number. The
 * browser posts the card to the processor (`browserConfig()`), which answers with a token; the
 * server reads what the token stands for (brand, last 4, expiry) with the secret key and stores
 * only that. `httpProcessor` talks to any processor with this API, in dev and tests the local
 * one in payment-processor/ (its README has the API and the test cards).
 */
export interface CardSummary {
  token: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface PaymentProcessor {
  /** Where the browser posts a card, and the key that lets it. */
  browserConfig(): { tokenUrl: string; publishableKey: string };
  /** The card behind a token, as the processor knows it; null for a token it doesn't know. */
  retrieveToken(token: string): Promise<CardSummary | null>;
}

export function httpProcessor(config = processorConfig()): PaymentProcessor {
  return {
    browserConfig: () => ({ tokenUrl: `${config.publicUrl}/v1/tokens`, publishableKey: config.publishableKey }),
    async retrieveToken(token) {
      if (!/^tok_[0-9A-Za-z]{8,64}$/.test(token)) return null;
      let res: Response;
      try {
        res = await fetch(`${config.url}/v1/tokens/${token}`, { headers: { authorization: `Bearer ${config.secretKey}` }, signal: AbortSignal.timeout(5_000) });
      } catch {
        throw new AppError("unavailable", "The payment processor can't be reached right now. Try again in a minute.");
      }
      if (res.status === 404) return null;
      if (!res.ok) throw new AppError("unavailable", "The payment processor refused the request. Try again in a minute.");
      const body = (await res.json()) as Partial<CardSummary>;
      if (typeof body.brand !== "string" || !/^\d{4}$/.test(String(body.last4)) || !Number.isInteger(body.expMonth) || !Number.isInteger(body.expYear)) {
        throw new AppError("unavailable", "The payment processor sent an answer we can't read.");
      }
      return { token, brand: body.brand.slice(0, 20), last4: String(body.last4), expMonth: body.expMonth!, expYear: body.expYear! };
    },
  };
}

/** The processor the app uses: configured from the environment each call (tests point it at their own). */
export const paymentProcessor = (): PaymentProcessor => httpProcessor();
