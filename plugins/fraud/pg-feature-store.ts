import type { EntityManager } from '@mikro-orm/core';
import { query } from '../../core/plugin-api.ts';
import type {
  AttemptFacts,
  FeatureStore,
  KeyKind,
  RecordedAttempt,
  WindowAggregate,
  WindowName,
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

/** A recorded attempt, with how many rule versions are stored (the rule cache's freshness check). */
export interface PgRecordedAttempt extends RecordedAttempt {
  readonly rulesVersion: number;
}

/**
 * The live FeatureStore: `fraud_record_attempt` (migration 0001) records the attempt and
 * answers every window of every key in one statement, under advisory locks on the keys, so the
 * counts are right across gateway processes and under concurrency.
 */
export class PgFeatureStore implements FeatureStore {
  readonly #em: EntityManager;
  readonly #cashCategories: readonly string[];

  /**
   * `em` in a transaction (FraudDecider's): the keys' locks are held until it commits, with the
   * decision. Outside one, the statement commits, and releases its locks, on its own.
   */
  constructor(em: EntityManager, cashCategories: readonly string[]) {
    this.#em = em;
    this.#cashCategories = cashCategories;
  }

  async record(attempt: AttemptFacts): Promise<PgRecordedAttempt> {
    const rows = await query<Row>(this.#em, 'select * from fraud_record_attempt(?::jsonb)', [
      JSON.stringify({ ...attempt, amount: attempt.amount.toString(), cashCategories: this.#cashCategories }),
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
}
