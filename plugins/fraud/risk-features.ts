/**
 * Velocity features: pure code over what a feature store answers, so that the live gateway
 * (PgFeatureStore) and an offline replay (InMemoryFeatureStore over a file of attempts) compute
 * the same features from the same aggregates. Nothing here reads a clock or a database.
 */

/** The sliding windows, in seconds. */
export const WINDOWS = { '10m': 600, '1h': 3600, '24h': 86_400, '7d': 604_800 } as const;
export type WindowName = keyof typeof WINDOWS;
export const WINDOW_NAMES = Object.keys(WINDOWS) as WindowName[];

/** Whose history a window counts: the attempts sharing this key with the one being decided. */
export const KEY_KINDS = ['customer', 'device', 'ip', 'instrument', 'recipient'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** What is known about an attempt before it is decided; personal values only as keyed indexes. */
export interface AttemptFacts {
  readonly id: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly customerId: string;
  readonly method: string;
  readonly amount: bigint;
  readonly currency: string;
  /** The merchant's category (`gift_card`, `game`, ...); null: the store looks up the merchant's. */
  readonly category: string | null;
  /** Keyed indexes (never the values) of the device, IP, instrument and recipient. */
  readonly device: string | null;
  readonly ip: string | null;
  readonly instrument: string;
  readonly recipient: string | null;
  /** The recipient sealed under the payer's key, to show a reviewer; null without a recipient. */
  readonly recipientSealed: string | null;
}

/** Over one window, the attempts sharing one key, the one being decided included. */
export interface WindowAggregate {
  readonly count: number;
  /** Minor units, in the attempt's currency only. */
  readonly sum: bigint;
  /** Attempts of exactly this amount and currency. */
  readonly sameAmount: number;
  readonly customers: number;
  readonly devices: number;
  readonly recipients: number;
  /** Attempts at cash-equivalent merchants. */
  readonly cashEquivalent: number;
}

export interface RecordedAttempt {
  /** The merchant's category, as recorded with the attempt. */
  readonly category: string;
  /** Whether the category is as good as cash (gift cards, game currency): the cash-out signal. */
  readonly cashEquivalent: boolean;
  /** By key kind and window; a key the attempt lacks (no device) or a window without history is absent. */
  readonly windows: ReadonlyMap<KeyKind, ReadonlyMap<WindowName, WindowAggregate>>;
  /** When the customer's account was created; null if unknown. */
  readonly customerSince: Date | null;
  /** When the attempt was recorded: the features' "now". */
  readonly at: Date;
}

/** Per key kind, `<metric>_<window>` as CEL `int`s; the metrics are FEATURE_METRICS. */
export const FEATURE_METRICS = [
  'count',
  'sum',
  'same_amount',
  'customers',
  'devices',
  'recipients',
  'cash_pct',
] as const;

export type VelocityMap = Map<string, bigint>;

/** What a rule sees: the payment, and one velocity map per key kind. */
export interface RiskFeatures {
  readonly amount: bigint;
  readonly currency: string;
  readonly method: string;
  readonly category: string;
  readonly cash_equivalent: boolean;
  readonly has_device: boolean;
  readonly has_recipient: boolean;
  /** Whole hours since the customer's account was created (0 if unknown). */
  readonly account_age_hours: bigint;
  readonly customer: VelocityMap;
  readonly device: VelocityMap;
  readonly ip: VelocityMap;
  readonly instrument: VelocityMap;
  readonly recipient: VelocityMap;
}

const EMPTY: WindowAggregate = {
  count: 0,
  sum: 0n,
  sameAmount: 0,
  customers: 0,
  devices: 0,
  recipients: 0,
  cashEquivalent: 0,
};

/** The velocity map's keys per window, built once (a replay builds millions of maps). */
const NAMES = WINDOW_NAMES.map((window) => ({
  window,
  keys: FEATURE_METRICS.map((metric) => `${metric}_${window}`),
}));

function velocity(windows: ReadonlyMap<WindowName, WindowAggregate> | undefined): VelocityMap {
  const map: VelocityMap = new Map();
  for (const { window, keys } of NAMES) {
    const a = windows?.get(window) ?? EMPTY;
    const [count, sum, sameAmount, customers, devices, recipients, cashPct] = keys as [string, ...string[]];
    map.set(count, BigInt(a.count));
    map.set(sum as string, a.sum);
    map.set(sameAmount as string, BigInt(a.sameAmount));
    map.set(customers as string, BigInt(a.customers));
    map.set(devices as string, BigInt(a.devices));
    map.set(recipients as string, BigInt(a.recipients));
    // Whole percent, rounded down: rules compare integers, never floats.
    map.set(cashPct as string, a.count === 0 ? 0n : BigInt(Math.floor((a.cashEquivalent * 100) / a.count)));
  }
  return map;
}

export function riskFeatures(attempt: AttemptFacts, recorded: RecordedAttempt): RiskFeatures {
  const ageMs = recorded.customerSince ? recorded.at.getTime() - recorded.customerSince.getTime() : 0;
  return {
    amount: attempt.amount,
    currency: attempt.currency,
    method: attempt.method,
    category: recorded.category,
    cash_equivalent: recorded.cashEquivalent,
    has_device: attempt.device !== null,
    has_recipient: attempt.recipient !== null,
    account_age_hours: BigInt(Math.max(0, Math.floor(ageMs / 3_600_000))),
    customer: velocity(recorded.windows.get('customer')),
    device: velocity(recorded.windows.get('device')),
    ip: velocity(recorded.windows.get('ip')),
    instrument: velocity(recorded.windows.get('instrument')),
    recipient: velocity(recorded.windows.get('recipient')),
  };
}

/** The features as stored with the decision: velocity maps without their zeros, integers as decimal strings. */
export function storedFeatures(features: RiskFeatures): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(features)) {
    if (value instanceof Map) {
      // One pass, no intermediate arrays: every decision stores five maps of 28 features.
      const nonZero: Record<string, string> = {};
      for (const [k, v] of value as VelocityMap) if (v !== 0n) nonZero[k] = v.toString();
      stored[name] = nonZero;
    } else {
      stored[name] = typeof value === 'bigint' ? value.toString() : value;
    }
  }
  return stored;
}

/** The features back from storedFeatures (a backtest's input). */
export function loadFeatures(stored: Record<string, unknown>): RiskFeatures {
  const map = (name: KeyKind) => {
    const m: VelocityMap = velocity(undefined);
    for (const [k, v] of Object.entries((stored[name] ?? {}) as Record<string, string>)) m.set(k, BigInt(v));
    return m;
  };
  return {
    amount: BigInt(stored.amount as string),
    currency: String(stored.currency),
    method: String(stored.method),
    category: String(stored.category),
    cash_equivalent: Boolean(stored.cash_equivalent),
    has_device: Boolean(stored.has_device),
    has_recipient: Boolean(stored.has_recipient),
    account_age_hours: BigInt(stored.account_age_hours as string),
    customer: map('customer'),
    device: map('device'),
    ip: map('ip'),
    instrument: map('instrument'),
    recipient: map('recipient'),
  };
}
