import type { GatewayServices, Logger, MikroORM } from '../../core/plugin-api.ts';
import { query } from '../../core/plugin-api.ts';
import { recordChange, requestFacts } from './request-audit.ts';
import type { RequestProcessor } from './request-processor.ts';
import { SubjectRequest } from './subject-request.entity.ts';
import { REQUEST_OVERDUE } from './subject-request-event-types.ts';

export interface RequestPassReport {
  /** Requests carried out by this pass (verified ones not yet done, and resumed ones). */
  processed: number;
  /** Requests that became overdue in this pass (each is reported once). */
  overdue: number;
}

const BATCH = 100;

/**
 * The scheduled check, in the payments janitor's style: safe in every gateway process at once.
 * Overdue requests are marked with `for update skip locked` and their event written in the same
 * transaction, so each goes out once; processing is claimed row by row (request-processor.ts).
 */
export class RequestScheduler {
  readonly #processor: RequestProcessor;
  readonly #runtime: { orm: MikroORM; log: Logger; services: GatewayServices };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RequestPassReport> | undefined;

  constructor(
    processor: RequestProcessor,
    runtime: { orm: MikroORM; log: Logger; services: GatewayServices },
  ) {
    this.#processor = processor;
    this.#runtime = runtime;
  }

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0) return;
    this.#timer = setInterval(() => {
      this.run().catch((error: unknown) =>
        this.#runtime.log.error({ err: error }, 'subject requests pass failed'),
      );
    }, intervalSeconds * 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running?.catch(() => {});
  }

  /** One pass; concurrent calls in one process share it. */
  run(): Promise<RequestPassReport> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<RequestPassReport> {
    let processed = 0;
    for (const id of await this.#processor.due(this.#runtime.orm.em.fork(), BATCH)) {
      try {
        if (await this.#processor.process(id)) processed++;
      } catch (error) {
        this.#runtime.log.error({ err: error, requestId: id }, 'could not carry out a subject request');
      }
    }
    const overdue = await this.#markOverdue();
    if (processed + overdue > 0) this.#runtime.log.info({ processed, overdue }, 'subject requests pass');
    return { processed, overdue };
  }

  async #markOverdue(): Promise<number> {
    return this.#runtime.orm.em.fork().transactional(async (tx) => {
      const rows = await query<{ id: string }>(
        tx,
        `update subject_request set overdue_at = now()
          where id in (select id from subject_request
            where status in ('awaiting_verification', 'verified', 'processing')
              and due_at <= now() and overdue_at is null
            order by due_at limit ? for update skip locked)
          returning id`,
        [BATCH],
      );
      for (const { id } of rows) {
        const request = await tx.findOneOrFail(SubjectRequest, { id });
        await recordChange(tx, this.#runtime.services, request, {
          from: request.status,
          action: 'overdue',
          actor: 'subject-requests',
          note: `due ${request.dueAt?.toISOString()}`,
        });
        await this.#runtime.services.events.publish(tx, {
          type: REQUEST_OVERDUE,
          merchantId: request.merchant.id,
          payload: {
            ...requestFacts(request),
            status: request.status,
          },
        });
      }
      return rows.length;
    });
  }
}
