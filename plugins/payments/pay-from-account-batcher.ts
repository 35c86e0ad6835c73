import type { MikroORM } from '@mikro-orm/core';
import { type Logger, query } from '../../core/plugin-api.ts';

/** One payment from a customer's own account, as `payments_pay_from_accounts` takes it. */
export interface PayFromAccountItem {
  /** The new payment's id, chosen by the caller (migration 0012); absent: the database picks one. */
  paymentId?: string;
  merchant: string;
  customer: string;
  method: string;
  accountKind: string;
  source: string;
  /** Minor units, as text: JSON has no 64-bit integers. */
  amount: string;
  currency: string;
  description: string | null;
  metadata: unknown;
  idemScope: string | null;
  idemKey: string | null;
  idemOperation: string | null;
  idemHash: string | null;
}

/** An answer that names no payment: its outcome, and what `detail` carries for it. */
type WithoutPayment<O extends string, D extends string | null> = {
  outcome: O;
  detail: D;
  payment_id: null;
  created_ms: null;
};

/**
 * What `payments_pay_from_accounts` (migrations 0009, 0013) answers for one item: `captured` with
 * the new payment and its fee in millionths of a minor unit; `replay` with the key's stored result
 * as JSON; `busy` when the key needs the general path; refusals that wrote nothing, with the
 * wallet's currency (`wrong_currency`) or its available amount (`insufficient_funds`).
 */
export type PayFromAccountAnswer =
  | { outcome: 'captured'; detail: string; payment_id: string; created_ms: string | number }
  | WithoutPayment<'replay' | 'wrong_currency' | 'insufficient_funds', string>
  | WithoutPayment<'busy', string | null>
  | WithoutPayment<'no_customer' | 'no_source', null>;

type PayFromAccountOutcome = PayFromAccountAnswer['outcome'];

type AnswerRow = {
  n: number;
  outcome: string;
  detail: string | null;
  payment_id: string | null;
  created_ms: string | number | null;
};

/** Per outcome, the column that must be set; typed by outcome so that none is left out. */
const REQUIRED: Record<PayFromAccountOutcome, 'detail' | 'payment_id' | null> = {
  captured: 'payment_id',
  replay: 'detail',
  wrong_currency: 'detail',
  insufficient_funds: 'detail',
  busy: null,
  no_customer: null,
  no_source: null,
};

/** The one reading of the function's answer: the row itself, once its outcome and columns agree. */
function isAnswer(row: AnswerRow): row is AnswerRow & PayFromAccountAnswer {
  if (!Object.hasOwn(REQUIRED, row.outcome)) return false;
  const required = REQUIRED[row.outcome as PayFromAccountOutcome];
  return required === null || row[required] !== null;
}

export interface PayFromAccountBatcherOptions {
  /** Batches in flight at once; the next batch takes everything that arrived meanwhile. */
  concurrency: number;
  maxSize: number;
  idempotencyTtlSeconds: number;
  merchantBalanceStripes: number;
}

interface Waiting {
  item: PayFromAccountItem;
  resolve: (answer: PayFromAccountAnswer) => void;
  reject: (error: unknown) => void;
}

/**
 * Sends wallet payments to the database in batches. A payment goes at once while fewer than
 * `concurrency` batches are in flight; otherwise it waits for the next batch, which carries
 * everything that arrived in the meantime. Under light load every batch holds one payment and
 * nothing waits; under heavy load one commit (and one WAL flush, one round trip) serves many.
 *
 * A batch that fails as a whole (a deadlock victim, a bug in one item) changed nothing: its
 * statement rolled back. Its payments are then sent one by one, so one bad payment fails alone.
 */
export class PayFromAccountBatcher {
  readonly #orm: MikroORM;
  readonly #log: Logger;
  readonly #options: PayFromAccountBatcherOptions;
  #waiting: Waiting[] = [];
  #inFlight = 0;

  constructor(orm: MikroORM, log: Logger, options: PayFromAccountBatcherOptions) {
    this.#orm = orm;
    this.#log = log;
    this.#options = options;
  }

  /** Batches sent and not yet answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Payments waiting for a batch to take them. */
  get waiting(): number {
    return this.#waiting.length;
  }

  pay(item: PayFromAccountItem): Promise<PayFromAccountAnswer> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#inFlight < this.#options.concurrency && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#options.maxSize);
      this.#inFlight++;
      this.#run(batch).finally(() => {
        this.#inFlight--;
        this.#dispatch();
      });
    }
  }

  async #run(batch: Waiting[]): Promise<void> {
    try {
      const answers = await this.#send(batch.map((w) => w.item));
      batch.forEach((w, n) => {
        // Nothing here may throw: the batch has committed, and a throw would send it again.
        const answer = answers.get(n);
        if (!answer) w.reject(new Error(`payments_pay_from_accounts gave no answer for item ${n}`));
        else if (isAnswer(answer)) w.resolve(answer);
        else w.reject(new Error(`payments_pay_from_accounts answered ${answer.outcome}`));
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      this.#log.warn(
        { err: error, payments: batch.length },
        'wallet batch failed; sending its payments one by one',
      );
      await Promise.all(batch.map((w) => this.#run([w])));
    }
  }

  async #send(items: PayFromAccountItem[]): Promise<Map<number, AnswerRow>> {
    const rows = await query<AnswerRow>(
      this.#orm.em.fork(),
      'select * from payments_pay_from_accounts(?::jsonb, ?, ?::smallint)',
      [
        JSON.stringify(items.map((item, n) => ({ n, ...item }))),
        this.#options.idempotencyTtlSeconds,
        this.#options.merchantBalanceStripes,
      ],
    );
    return new Map(rows.map((row) => [Number(row.n), row]));
  }
}
