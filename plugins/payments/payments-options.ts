import { z } from 'zod';

export const paymentsOptions = z.strictObject({
  /** How long an authorization holds funds before it expires (Stripe: about 7 days). */
  authorizationHoldHours: z.number().positive().default(168),
  /** How long an Idempotency-Key is remembered; at least a day, as the IETF draft and Stripe do. */
  idempotencyKeyTtlHours: z.number().min(24).default(24),
  /** How long an external method may take before its outcome counts as unknown. */
  methodTimeoutSeconds: z.number().positive().default(30),
  /**
   * Balance stripes of each merchant's payable account. Each database connection writes its own
   * stripe, so keep this at least the connection pool size of all gateway processes together.
   */
  merchantBalanceStripes: z.number().int().min(1).max(256).default(64),
  /**
   * Payments at or above these amounts (integer minor units by currency, e.g. `{ KRW: '100000' }`)
   * need a fresh step-up of the caller's credential when it has a second factor
   * (`STEP_UP_REQUIRED`, action `payment.create`). Currencies not listed never ask.
   */
  stepUpAtOrAbove: z.record(z.string().regex(/^[A-Z]{3}$/), z.string().regex(/^\d{1,30}$/)).default({}),
  /**
   * Wallet payments (the one-round-trip path) go to the database in batches: while
   * `concurrency` batches are in flight, new payments wait for the next, which takes up to
   * `maxSize` of them. Under light load each batch is one payment and nothing waits.
   */
  walletBatches: z
    .strictObject({
      concurrency: z.number().int().min(1).max(64).default(2),
      maxSize: z.number().int().min(1).max(1000).default(100),
    })
    .prefault({}),
  janitor: z
    .strictObject({
      /** How often each gateway process looks for unknown outcomes and expired holds; 0 turns it off. */
      intervalSeconds: z.number().min(0).default(30),
      /** The first re-check of an unknown or pending outcome; each next one waits twice as long. */
      retryBaseSeconds: z.number().min(0).default(60),
      /** The longest wait between two checks of one outcome. */
      retryMaxSeconds: z.number().min(0).default(86_400),
    })
    .prefault({}),
});

export type PaymentsOptions = z.output<typeof paymentsOptions>;
