import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Client } from 'graphql-ws';
import { createWebSocketClient } from '../core/testing/graphql-clients.ts';
import { runBench, withBenchGateway } from './bench-gateway.ts';
import { fundedWallet, inParallel, merchantWithKey } from './setup-helpers.ts';

/**
 * `npm run bench:events`: payment events delivered to 1,000 graphql-ws subscribers (each its own
 * WebSocket connection) while wallet payments run through GraphQL over HTTP. The gateway runs in
 * its own process (bench/gateway-server.ts: every plugin of yoga.config.ts) on a fresh
 * PostgreSQL database; this process holds the subscribers and drives the payments. Every
 * payment's `payment.captured` event is written by the payment's own database trigger, in its
 * transaction, so this measures the real path: commit, probe, sequencer pass, tail, socket.
 *
 * Latency runs from the event's `createdAt` (the database clock when the payment's transaction
 * wrote it, just before its commit) to the moment the subscriber's client handed over the
 * message (this machine's clock, the same one): an upper bound of commit -> receipt.
 *
 * Scenarios, each with every subscriber connected:
 * - "partners": each subscriber is a merchant following its own events; payments at each rate
 *   of BENCH_PAYMENT_RATES per second, spread over the merchants (the first rate gives the
 *   reported keys, every rate is in `event_delivery_by_rate`).
 * - "saturated": the same subscribers while payments run as fast as BENCH_CONNECTIONS clients
 *   can make them: delivery when the gateway has no spare CPU.
 * - "broadcast": every subscriber (operator key) receives every event; payments at
 *   BENCH_BROADCAST_RATE per second: what fan-out volume costs.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_SUBSCRIBERS
 * (1000), BENCH_PAYMENT_RATES (100,200), BENCH_CONNECTIONS (50), BENCH_BROADCAST_RATE (5),
 * BENCH_SECONDS (10), BENCH_GATEWAY_NODE_ARGS (e.g. `--cpu-prof`). Merges event_* keys and events_per_s into bench/results/latest.json.
 */
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const subscriberCount = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const paymentRates = (process.env.BENCH_PAYMENT_RATES ?? '100,200').split(',').map(Number);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const broadcastRate = Number(process.env.BENCH_BROADCAST_RATE ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const RESULTS = 'bench/results/latest.json';
const SUBSCRIPTION = 'subscription { paymentEvents(types: ["payment.captured"]) { createdAt payload } }';
const PAY = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { __typename ... on Payment { id } ... on Error { code } }
}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A merchant with a key and one funded customer wallet to take payments from. */
interface Shop {
  merchantId: string;
  key: string;
  customerId: string;
  walletId: string;
}

/** One subscriber: for each payment whose event it received, the event's createdAt and the receipt time. */
interface Subscriber {
  client: Client;
  received: Map<string, { createdAt: number; at: number }>;
  errors: unknown[];
}

interface Payment {
  id: string;
  /** When this process had the payment's answer: after its commit. */
  answeredAt: number;
  audience: readonly Subscriber[];
}

function createShops(url: string, operatorKey: string, count: number): Promise<Shop[]> {
  return inParallel(count, 20, async (i) => {
    const merchant = await merchantWithKey(url, operatorKey, `Events bench ${i}`);
    return { ...merchant, ...(await fundedWallet(url, merchant.key, `events-bench-${i}`)) };
  });
}

function subscribe(url: string, key: string): Subscriber {
  const client = createWebSocketClient(url, key);
  const subscriber: Subscriber = { client, received: new Map(), errors: [] };
  client.subscribe<{ paymentEvents: { createdAt: string; payload: { paymentId: string } } }>(
    { query: SUBSCRIPTION },
    {
      next: (result) => {
        const event = result.data?.paymentEvents;
        if (event) {
          subscriber.received.set(event.payload.paymentId, {
            createdAt: Date.parse(event.createdAt),
            at: Date.now(),
          });
        }
        if (result.errors) subscriber.errors.push(...result.errors);
      },
      error: (error) => subscriber.errors.push(error),
      complete: () => {},
    },
  );
  return subscriber;
}

async function connect(url: string, keys: readonly string[]): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (const [i, key] of keys.entries()) {
    subscribers.push(subscribe(url, key));
    if (i % 100 === 99) await sleep(50);
  }
  return subscribers;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

