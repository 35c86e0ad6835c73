import { z } from 'zod';

const DAY_MS = 86_400_000;

export const eventsOptions = z.strictObject({
  /** Events older than this are purged; a subscriber resuming from before the purge is told so. */
  retentionDays: z.number().int().min(1).max(3650).default(30),
  /** How often each process runs the purge. */
  purgeIntervalMs: z.number().int().min(1000).max(DAY_MS).default(3_600_000),
  eventBus: z
    .strictObject({
      /**
       * `auto`: PostgreSQL LISTEN/NOTIFY on a server, PGlite's in-process notifications on the
       * embedded database, Redis pub/sub when `redisUrl` is set. `poll`: no notifications at all
       * (e.g. behind a transaction-pooling proxy), only the periodic read.
       */
      kind: z.enum(['auto', 'poll']).default('auto'),
      redisUrl: z
        .string()
        .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
        .optional(),
      /** The Redis channel; the processes of one gateway agree on it, other gateways on the same Redis use another. */
      redisChannel: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/)
        .default('gateway_events'),
      /**
       * Every process reads the log this often even without a notification, so a lost
       * notification delays an event by at most this long and never loses it.
       */
      pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
      /**
       * How often each process looks for committed events that nothing announced: those written
       * by database triggers (payment state changes). It bounds their delay; an empty look is
       * one read-only query.
       */
      probeIntervalMs: z.number().int().min(5).max(60_000).default(10),
    })
    .prefault({}),
  subscriptions: z
    .strictObject({
      /** Live events a subscriber may have queued; one that falls further behind is told to resume. */
      bufferSize: z.number().int().min(1).max(100_000).default(1000),
      /** Events read from the log per query while a subscriber catches up. */
      pageSize: z.number().int().min(1).max(5000).default(500),
    })
    .prefault({}),
  webhooks: z
    .strictObject({
      /** One attempt's time limit; a slower receiver counts as failed (and is tried again). */
      timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
      /** First retry delay; each further one doubles, up to `retryMaxDelayMs`, with jitter. */
      retryBaseDelayMs: z.number().int().min(10).max(DAY_MS).default(30_000),
      retryMaxDelayMs: z
        .number()
        .int()
        .min(10)
        .max(DAY_MS)
        .default(6 * 3_600_000),
      /** How long a delivery is retried before it is given up (Stripe: 3 days). */
      retryForMs: z
        .number()
        .int()
        .min(100)
        .max(30 * DAY_MS)
        .default(3 * DAY_MS),
      /** Deliveries in flight at once per process. */
      concurrency: z.number().int().min(1).max(1000).default(16),
      /** How often each process looks for due retries. */
      pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
      /**
       * Allow http:// URLs and loopback/private addresses. Off by default: a webhook URL is
       * chosen by a partner, and must not reach into the gateway's own network.
       */
      allowInsecureUrls: z.boolean().default(false),
      /** The longest overlap a secret rotation may ask for. */
      maxRotationOverlapSeconds: z
        .number()
        .int()
        .min(0)
        .max(30 * 86_400)
        .default(7 * 86_400),
    })
    .prefault({}),
});

export type EventsOptions = z.output<typeof eventsOptions>;
