import {
  type AttemptFacts,
  type FeatureStore,
  KEY_KINDS,
  type KeyKind,
  type RecordedAttempt,
  WINDOW_NAMES,
  WINDOWS,
  type WindowAggregate,
  type WindowName,
} from './risk-features.ts';

interface Kept {
  readonly at: number;
  readonly customerId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly cashEquivalent: boolean;
  readonly device: string | null;
  readonly recipient: string | null;
}

export interface InMemoryFeatureStoreOptions {
  /** The time of the attempt being recorded: a replay sets it from each attempt, in time order. */
  now(): Date;
  /** When a customer's account was created, if known. */
  customerSince(customerId: string): Date | null;
  /** The categories as good as cash (the plugin's `cashEquivalentCategories`). */
  cashCategories: readonly string[];
}

const LONGEST_MS = WINDOWS['7d'] * 1000;

/**
 * A FeatureStore in process memory, for one process reading attempts in time order (an offline
 * replay): the same aggregates as `fraud_record_attempt`, so `riskFeatures` and the rules give
 * what the live gateway gives (test/plugins/fraud/feature-stores-agree.test.ts). It keeps each
 * key's attempts of the last 7 days, so its memory is bounded by a week of attempts. Never the
 * live store: the gateway's processes must share their counts.
 */
export class InMemoryFeatureStore implements FeatureStore {
  readonly #options: InMemoryFeatureStoreOptions;
  readonly #byKey = new Map<string, Kept[]>();

  constructor(options: InMemoryFeatureStoreOptions) {
    this.#options = options;
  }

  async record(attempt: AttemptFacts): Promise<RecordedAttempt> {
    const at = this.#options.now();
    const category = attempt.category ?? 'other';
    const kept: Kept = {
      at: at.getTime(),
      customerId: attempt.customerId,
      amount: attempt.amount,
      currency: attempt.currency,
      cashEquivalent: this.#options.cashCategories.includes(category),
      device: attempt.device,
      recipient: attempt.recipient,
    };
    const windows = new Map<KeyKind, Map<WindowName, WindowAggregate>>();
    for (const kind of KEY_KINDS) {
      const value = kind === 'customer' ? attempt.customerId : attempt[kind];
      if (value === null) continue;
      const key = `${kind}\u0000${value}`;
      const history = (this.#byKey.get(key) ?? []).filter((h) => h.at > kept.at - LONGEST_MS);
      history.push(kept);
      this.#byKey.set(key, history);
      windows.set(kind, new Map(WINDOW_NAMES.map((w) => [w, aggregate(history, kept, WINDOWS[w] * 1000)])));
    }
    return {
      category,
      cashEquivalent: kept.cashEquivalent,
      windows,
      customerSince: this.#options.customerSince(attempt.customerId),
      at,
    };
  }
}

function aggregate(history: readonly Kept[], attempt: Kept, spanMs: number): WindowAggregate {
  const inWindow = history.filter((h) => h.at > attempt.at - spanMs);
  const distinct = (pick: (h: Kept) => string | null) =>
    new Set(inWindow.map(pick).filter((v) => v !== null)).size;
  const sameCurrency = inWindow.filter((h) => h.currency === attempt.currency);
  return {
    count: inWindow.length,
    sum: sameCurrency.reduce((total, h) => total + h.amount, 0n),
    sameAmount: sameCurrency.filter((h) => h.amount === attempt.amount).length,
    customers: distinct((h) => h.customerId),
    devices: distinct((h) => h.device),
    recipients: distinct((h) => h.recipient),
    cashEquivalent: inWindow.filter((h) => h.cashEquivalent).length,
  };
}
