import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { type Logger, query, type SecretBox } from '../../core/plugin-api.ts';
import { CoalescedTask } from './coalesced-task.ts';
import type { EventsOptions } from './events.options.ts';
import { retryDelayMs } from './retry-schedule.ts';
import type { PayloadQueries } from './webhook-payload-query.ts';
import { openWebhookSecret } from './webhook-secrets.ts';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.ts';

/** A claimed delivery with what it takes to send it. */
interface ClaimedDelivery {
  id: string;
  attempts: number;
  endpoint_id: string;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | string | null;
  disabled_at: Date | string | null;
  partner_id: string | null;
  endpoint_merchant_id: string | null;
  payload_query: string | null;
  event_id: string;
  position: string;
  type: string;
  merchant_id: string;
  payload: Record<string, unknown> | string;
  event_created_at: Date | string;
  lease_token: string;
}

interface Outcome {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  startedAt: Date;
  durationMs: number;
}

/** What a receiver gets: the body is the same for every attempt of an event, so `id` deduplicates. */
export function webhookBody(event: {
  id: string;
  type: string;
  position: bigint | string;
  merchantId: string;
  createdAt: Date;
  payload: Record<string, unknown>;
}): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    cursor: event.position.toString(),
    merchantId: event.merchantId,
    createdAt: event.createdAt.toISOString(),
    data: event.payload,
  });
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const detail = e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed';
  return `request failed: ${detail}`.slice(0, 200);
}

/**
 * Sends due webhook deliveries. Processes share the work through the table: a claim takes due
 * rows with FOR UPDATE SKIP LOCKED and moves their next attempt past the request's time limit
 * (a lease), so no two processes send the same delivery at once and a crashed process's claims
 * fall due again. Only the lease holder records the outcome.
 */
