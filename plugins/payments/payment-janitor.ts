import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { GatewayServices } from '../../core/global-types.ts';
import { type Logger, query, type RequestContext } from '../../core/plugin-api.ts';
import type { IdempotencyService } from './idempotency.service.ts';
import type { PaymentService } from './payment.service.ts';

export interface JanitorReport {
  /** Operations whose outcome the janitor asked the method about. */
  checked: number;
  /** Automatic-capture payments whose capture never started, captured by the janitor. */
  captured: number;
  /** Automatic-capture payments whose capture the method refused, voided by the janitor. */
  released: number;
  expired: number;
  purgedIdempotencyKeys: number;
}

const BATCH = 100;
/** Long enough for a status call; another process skips a claimed operation until then. */
const CLAIM_SECONDS = 300;

/**
 * Settles what requests could not: outcomes a method could not tell (asks `status`, never
 * repeats the call), automatic captures that never started (AutomaticCaptures), authorizations
 * past their hold, actions never completed, and keys past their time. Safe to run in every
 * gateway process at once: work is claimed row by row, or done under the payment's row lock.
 */
export class PaymentJanitor {
  readonly #payments: PaymentService;
  readonly #idempotency: IdempotencyService;
  readonly #runtime: { orm: MikroORM; log: Logger; services: GatewayServices };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<JanitorReport> | undefined;

  constructor(
    payments: PaymentService,
    idempotency: IdempotencyService,
    runtime: { orm: MikroORM; log: Logger; services: GatewayServices },
  ) {
    this.#payments = payments;
    this.#idempotency = idempotency;
    this.#runtime = runtime;
  }

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0) return;
    this.#timer = setInterval(() => {
      this.run().catch((error: unknown) =>
        this.#runtime.log.error({ err: error }, 'payments janitor failed'),
      );
    }, intervalSeconds * 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running?.catch(() => {});
  }

  /** One pass; concurrent calls in one process share it. */
  run(): Promise<JanitorReport> {
    this.#running ??= this.pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  private async pass(): Promise<JanitorReport> {
    const ctx = this.context();
    const due = await query<{ id: string }>(
      ctx.em,
      `update payment_operation set next_check_at = now() + make_interval(secs => ?)
        where id in (select id from payment_operation
          where status in ('started', 'pending', 'unknown') and next_check_at <= now()
          order by next_check_at limit ? for update skip locked)
        returning id`,
      [CLAIM_SECONDS, BATCH],
    );
    for (const { id } of due) {
      try {
        await this.#payments.resolveOperation(ctx, id);
      } catch (error) {
        ctx.log.error({ err: error, operationId: id }, 'could not settle a payment operation');
      }
    }
    const { captured, released } = await this.#payments.finishAutomaticCaptures(ctx);
    const expiring = await query<{ id: string }>(
      ctx.em,
      `select id from payment_intent
        where (status in ('authorized', 'partially_captured') and authorization_expires_at <= now())
           or (status = 'requires_action' and action_expires_at <= now())
        limit ?`,
      [BATCH],
    );
    let expired = 0;
    for (const { id } of expiring) if (await this.#payments.expire(ctx, id)) expired++;
    const purged = await this.#idempotency.purgeExpired(ctx.em);
    if (due.length + captured + released + expired + purged > 0) {
      ctx.log.info({ checked: due.length, captured, released, expired, purged }, 'payments janitor pass');
    }
    return { checked: due.length, captured, released, expired, purgedIdempotencyKeys: purged };
  }

  private context(): RequestContext {
    const requestId = `janitor-${randomUUID()}`;
    const { orm, log, services } = this.#runtime;
    return {
      requestId,
      principal: { kind: 'operator', keyId: 'payments-janitor' },
      em: orm.em.fork(),
      log: log.child({ requestId }),
      services,
      headers: new Headers(),
    };
  }
}
