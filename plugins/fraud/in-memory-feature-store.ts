import {
  type AttemptFacts,
  KEY_KINDS,
  type KeyKind,
  type RecordedAttempt,
  WINDOW_NAMES,
  WINDOWS,
  type WindowAggregate,
  type WindowName,
} from './risk-features.ts';

/** One recorded attempt, as the windows of its keys count it. */
interface Kept {
  readonly at: number;
  readonly customerId: string;
  /** Minor units as a double: exact, and so are the sums, below 2^53 (9 * 10^15). */
  readonly amount: number;
  readonly currency: string;
  /** What `sameAmount` counts alike: the currency and the amount. */
  readonly amountKey: string;
  readonly cashEquivalent: boolean;
  readonly device: string | null;
  readonly recipient: string | null;
  /** The totals of each of its keys, to take it out of them when it leaves a window. */
  readonly keys: KeyTotals[];
  /** The next attempt recorded: the store's attempts are a queue in time order. */
  next: Kept | null;
}

export interface InMemoryFeatureStoreOptions {
  /** The time of the attempt being recorded: a replay sets it from each attempt, in time order. */
  now(): Date;
  /** When a customer's account was created, if known. */
  customerSince(customerId: string): Date | null;
  /** The categories as good as cash (the plugin's `cashEquivalentCategories`). */
  cashCategories: readonly string[];
}

/** The windows' spans in WINDOW_NAMES order, shortest first: each window lies inside the next. */
const SPANS_MS = WINDOW_NAMES.map((w) => WINDOWS[w] * 1000);
const LONGEST = SPANS_MS.length - 1;
const perWindow = () => WINDOW_NAMES.map(() => 0);

/**
 * A feature store in process memory, for one process reading attempts in time order (an offline
 * replay): the same aggregates as `fraud_attempt_windows`, so `riskFeatures` and the rules give
 * what the live gateway gives (test/plugins/fraud/feature-stores-agree.test.ts).
 *
 * Running totals, not recounts: each key keeps its totals per window (KeyTotals), an attempt is
 * added to every window of its keys once when recorded, and taken out of each window once, when
 * a later attempt's time has moved past the window's span. Counting each key's week again for
 * every attempt (the first version) cost as much as the key's traffic: the busiest keys (a CGNAT
 * address, a PC-bang device) hold hundreds of attempts a week, and a 28-day replay spent most of
 * its time there. Now an attempt costs the same however busy its keys are. The totals are exact
 * counts, and sums of integers held in doubles, exact below 2^53.
 *
 * The expiry queue: the attempts of the last 7 days (the longest window) are one queue in time
 * order, with a cursor per window at its oldest attempt; moving a cursor takes the attempts it
 * passes out of that window of each of their keys. A key whose last attempt leaves the 7-day
 * window is dropped, and the queue's head is the 7-day cursor, so the memory is that of the
 * last 7 days of attempts (with one entry per key and distinct value), however long the input.
 * Never the live store: the gateway's processes must share their counts.
 */
export class InMemoryFeatureStore {
  readonly #options: InMemoryFeatureStoreOptions;
  readonly #cash: ReadonlySet<string>;
  /** Per key kind, the totals of each key by its value. */
  readonly #byKind = new Map<KeyKind, Map<string, KeyTotals>>(KEY_KINDS.map((kind) => [kind, new Map()]));
  /** Per window, its oldest attempt (null: the window is empty). */
  readonly #oldest: (Kept | null)[] = WINDOW_NAMES.map(() => null);
  #newest: Kept | null = null;

  constructor(options: InMemoryFeatureStoreOptions) {
    this.#options = options;
    this.#cash = new Set(options.cashCategories);
  }