export class WebhookDispatcher {
  readonly #em: () => EntityManager;
  readonly #secrets: SecretBox;
  readonly #options: EventsOptions['webhooks'];
  readonly #log: Logger;
  readonly #payloadQueries: PayloadQueries;
  readonly #task: CoalescedTask;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #retryForMs: (merchantId: string) => number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(deps: {
    em: () => EntityManager;
    secrets: SecretBox;
    options: EventsOptions['webhooks'];
    log: Logger;
    payloadQueries: PayloadQueries;
    /** How long a delivery of the merchant's event is retried (its webhook defaults, else the option). */
    retryForMs: (merchantId: string) => number;
  }) {
    this.#retryForMs = deps.retryForMs;
    this.#em = deps.em;
    this.#secrets = deps.secrets;
    this.#options = deps.options;
    this.#log = deps.log;
    this.#payloadQueries = deps.payloadQueries;
    this.#task = new CoalescedTask('webhook-dispatch', () => this.#drain(), deps.log);
  }

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.#options.pollIntervalMs);
    this.#timer.unref();
    this.wake();
  }

  wake(): void {
    if (!this.#closed) this.#task.wake();
  }

  get #leaseMs(): number {
    return this.#options.timeoutMs * 2 + 5000;
  }

  async #drain(): Promise<void> {
    while (!this.#closed) {
      const free = this.#options.concurrency - this.#inFlight.size;
      if (free <= 0) return; // a finishing delivery wakes the dispatcher again
      const claimed = await this.#claim(free);
      for (const delivery of claimed) {
        const sending: Promise<void> = this.#send(delivery)
          .catch((error: unknown) =>
            this.#log.error({ err: error, deliveryId: delivery.id }, 'delivery failed'),
          )
          .finally(() => {
            this.#inFlight.delete(sending);
            this.wake();
          });
        this.#inFlight.add(sending);
      }
      if (claimed.length < free) return;
    }
  }

  async #claim(limit: number): Promise<ClaimedDelivery[]> {
    const leaseToken = randomUUID();
    return query<ClaimedDelivery>(
      this.#em(),
      `with due as (
         select id from webhook_delivery
         where state = 'pending' and next_attempt_at <= clock_timestamp()
         order by next_attempt_at limit ? for update skip locked
       ), claimed as (
         update webhook_delivery d
         set next_attempt_at = clock_timestamp() + ?::int * interval '1 millisecond', lease_token = ?
         from due where d.id = due.id
         returning d.id, d.attempts, d.endpoint_id, d.event_id
       )
       select c.id, c.attempts, w.id as endpoint_id, w.url, w.secret_sealed, w.previous_secret_sealed,
              w.previous_secret_expires_at, w.disabled_at, w.partner_id, w.merchant_id as endpoint_merchant_id,
              w.payload_query, e.id as event_id, e.position::text as position,
              e.type, e.merchant_id, e.payload, e.created_at as event_created_at, ?::uuid as lease_token
       from claimed c
       join webhook_endpoint w on w.id = c.endpoint_id
       join gateway_event e on e.id = c.event_id`,
      [limit, this.#leaseMs, leaseToken, leaseToken],
    );
  }

  /** No request: the delivery is given up (or, with `giveUp` false, retried) with this reason. */
  #noRequest(delivery: ClaimedDelivery, error: string, giveUp: boolean): Promise<void> {
    const outcome = { succeeded: false, statusCode: null, error, startedAt: new Date(), durationMs: 0 };
    return this.#record(delivery, outcome, giveUp);
  }

  /**
   * The default body, or the endpoint's payload query resolved now with its owner's current
   * permissions (a string); otherwise why no request is made.
   */
  async #body(delivery: ClaimedDelivery): Promise<string | { error: string; giveUp: boolean }> {
    const event = {
      id: delivery.event_id,
      type: delivery.type,
      position: BigInt(delivery.position),
      merchantId: delivery.merchant_id,
      createdAt: new Date(delivery.event_created_at),
      payload: typeof delivery.payload === 'string' ? JSON.parse(delivery.payload) : delivery.payload,
    };
    if (!delivery.payload_query) return webhookBody(event);
    const owner = {
      endpointId: delivery.endpoint_id,
      partnerId: delivery.partner_id,
      merchantId: delivery.endpoint_merchant_id,
    };
    try {
      const shaped = await this.#payloadQueries.body(this.#em(), owner, delivery.payload_query, event);
      return 'body' in shaped ? shaped.body : { error: shaped.refused.slice(0, 200), giveUp: true };
    } catch (error) {
      this.#log.error({ err: error, deliveryId: delivery.id }, 'payload query failed; retrying');
      return { error: 'the payload query could not be resolved; retrying', giveUp: false };
    }
  }

  async #send(delivery: ClaimedDelivery): Promise<void> {
    if (delivery.disabled_at) {
      // Disabled between the claim and now: give the delivery up (a replay sends it again).
      await this.#noRequest(delivery, 'endpoint disabled', true);
      return;
    }
    const body = await this.#body(delivery);
    if (typeof body !== 'string') {
      await this.#noRequest(delivery, body.error, body.giveUp);
      return;
    }
    const secrets = [openWebhookSecret(this.#secrets, delivery.endpoint_id, delivery.secret_sealed)];
    const previousExpires =
      delivery.previous_secret_expires_at && new Date(delivery.previous_secret_expires_at);
    if (delivery.previous_secret_sealed && previousExpires && previousExpires.getTime() > Date.now()) {
      secrets.push(openWebhookSecret(this.#secrets, delivery.endpoint_id, delivery.previous_secret_sealed));
    }
    const attempt = delivery.attempts + 1;
    const startedAt = new Date();
    let outcome: Outcome;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'micropay-gateway-webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(secrets, Math.floor(startedAt.getTime() / 1000), body),
          'gateway-event-id': delivery.event_id,
          'gateway-delivery-attempt': String(attempt),
        },
      });
      await response.body?.cancel().catch(() => {});
      const succeeded = response.status >= 200 && response.status < 300;
      outcome = {
        succeeded,
        statusCode: response.status,
        error: succeeded ? null : `answered ${response.status}`,
        startedAt,
        durationMs: Date.now() - startedAt.getTime(),
      };
    } catch (error) {
      outcome = {
        succeeded: false,
        statusCode: null,
        error: describeFailure(error, this.#options.timeoutMs),
        startedAt,
        durationMs: Date.now() - startedAt.getTime(),
      };
    }
    await this.#record(delivery, outcome, false);
  }

  /** The delivery's new state and the attempt, in one transaction, if the lease is still ours. */
  async #record(delivery: ClaimedDelivery, outcome: Outcome, giveUp: boolean): Promise<void> {
    const attempt = delivery.attempts + 1;
    const { retryBaseDelayMs, retryMaxDelayMs } = this.#options;
    const retryForMs = this.#retryForMs(delivery.merchant_id);
    const delay = outcome.succeeded ? 0 : retryDelayMs(attempt, retryBaseDelayMs, retryMaxDelayMs);
    await this.#em().transactional(async (tx) => {
      const updated = await query<{ state: string }>(
        tx,
        `update webhook_delivery set attempts = attempts + 1, lease_token = null,
           state = case
             when ?::boolean then 'delivered'
             when ?::boolean or clock_timestamp() + ?::int * interval '1 millisecond'
                  > created_at + ?::bigint * interval '1 millisecond' then 'failed'
             else 'pending' end,
           delivered_at = case when ?::boolean then clock_timestamp() else null end,
           next_attempt_at = clock_timestamp() + ?::int * interval '1 millisecond'
         where id = ? and lease_token = ?
         returning state`,
        [
          outcome.succeeded,
          giveUp,
          delay,
          retryForMs,
          outcome.succeeded,
          delay,
          delivery.id,
          delivery.lease_token,
        ],
      );
      if (updated.length === 0) {
        this.#log.warn({ deliveryId: delivery.id }, 'delivery was replayed or re-claimed while in flight');
      }
      await query(
        tx,
        `insert into webhook_attempt (id, delivery_id, number, started_at, duration_ms, status_code, error, succeeded)
         select ?, id, ?, ?, ?, ?, ?, ? from webhook_delivery where id = ?`,
        [
          randomUUID(),
          attempt,
          outcome.startedAt,
          outcome.durationMs,
          outcome.statusCode,
          outcome.error,
          outcome.succeeded,
          delivery.id,
        ],
      );
      if (updated[0]?.state === 'failed') {
        this.#log.warn(
          { deliveryId: delivery.id, endpointId: delivery.endpoint_id },
          'webhook delivery given up',
        );
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#task.close();
    await Promise.allSettled([...this.#inFlight]);
  }
}
