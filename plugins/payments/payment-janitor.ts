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
  readonly #claimSeconds: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<JanitorReport> | undefined;

  constructor(
    payments: PaymentService,
    idempotency: IdempotencyService,
    runtime: { orm: MikroORM; log: Logger; services: GatewayServices },
    methodTimeoutMs: number,
  ) {
    this.#payments = payments;
    this.#idempotency = idempotency;
    this.#runtime = runtime;
    // Another process skips a claimed operation until the claim ends. A status call gives up
    // after the method timeout, so twice that covers a pass; a longer claim only strands the
    // operations of a process killed mid-pass (they wait for the claim to end, their keys in
    // flight). A claim that ends while its pass still runs costs one more `status` call, which
    // never moves money, and the outcome is recorded once.
    this.#claimSeconds = Math.max(2, Math.ceil((methodTimeoutMs * 2) / 1000));
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
    let checked = 0;
    // One operation claimed at a time, so each claim covers one status call.
    for (let claimed = await this.claimDue(ctx); claimed; claimed = await this.claimDue(ctx)) {
      checked++;
      try {
        await this.#payments.resolveOperation(ctx, claimed);
      } catch (error) {
        ctx.log.error({ err: error, operationId: claimed }, 'could not settle a payment operation');
      }
      if (checked === BATCH) break;
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
    if (checked + captured + released + expired + purged > 0) {
      ctx.log.info({ checked, captured, released, expired, purged }, 'payments janitor pass');
    }
    return { checked, captured, released, expired, purgedIdempotencyKeys: purged };
  }

  /** Claims the operation due first, if any: other processes skip it until the claim ends. */
  private async claimDue(ctx: RequestContext): Promise<string | undefined> {
    const [due] = await query<{ id: string }>(
      ctx.em,
      `update payment_operation set next_check_at = now() + make_interval(secs => ?)
        where id = (select id from payment_operation
          where status in ('started', 'pending', 'unknown') and next_check_at <= now()
          order by next_check_at limit 1 for update skip locked)
        returning id`,
      [this.#claimSeconds],
    );
    return due?.id;
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
