import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Answer, codesOf, leaksInternals, postGraphQL } from './graphql.ts';
import type { Shop } from './shop.ts';

const PAY = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) {
    __typename
    ... on Payment { id status }
    ... on Error { code message }
  }
}`;

/** What one answer meant to the client that got it. */
export type Verdict =
  | 'payment' // acknowledged: a payment, in whatever state
  | 'refused' // acknowledged: a typed refusal, nothing was paid
  | 'in_flight' // IDEMPOTENCY_IN_FLIGHT: retry
  | 'unavailable' // HTTP 503 with a typed code (NOT_READY, the database is down): retry
  | 'rate_limited'
  | 'network' // refused or reset: the process is down
  | 'hang' // no answer within the client's time limit
  | 'server_error' // HTTP 5xx other than a typed 503
  | 'internal_error' // INTERNAL_SERVER_ERROR in a 200 or 4xx
  | 'graphql_error'; // another GraphQL error (e.g. UNAUTHENTICATED while the database is down)

export interface KeyRecord {
  key: string;
  kind: 'wallet' | 'card' | 'slow-card';
  walletId?: string;
  amount: bigint;
  attempts: number;
  firstSentAt: number;
  /** The first acknowledged answer. */
  ack?: { at: number; paymentId?: string; status?: string; refusal?: string };
  /** When the key was first answered IDEMPOTENCY_IN_FLIGHT (or unanswered because the process died). */
  interruptedAt?: number;
}

export interface Tally {
  byVerdict: Record<string, number>;
  byCode: Record<string, number>;
  /** Examples of answers that broke a rule, for the report. */
  bad: string[];
  leaks: string[];
}

export function classify(answer: Answer): { verdict: Verdict; code?: string; ack?: KeyRecord['ack'] } {
  if (answer.error === 'network') return { verdict: 'network' };
  if (answer.error === 'timeout') return { verdict: 'hang' };
  const codes = codesOf(answer);
  if (codes.includes('INTERNAL_SERVER_ERROR'))
    return { verdict: 'internal_error', code: 'INTERNAL_SERVER_ERROR' };
  if (answer.status >= 500) {
    const typed = answer.status === 503 && codes.length > 0 && !codes.includes('NO_CODE');
    return { verdict: typed ? 'unavailable' : 'server_error', code: codes[0] ?? `HTTP_${answer.status}` };
  }
  if (codes.includes('RATE_LIMITED')) return { verdict: 'rate_limited', code: 'RATE_LIMITED' };
  if (codes.length > 0) return { verdict: 'graphql_error', code: codes[0] };
  const result = answer.body?.data?.createPayment;
  if (!result) return { verdict: 'server_error', code: `HTTP_${answer.status}_NO_DATA` };
  if (result.__typename === 'Payment') {
    return { verdict: 'payment', ack: { at: Date.now(), paymentId: result.id, status: result.status } };
  }
  if (result.code === 'IDEMPOTENCY_IN_FLIGHT') return { verdict: 'in_flight', code: result.code };
  return { verdict: 'refused', code: result.code, ack: { at: Date.now(), refusal: result.code } };
}

/**
 * Clients that pay from many wallets (and some cards) with unique Idempotency-Keys, retry what
 * was not acknowledged with the same key, and record every acknowledged answer.
 */
export class PaymentLoad {
  readonly keys: KeyRecord[] = [];
  readonly tallies = new Map<string, Tally>();
  /** Set by the scenario: answers are tallied under it ("steady", "outage", ...). */
  phase = 'steady';
  #stopNew = false;
  #deadline = Number.POSITIVE_INFINITY;
  #clients: Promise<void>[] = [];
  readonly #url: string;
  readonly #shop: Shop;

  constructor(url: string, shop: Shop) {
    this.#url = url;
    this.#shop = shop;
  }

  start(clients: number): void {
    this.#clients = Array.from({ length: clients }, () => this.#client());
  }

  /** Stops new payments; resolves when every key is acknowledged or `deadlineMs` has passed. */
  async finish(deadlineMs: number): Promise<void> {
    this.#deadline = Date.now() + deadlineMs;
    this.#stopNew = true;
    await Promise.all(this.#clients);
  }

  tally(phase = this.phase): Tally {
    let tally = this.tallies.get(phase);
    if (!tally) {
      tally = { byVerdict: {}, byCode: {}, bad: [], leaks: [] };
      this.tallies.set(phase, tally);
    }
    return tally;
  }

  /**
   * One client: pays with new keys, and retries each unacknowledged key (same key, same request)
   * when it is due, so that a key stuck in flight does not stop the client paying.
   */
  async #client(): Promise<void> {
    const waiting: { record: KeyRecord; due: number }[] = [];
    while (Date.now() < this.#deadline) {
      const due = waiting.findIndex((w) => w.due <= Date.now());
      let record: KeyRecord;
      if (due >= 0) record = waiting.splice(due, 1)[0]!.record;
      else if (!this.#stopNew) {
        record = this.#newKey();
        this.keys.push(record);
      } else if (waiting.length > 0) {
        await sleep(50);
        continue;
      } else return;
      const retry = await this.#attempt(record);
      if (!retry) continue;
      // In flight: try other keys meanwhile. Down, refused, limited: this client waits too.
      waiting.push({ record, due: Date.now() + (retry.wait ? 0 : retry.ms) });
      if (retry.wait) await sleep(retry.ms);
    }
  }

  #newKey(): KeyRecord {
    const roll = randomInt(100);
    const kind = roll < 80 ? 'wallet' : roll < 95 ? 'card' : 'slow-card';
    const wallet = this.#shop.wallets[randomInt(this.#shop.wallets.length)]!;
    return {
      key: `rel-${randomUUID()}`,
      kind,
      walletId: kind === 'wallet' ? wallet.walletId : undefined,
      amount: BigInt(randomInt(1, 1000)),
      attempts: 0,
      firstSentAt: Date.now(),
    };
  }

  #input(record: KeyRecord, customerId: string) {
    const { cards } = this.#shop;
    return {
      customerId,
      method: record.kind === 'wallet' ? 'wallet' : 'sandbox-card',
      sourceId: record.walletId ?? (record.kind === 'card' ? cards.approve : cards.slow),
      amount: { amount: String(record.amount), currency: 'KRW' },
      metadata: [{ key: 'clientKey', value: record.key }],
    };
  }

  /** One request for the key; when to try it again (undefined once acknowledged). */
  async #attempt(record: KeyRecord): Promise<{ ms: number; wait: boolean } | undefined> {
    const customerId =
      this.#shop.wallets.find((w) => w.walletId === record.walletId)?.customerId ??
      this.#shop.wallets[0]!.customerId;
    const input = this.#input(record, customerId);
    record.attempts++;
    const phase = this.phase;
    const answer = await postGraphQL(
      this.#url,
      this.#shop.merchantKey,
      PAY,
      { input },
      {
        'idempotency-key': record.key,
      },
    );
    const { verdict, code, ack } = classify(answer);
    const tally = this.tally(phase);
    tally.byVerdict[verdict] = (tally.byVerdict[verdict] ?? 0) + 1;
    if (code) tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
    const leak = leaksInternals(answer.text);
    if (leak && tally.leaks.length < 3 && !tally.leaks.includes(leak)) tally.leaks.push(leak);
    const example = `${verdict} HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
    if (
      ['server_error', 'internal_error', 'hang'].includes(verdict) &&
      tally.bad.length < 3 &&
      !tally.bad.includes(example)
    ) {
      tally.bad.push(example);
    }
    if (ack) {
      record.ack = ack;
      return undefined;
    }
    if (verdict === 'in_flight' || verdict === 'network') record.interruptedAt ??= Date.now();
    const retryAfter = Number(answer.headers.get('retry-after') ?? 0);
    if (verdict === 'rate_limited') return { ms: Math.min(2000, retryAfter * 1000 || 500), wait: true };
    if (verdict === 'in_flight') return { ms: 300 + randomInt(200), wait: false };
    return { ms: 150 + randomInt(150), wait: true };
  }
}