  /**
   * Stores the attempt and answers the aggregates of every stored attempt sharing one of its
   * keys, itself included, as one step: attempts are recorded one after the other, never two
   * before either counts (the live store's keys' locks give the same order).
   */
  async record(attempt: AttemptFacts): Promise<RecordedAttempt> {
    const at = this.#options.now();
    const now = at.getTime();
    this.#expire(now);
    const category = attempt.category ?? 'other';
    const amount = Number(attempt.amount);
    const kept: Kept = {
      at: now,
      customerId: attempt.customerId,
      amount,
      currency: attempt.currency,
      amountKey: `${attempt.currency}\u0000${amount}`,
      cashEquivalent: this.#cash.has(category),
      device: attempt.device,
      recipient: attempt.recipient,
      keys: [],
      next: null,
    };
    if (this.#newest !== null) this.#newest.next = kept;
    this.#newest = kept;
    for (let w = 0; w < SPANS_MS.length; w++) this.#oldest[w] ??= kept;
    const windows = new Map<KeyKind, Map<WindowName, WindowAggregate>>();
    for (const kind of KEY_KINDS) {
      const value = kind === 'customer' ? attempt.customerId : attempt[kind];
      if (value === null) continue;
      const ofKind = this.#byKind.get(kind) as Map<string, KeyTotals>;
      let key = ofKind.get(value);
      if (key === undefined) {
        key = new KeyTotals(ofKind, value);
        ofKind.set(value, key);
      }
      key.add(kept);
      kept.keys.push(key);
      windows.set(kind, key.aggregates(kept));
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
    let n = 0;
    for (const ofKind of this.#byKind.values()) n += ofKind.size;
    return n;
  }

  /**
   * Takes out of each window the attempts at or before `now` minus its span, shortest window
   * first, so that an attempt leaves the 7-day window (and maybe drops its keys) last.
   */
  #expire(now: number): void {
    for (let w = 0; w < SPANS_MS.length; w++) {
      const since = now - (SPANS_MS[w] as number);
      let oldest = this.#oldest[w] as Kept | null;
      while (oldest !== null && oldest.at <= since) {
        for (const key of oldest.keys) key.remove(oldest, w);
        oldest = oldest.next;
      }
      this.#oldest[w] = oldest;
    }
    if (this.#oldest[LONGEST] === null) this.#newest = null;
  }
}

/** One key's totals per window (WINDOW_NAMES order), over the attempts still in the window. */
class KeyTotals {
  readonly #ofKind: Map<string, KeyTotals>;
  readonly #value: string;
  readonly #count = perWindow();
  readonly #cashEquivalent = perWindow();
  /** Per currency, the sum of its amounts (a key sees one currency, or a few). */
  readonly #sums = new Map<string, number[]>();
  /** Per currency and amount, how many attempts. */
  readonly #amounts = new Map<string, number[]>();
  readonly #customers = new DistinctValues();
  readonly #devices = new DistinctValues();
  readonly #recipients = new DistinctValues();

  constructor(ofKind: Map<string, KeyTotals>, value: string) {
    this.#ofKind = ofKind;
    this.#value = value;
  }

  /** Adds an attempt, at or after every attempt the windows hold, to every window. */
  add(kept: Kept): void {
    const sums = totalsOf(this.#sums, kept.currency);
    const amounts = totalsOf(this.#amounts, kept.amountKey);
    for (let w = 0; w < SPANS_MS.length; w++) {
      (this.#count[w] as number)++;
      if (kept.cashEquivalent) (this.#cashEquivalent[w] as number)++;
      (sums[w] as number) += kept.amount;
      (amounts[w] as number)++;
    }
    this.#customers.add(kept.customerId, kept);
    if (kept.device !== null) this.#devices.add(kept.device, kept);
    if (kept.recipient !== null) this.#recipients.add(kept.recipient, kept);
  }

  /** Takes an attempt out of window `w`; out of the longest, the last one drops the key. */
  remove(kept: Kept, w: number): void {
    if (--(this.#count[w] as number) === 0 && w === LONGEST) this.#ofKind.delete(this.#value);
    if (kept.cashEquivalent) (this.#cashEquivalent[w] as number)--;
    ((this.#sums.get(kept.currency) as number[])[w] as number) -= kept.amount;
    const amounts = this.#amounts.get(kept.amountKey) as number[];
    if (--(amounts[w] as number) === 0 && w === LONGEST) this.#amounts.delete(kept.amountKey);
    this.#customers.remove(kept.customerId, kept, w);
    if (kept.device !== null) this.#devices.remove(kept.device, kept, w);
    if (kept.recipient !== null) this.#recipients.remove(kept.recipient, kept, w);
  }

  /** Every window's aggregate as `attempt` (the one just added) sees it. */
  aggregates(attempt: Kept): Map<WindowName, WindowAggregate> {
    const result = new Map<WindowName, WindowAggregate>();
    const sums = this.#sums.get(attempt.currency) as number[];
    const amounts = this.#amounts.get(attempt.amountKey) as number[];
    for (let w = 0; w < SPANS_MS.length; w++) {
      result.set(WINDOW_NAMES[w] as WindowName, {
        count: this.#count[w] as number,
        sum: BigInt(sums[w] as number),
        sameAmount: amounts[w] as number,
        customers: this.#customers.counts[w] as number,
        devices: this.#devices.counts[w] as number,
        recipients: this.#recipients.counts[w] as number,
        cashEquivalent: this.#cashEquivalent[w] as number,
      });
    }
    return result;
  }
}

/** The per-window totals kept under `name`, created at zero. */
function totalsOf(map: Map<string, number[]>, name: string): number[] {
  let totals = map.get(name);
  if (totals === undefined) {
    totals = perWindow();
    map.set(name, totals);
  }
  return totals;
}

/**
 * How many distinct values (customers, devices, recipients) each window of a key holds. A
 * value's latest attempt is the one that keeps it in a window: a window counts the value while
 * that attempt is in it, so the value is counted when it comes back to a window it had left (or
 * never was in), and uncounted when its latest attempt leaves, not when an earlier one does.
 */
class DistinctValues {
  readonly #latest = new Map<string, Kept>();
  readonly counts = perWindow();

  add(value: string, kept: Kept): void {
    const latest = this.#latest.get(value);
    for (let w = 0; w < SPANS_MS.length; w++) {
      // An attempt out of a window has been taken out of it: the store expires before it adds.
      if (latest === undefined || latest.at <= kept.at - (SPANS_MS[w] as number))
        (this.counts[w] as number)++;
    }
    this.#latest.set(value, kept);
  }

  remove(value: string, kept: Kept, w: number): void {
    if (this.#latest.get(value) !== kept) return;
    (this.counts[w] as number)--;
    if (w === LONGEST) this.#latest.delete(value);
  }
}