const allReceived = (payments: readonly Payment[]) => () =>
  payments.every((p) => p.audience.every((s) => s.received.has(p.id)));

/** Which shop pays for payment n, and which subscribers must receive its event. */
type Route = (n: number) => { shop: Shop; audience: readonly Subscriber[] };

interface PhaseResult {
  /** Receipt minus the event's createdAt (written just before the commit): an upper bound. */
  latencies: number[];
  /** Receipt minus the payment's answer (after the commit), 0 when the event came first: a lower bound. */
  afterAnswer: number[];
  complete: boolean;
  payments: number;
  /** Events handed to subscribers per second, first payment sent to last receipt. */
  deliveriesPerSecond: number;
  failedPayments: number;
}

/** Makes wallet payments through GraphQL over HTTP, as a merchant's backend would. */
class PaymentDriver {
  readonly #url: string;

  constructor(url: string) {
    this.#url = url;
  }

  async pay(route: Route, n: number): Promise<Payment | undefined> {
    const { shop, audience } = route(n);
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${shop.key}`,
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({
        query: PAY,
        variables: {
          input: {
            customerId: shop.customerId,
            method: 'wallet',
            sourceId: shop.walletId,
            amount: { amount: '10', currency: 'KRW' },
          },
        },
      }),
    });
    const body = (await response.json()) as {
      data?: { createPayment?: { __typename: string; id?: string } };
    };
    const paid = body.data?.createPayment;
    const answeredAt = Date.now();
    return paid?.__typename === 'Payment' && paid.id ? { id: paid.id, answeredAt, audience } : undefined;
  }

  /** Live subscriptions start from "now": pay until every subscriber has received one of its events. */
  async warmUp(subscribers: readonly Subscriber[], route: Route): Promise<void> {
    const seen = new Set<Subscriber>();
    for (let round = 0; round < 30 && seen.size < subscribers.length; round++) {
      const waiting = subscribers.map((s, i) => [s, i] as const).filter(([s]) => !seen.has(s));
      const count = route(0).audience.length > 1 ? 1 : waiting.length;
      const sent = (await inParallel(count, 20, (k) => this.pay(route, waiting[k]![1]))).filter(
        (p): p is Payment => p !== undefined,
      );
      await until(allReceived(sent), 3000);
      for (const payment of sent)
        for (const s of payment.audience) if (s.received.has(payment.id)) seen.add(s);
    }
    if (seen.size < subscribers.length)
      throw new Error(`${subscribers.length - seen.size} subscribers never came up`);
  }

  /** `perSecond` payments for `seconds`, each on schedule. */
  async steady(route: Route, perSecond: number): Promise<PhaseResult> {
    const started = Date.now();
    const pending: Promise<Payment | undefined>[] = [];
    for (let n = 0; n < perSecond * seconds; n++) {
      await sleep(Math.max(0, started + (n * 1000) / perSecond - Date.now()));
      pending.push(this.pay(route, n));
    }
    return this.#settle(started, await Promise.all(pending));
  }

  /** As many payments as `connections` clients, each waiting for its answer, make in `seconds`. */
  async flatOut(route: Route): Promise<PhaseResult> {
    const started = Date.now();
    const payments: (Payment | undefined)[] = [];
    let n = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() - started < seconds * 1000) payments.push(await this.pay(route, n++));
      }),
    );
    return this.#settle(started, payments);
  }

  async #settle(started: number, sent: readonly (Payment | undefined)[]): Promise<PhaseResult> {
    const payments = sent.filter((p): p is Payment => p !== undefined);
    const complete = await until(allReceived(payments), 60_000);
    const latencies: number[] = [];
    const afterAnswer: number[] = [];
    let last = started;
    for (const { id, answeredAt, audience } of payments) {
      for (const s of audience) {
        const receipt = s.received.get(id);
        if (!receipt) continue;
        // createdAt has millisecond precision: a receipt within the same millisecond counts as 0.
        latencies.push(Math.max(0, receipt.at - receipt.createdAt));
        afterAnswer.push(Math.max(0, receipt.at - answeredAt));
        last = Math.max(last, receipt.at);
      }
    }
    return {
      latencies: latencies.sort((a, b) => a - b),
      afterAnswer: afterAnswer.sort((a, b) => a - b),
      complete,
      payments: payments.length,
      deliveriesPerSecond: Math.round((latencies.length * 1000) / Math.max(1, last - started)),
      failedPayments: sent.length - payments.length,
    };
  }
}

/**
 * Event-loop delay of the gateway (its /metrics, which report since the previous scrape) and of
 * this process (the subscribers' side), in ms: a receipt is late by at least the delay of
 * either loop, so this tells where a latency tail comes from.
 */
class LoopDelays {
  readonly #metricsUrl: string;
  readonly #own = monitorEventLoopDelay({ resolution: 10 });

  constructor(graphqlUrl: string) {
    this.#metricsUrl = new URL('/metrics', graphqlUrl).href;
    this.#own.enable();
  }

  async #gateway(): Promise<Record<string, number>> {
    const text = await (await fetch(this.#metricsUrl)).text();
    const read = (name: string) =>
      Math.round(
        Number(new RegExp(`^gateway_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1]) *
          10_000,
      ) / 10;
    return { p99: read('p99'), max: read('max') };
  }

  /** Starts a measurement window. */
  async reset(): Promise<void> {
    await this.#gateway();
    this.#own.reset();
  }

  /** Delays since the last reset. */
  async read(): Promise<{
    gateway_p99_ms: number;
    gateway_max_ms: number;
    client_p99_ms: number;
    client_max_ms: number;
  }> {
    const gateway = await this.#gateway();
    const ms = (ns: number) => Math.round(ns / 100_000) / 10;
    return {
      gateway_p99_ms: gateway.p99!,
      gateway_max_ms: gateway.max!,
      client_p99_ms: ms(this.#own.percentile(99)),
      client_max_ms: ms(this.#own.max),
    };
  }
}

function percentile(sorted: readonly number[], q: number): number {
  const value = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return Math.round(value * 10) / 10;
}

const errorsOf = (subscribers: readonly Subscriber[]) =>
  subscribers.reduce((sum, s) => sum + s.errors.length, 0);

async function main(): Promise<number> {
  return withBenchGateway(serverUrl, async ({ url, operatorKey }) => {
    let subscribers: Subscriber[] = [];
    try {
      process.stderr.write(`creating ${subscriberCount} merchants, each with a key and a funded wallet...\n`);
      const shops = await createShops(url, operatorKey, subscriberCount);
      const driver = new PaymentDriver(url);

      process.stderr.write(`partners: ${subscriberCount} subscribers, one merchant each...\n`);
      subscribers = await connect(
        url,
        shops.map((s) => s.key),
      );
      const own: Route = (n) => ({
        shop: shops[n % shops.length]!,
        audience: [subscribers[n % shops.length]!],
      });
      await driver.warmUp(subscribers, own);
      const delays = new LoopDelays(url);
      const byRate = [];
      for (const rate of paymentRates) {
        process.stderr.write(`  ${rate} payments/s for ${seconds}s...\n`);
        await delays.reset();
        const phase = await driver.steady(own, rate);
        byRate.push({ rate, phase, delays: await delays.read() });
      }
      const { phase: partners, delays: partnerDelays } = byRate[0]!;
      const paymentRate = paymentRates[0]!;
      process.stderr.write(`  payments as fast as ${connections} clients go, for ${seconds}s...\n`);
      const saturated = await driver.flatOut(own);
      const partnerErrors = errorsOf(subscribers);
      await Promise.all(subscribers.map((s) => s.client.dispose()));

      process.stderr.write(`broadcast: ${subscriberCount} subscribers receive every event...\n`);
      subscribers = await connect(url, Array(subscriberCount).fill(operatorKey));
      const everyone: Route = (n) => ({ shop: shops[n % shops.length]!, audience: subscribers });
      await driver.warmUp(subscribers, everyone);
      process.stderr.write(`  ${broadcastRate} payments/s for ${seconds}s...\n`);
      const broadcast = await driver.steady(everyone, broadcastRate);
      const broadcastErrors = errorsOf(subscribers);

      const result = {
        events_command: 'npm run bench:events',
        event_subscribers: subscriberCount,
        event_payment_rate_per_s: paymentRate,
        event_delivery_p50_ms: percentile(partners.latencies, 0.5),
        event_delivery_p99_ms: percentile(partners.latencies, 0.99),
        event_delivery_after_answer_p50_ms: percentile(partners.afterAnswer, 0.5),
        event_delivery_after_answer_p99_ms: percentile(partners.afterAnswer, 0.99),
        events_per_s: partners.deliveriesPerSecond,
        event_loop_delay: partnerDelays,
        event_delivery_by_rate: byRate.map(({ rate, phase, delays }) => ({
          payments_per_s: rate,
          p50_ms: percentile(phase.latencies, 0.5),
          p99_ms: percentile(phase.latencies, 0.99),
          after_answer_p99_ms: percentile(phase.afterAnswer, 0.99),
          loop_delay: delays,
        })),
        event_saturated_payments_per_s: Math.round(saturated.payments / seconds),
        event_saturated_p50_ms: percentile(saturated.latencies, 0.5),
        event_saturated_p99_ms: percentile(saturated.latencies, 0.99),
        event_saturated_events_per_s: saturated.deliveriesPerSecond,
        event_broadcast_rate_per_s: broadcastRate,
        event_broadcast_p50_ms: percentile(broadcast.latencies, 0.5),
        event_broadcast_p99_ms: percentile(broadcast.latencies, 0.99),
        event_broadcast_events_per_s: broadcast.deliveriesPerSecond,
        event_failed_payments: [...byRate.map((r) => r.phase), saturated, broadcast].reduce(
          (sum, phase) => sum + phase.failedPayments,
          0,
        ),
        event_subscriber_errors: partnerErrors + broadcastErrors,
        event_all_delivered: [...byRate.map((r) => r.phase), saturated, broadcast].every(
          (phase) => phase.complete,
        ),
      };
      mkdirSync('bench/results', { recursive: true });
      const previous = existsSync(RESULTS)
        ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>)
        : {};
      writeFileSync(RESULTS, `${JSON.stringify({ ...previous, ...result }, null, 2)}\n`);
      const rows: [string, string][] = [
        ['subscribers (graphql-ws connections)', String(subscriberCount)],
        [
          `partners: p50 / p99 commit -> receipt at ${paymentRate} payments/s (ms)`,
          `${result.event_delivery_p50_ms} / ${result.event_delivery_p99_ms}`,
        ],
        [
          '  the same from the payment answer, a lower bound (ms)',
          `${result.event_delivery_after_answer_p50_ms} / ${result.event_delivery_after_answer_p99_ms}`,
        ],
        ['partners: events/s delivered', String(result.events_per_s)],
        ...byRate.flatMap(({ rate, phase, delays }): [string, string][] => [
          [
            `partners at ${rate} payments/s: p50 / p99, p99 from the answer (ms)`,
            `${percentile(phase.latencies, 0.5)} / ${percentile(phase.latencies, 0.99)}, ${percentile(phase.afterAnswer, 0.99)}`,
          ],
          [
            '  event-loop delay p99 / max, gateway and subscribers (ms)',
            `${delays.gateway_p99_ms} / ${delays.gateway_max_ms}, ${delays.client_p99_ms} / ${delays.client_max_ms}`,
          ],
        ]),
        [
          `saturated (${connections} paying clients): payments/s, p50 / p99 (ms)`,
          `${result.event_saturated_payments_per_s}, ${result.event_saturated_p50_ms} / ${result.event_saturated_p99_ms}`,
        ],
        [
          `broadcast: p50 / p99 at ${broadcastRate} payments/s x ${subscriberCount} (ms)`,
          `${result.event_broadcast_p50_ms} / ${result.event_broadcast_p99_ms}`,
        ],
        [
          'every event received / failed payments / subscriber errors',
          `${result.event_all_delivered} / ${result.event_failed_payments} / ${result.event_subscriber_errors}`,
        ],
      ];
      const width = Math.max(...rows.map(([k]) => k.length));
      process.stdout.write(
        `\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\nmerged into ${RESULTS}\n`,
      );
      const clean = result.event_failed_payments === 0 && result.event_subscriber_errors === 0;
      return result.event_all_delivered && clean ? 0 : 1;
    } finally {
      await Promise.all(subscribers.map((s) => s.client.dispose()));
    }
  });
}

runBench(main);
