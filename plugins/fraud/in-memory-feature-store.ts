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
  /** Minor units as a double: exact, and so are the sums, below 2^53 (9 * 10^15). */
  readonly amount: number;
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
/** How often (in the attempts' time) keys without a recent attempt are dropped. */
const SWEEP_EVERY_MS = 86_400_000;
const SPANS_MS = WINDOW_NAMES.map((w) => WINDOWS[w] * 1000);

/**
 * A FeatureStore in process memory, for one process reading attempts in time order (an offline
 * replay): the same aggregates as `fraud_record_attempt`, so `riskFeatures` and the rules give
 * what the live gateway gives (test/plugins/fraud/feature-stores-agree.test.ts). It keeps each
 * key's attempts of the last 7 days (the longest window): a key's older attempts go when the key
 * is next used, and once a day (of the attempts' time) keys unused for 7 days go, so its memory
 * is bounded by about 8 days of attempts however long the input. Never the live store: the
 * gateway's processes must share their counts.
 */
export class InMemoryFeatureStore implements FeatureStore {
  readonly #options: InMemoryFeatureStoreOptions;
  readonly #byKey = new Map<string, Kept[]>();
  #nextSweep = Number.NEGATIVE_INFINITY;

  constructor(options: InMemoryFeatureStoreOptions) {
    this.#options = options;
  }

  async record(attempt: AttemptFacts): Promise<RecordedAttempt> {
    const at = this.#options.now();
    const category = attempt.category ?? 'other';
    const kept: Kept = {
      at: at.getTime(),
      customerId: attempt.customerId,
      amount: Number(attempt.amount),
      currency: attempt.currency,
      cashEquivalent: this.#options.cashCategories.includes(category),
      device: attempt.device,
      recipient: attempt.recipient,
    };
    if (kept.at >= this.#nextSweep) this.#sweep(kept.at);
    const windows = new Map<KeyKind, Map<WindowName, WindowAggregate>>();
    for (const kind of KEY_KINDS) {
      const value = kind === 'customer' ? attempt.customerId : attempt[kind];
      if (value === null) continue;
      const key = `${kind}\u0000${value}`;
      const history = this.#byKey.get(key) ?? [];
      dropOlder(history, kept.at);
      history.push(kept);
      this.#byKey.set(key, history);
      windows.set(kind, aggregates(history, kept));
    }
    return {
      category,
      cashEquivalent: kept.cashEquivalent,
      windows,
      customerSince: this.#options.customerSince(attempt.customerId),
      at,
    };
  }

  /** How many keys are kept (what the memory test watches). */
  get keys(): number {
    return this.#byKey.size;
  }

  #sweep(now: number): void {
    for (const [key, history] of this.#byKey) {
      dropOlder(history, now);
      if (history.length === 0) this.#byKey.delete(key);
    }
    this.#nextSweep = now + SWEEP_EVERY_MS;
  }
}

/** Drops a key's attempts older than the longest window (a key's history is in time order). */
function dropOlder(history: Kept[], now: number): void {
  let stale = 0;
  while (stale < history.length && (history[stale] as Kept).at <= now - LONGEST_MS) stale++;
  if (stale > 0) history.splice(0, stale);
}

/**
 * Every window's aggregate in one pass from the newest attempt back: the windows are nested
 * (10 min inside 1 h inside 24 h inside 7 d), so each is a snapshot of the running totals where
 * the pass crosses its start.
 */
function aggregates(history: readonly Kept[], attempt: Kept): Map<WindowName, WindowAggregate> {
  const result = new Map<WindowName, WindowAggregate>();
  let count = 0;
  let sum = 0;
  let sameAmount = 0;
  let cashEquivalent = 0;
  const customers = new Set<string>();
  const devices = new Set<string>();
  const recipients = new Set<string>();
  const snapshot = (): WindowAggregate => ({
    count,
    sum: BigInt(sum),
    sameAmount,
    customers: customers.size,
    devices: devices.size,
    recipients: recipients.size,
    cashEquivalent,
  });
  let w = 0;
  for (let i = history.length - 1; i >= 0 && w < SPANS_MS.length; i--) {
    const h = history[i] as Kept;
    while (w < SPANS_MS.length && h.at <= attempt.at - (SPANS_MS[w] as number)) {
      result.set(WINDOW_NAMES[w] as WindowName, snapshot());
      w++;
    }
    if (w === SPANS_MS.length) break;
    count++;
    if (h.currency === attempt.currency) {
      sum += h.amount;
      if (h.amount === attempt.amount) sameAmount++;
    }
    if (h.cashEquivalent) cashEquivalent++;
    customers.add(h.customerId);
    if (h.device !== null) devices.add(h.device);
    if (h.recipient !== null) recipients.add(h.recipient);
  }
  for (; w < SPANS_MS.length; w++) result.set(WINDOW_NAMES[w] as WindowName, snapshot());
  return result;
}
