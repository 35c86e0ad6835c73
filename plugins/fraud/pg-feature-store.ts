import type { EntityManager } from '@mikro-orm/core';
import { query } from '../../core/plugin-api.ts';
import type { RulesVerdict } from './fraud-rules.ts';
import {
  type AttemptFacts,
  type KeyKind,
  type RecordedAttempt,
  type RiskFeatures,
  storedFeatures,
  type WindowAggregate,
  type WindowName,
} from './risk-features.ts';

interface Row {
  category: string;
  cash_equivalent: boolean;
  kind: KeyKind;
  win: WindowName;
  n: number | string;
  total: string;
  same_amount: number | string;
  customers: number | string;
  devices: number | string;
  recipients: number | string;
  cash: number | string;
  customer_since: Date | string | null;
  rules_version: number | string;
  recorded_at: Date | string;
}

/** An attempt's windows, with how many rule versions are stored (the rule cache's freshness check). */
export interface PgRecordedAttempt extends RecordedAttempt {
  readonly rulesVersion: number;
}

/**
 * The live feature store, in two steps of one transaction (FraudDecider's), so that an attempt
 * is written once, with its decision (migration 0004): `windows` takes the keys' advisory locks
 * and answers every window of every key, the attempt itself counted, in one statement
 * (`fraud_attempt_windows`); `store` inserts the attempt with its decision. The locks are held
 * until the transaction commits, so the counts are right across gateway processes and under
 * concurrency: an attempt sharing a key waits for the earlier one's row. Together they answer
 * what InMemoryFeatureStore's `record` answers (test/plugins/fraud/feature-stores-agree.test.ts).
 */
export class PgFeatureStore {
  readonly #em: EntityManager;
  readonly #cashCategories: readonly string[];

  /** `em` in a transaction: the keys' locks are held until it commits, with the stored attempt. */
  constructor(em: EntityManager, cashCategories: readonly string[]) {
    this.#em = em;
    this.#cashCategories = cashCategories;
  }

  async windows(attempt: AttemptFacts): Promise<PgRecordedAttempt> {
    const rows = await query<Row>(this.#em, 'select * from fraud_attempt_windows(?::jsonb)', [
      JSON.stringify({
        customerId: attempt.customerId,
        merchantId: attempt.merchantId,
        category: attempt.category,
        device: attempt.device,
        ip: attempt.ip,
        instrument: attempt.instrument,
        recipient: attempt.recipient,
        amount: attempt.amount.toString(),
        currency: attempt.currency,
        cashCategories: this.#cashCategories,
      }),
    ]);
    const windows = new Map<KeyKind, Map<WindowName, WindowAggregate>>();
    for (const row of rows) {
      const byWindow = windows.get(row.kind) ?? new Map<WindowName, WindowAggregate>();
      windows.set(row.kind, byWindow);
      byWindow.set(row.win, {
        count: Number(row.n),
        sum: BigInt(row.total),
        sameAmount: Number(row.same_amount),
        customers: Number(row.customers),
        devices: Number(row.devices),
        recipients: Number(row.recipients),
        cashEquivalent: Number(row.cash),
      });
    }
    // The customer's own windows always hold the attempt itself: there is always a first row.
    const first = rows[0]!;
    return {
      category: first.category,
      cashEquivalent: first.cash_equivalent,
      windows,
      customerSince: first.customer_since ? new Date(first.customer_since) : null,
      at: new Date(first.recorded_at),
      rulesVersion: Number(first.rules_version),
    };
  }

  /**
   * The attempt with its decision and the features it was made on, at the time its windows were
   * counted at (`recorded.at`, in milliseconds, as the features and a replay read it).
   */
  async store(
    attempt: AttemptFacts,
    recorded: RecordedAttempt,
    verdict: RulesVerdict,
    features: RiskFeatures,
  ): Promise<void> {
    await query(
      this.#em,
      `insert into fraud_attempt (id, payment_id, merchant_id, customer_id, method, amount, currency, category,
         cash_equivalent, device_index, ip_index, instrument_index, recipient_index, recipient_sealed, decision, score,
         reasons, matched_rules, features, created_at, decided_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, clock_timestamp())`,
      [
        attempt.id,
        attempt.paymentId,
        attempt.merchantId,
        attempt.customerId,
        attempt.method,
        attempt.amount.toString(),
        attempt.currency,
        recorded.category,
        recorded.cashEquivalent,
        attempt.device,
        attempt.ip,
        attempt.instrument,
        attempt.recipient,
        attempt.recipientSealed,
        verdict.decision,
        verdict.score,
        JSON.stringify(verdict.reasons),
        JSON.stringify(verdict.matched),
        JSON.stringify(storedFeatures(features)),
        recorded.at.toISOString(),
      ],
    );
  }
}
