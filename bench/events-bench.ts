import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Client } from 'graphql-ws';
import { SecretBox } from '../core/crypto/secret-box.ts';
import { eventsPlugin } from '../core/events/events.plugin.ts';
import { createGateway, type Gateway } from '../core/gateway.ts';
import { createWebSocketClient } from '../core/testing/graphql-clients.ts';
import { createIsolatedDatabase } from '../core/testing/isolated-database.ts';
import { graphql, inParallel } from './setup-helpers.ts';

/**
 * `node bench/events-bench.ts`: event delivery from commit to receipt with 1,000 graphql-ws
 * subscribers, each its own WebSocket connection. The gateway runs in its own process
 * (bench/gateway-server.ts: every plugin of yoga.config.ts) on a fresh PostgreSQL database.
 * This process holds the subscribers and a producer: a second gateway instance on the same
 * database that publishes each event in its own transaction and notes when the commit returned,
 * so events reach the server through NOTIFY exactly as from another gateway process.
 *
 * Scenario "partners" (the reported keys): each subscriber follows its own merchant, events are
 * spread over the merchants at BENCH_EVENTS_RATE per second: p50/p99 of receipt - commit; then a
 * burst as fast as 8 producer connections commit: events/s until every event was received.
 * Scenario "broadcast": every subscriber (operator key) receives every event, at
 * BENCH_BROADCAST_RATE per second: what fan-out volume costs.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_SUBSCRIBERS
 * (1000), BENCH_EVENTS_RATE (100), BENCH_BROADCAST_RATE (5), BENCH_SECONDS (10), BENCH_BURST (1000).
 * Merges event_* keys into bench/results/latest.json (the payments benchmark writes the others).
 */
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const subscriberCount = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const rate = Number(process.env.BENCH_EVENTS_RATE ?? 100);
const broadcastRate = Number(process.env.BENCH_BROADCAST_RATE ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const burst = Number(process.env.BENCH_BURST ?? 1000);
const RESULTS = 'bench/results/latest.json';
const SUBSCRIPTION = 'subscription { events(types: ["bench.*"]) { id type } }';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One subscriber: when it received each event, by id. */
interface Subscriber {
  client: Client;
  received: Map<string, number>;
  errors: unknown[];
}

function subscribe(url: string, key: string): Subscriber {
  const client = createWebSocketClient(url, key);
  const subscriber: Subscriber = { client, received: new Map(), errors: [] };
  client.subscribe<{ events: { id: string } }>(
    { query: SUBSCRIPTION },
    {
      next: (result) => {
        if (result.data) subscriber.received.set(result.data.events.id, now());
        if (result.errors) subscriber.errors.push(...result.errors);
      },
      error: (error) => subscriber.errors.push(error),
      complete: () => {},
    },
  );
  return subscriber;
}

interface Published {
  id: string;
  committedAt: number;
  audience: readonly Subscriber[];
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

const allReceived = (events: readonly Published[]) => () =>
  events.every((e) => e.audience.every((s) => s.received.has(e.id)));

/** Where event n goes: its merchant, and the subscribers that must receive it. */
type Route = (n: number) => { merchantId: string; audience: readonly Subscriber[] };

class Producer {
  readonly #gateway: Gateway;

  constructor(gateway: Gateway) {
    this.#gateway = gateway;
  }

  async publish(route: Route, n: number, type: string): Promise<Published> {
    const { merchantId, audience } = route(n);
    const { id } = await this.#gateway.database.em
      .fork()
      .transactional((tx) => this.#gateway.services.events.publish(tx, { type, merchantId, payload: { n } }));
    return { id, committedAt: now(), audience };
  }

  /** Live subscriptions start from "now": publish until every subscriber has seen one of its events. */
  async warmUp(subscribers: readonly Subscriber[], route: Route): Promise<void> {
    const seen = new Set<Subscriber>();
    for (let round = 0; round < 30 && seen.size < subscribers.length; round++) {
      const waiting = subscribers.map((s, i) => [s, i] as const).filter(([s]) => !seen.has(s));
      const sent = await inParallel(
        Math.min(waiting.length, route(0).audience.length > 1 ? 1 : waiting.length),
        8,
        (k) => this.publish(route, waiting[k]![1], 'bench.warmup'),
      );
      await until(allReceived(sent), 3000);
      for (const event of sent) for (const s of event.audience) if (s.received.has(event.id)) seen.add(s);
    }
    if (seen.size < subscribers.length)
      throw new Error(`${subscribers.length - seen.size} subscribers never came up`);
  }

  /** `perSecond` events for `seconds`, each on schedule; resolves when all are received (or 60 s passed). */
  async steady(
    route: Route,
    perSecond: number,
  ): Promise<{ latencies: number[]; complete: boolean; events: number }> {
    const events: Published[] = [];
    const pending: Promise<void>[] = [];
    const start = now();
    for (let n = 0; n < perSecond * seconds; n++) {
      await sleep(Math.max(0, start + (n * 1000) / perSecond - now()));
      pending.push(this.publish(route, n, 'bench.steady').then((event) => void events.push(event)));
    }
    await Promise.all(pending);
    const complete = await until(allReceived(events), 60_000);
    const latencies: number[] = [];
    for (const { id, committedAt, audience } of events) {
      for (const s of audience) {
        const at = s.received.get(id);
        // NOTIFY can beat the producer's own continuation after COMMIT by a hair: count that as 0.
        if (at !== undefined) latencies.push(Math.max(0, at - committedAt));
      }
    }
    return { latencies: latencies.sort((a, b) => a - b), complete, events: events.length };
  }

  /** `count` events committed as fast as 8 connections can: events/s until every one was received. */
  async burst(route: Route, count: number): Promise<{ eventsPerSecond: number; complete: boolean }> {
    const start = now();
    const events: Published[] = [];
    let issued = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (issued < count) events.push(await this.publish(route, issued++, 'bench.burst'));
      }),
    );
    const complete = await until(allReceived(events), 120_000);
    let last = start;
    for (const { id, audience } of events)
      for (const s of audience) last = Math.max(last, s.received.get(id) ?? last);
    return { eventsPerSecond: Math.round((count * 1000) / (last - start)), complete };
  }
}

function percentile(sorted: readonly number[], q: number): number {
  const value = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return Math.round(value * 10) / 10;
}

async function connect(url: string, keys: readonly string[]): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (const [i, key] of keys.entries()) {
    subscribers.push(subscribe(url, key));
    if (i % 100 === 99) await sleep(50);
  }
  return subscribers;
}

const errorsOf = (subscribers: readonly Subscriber[]) =>
  subscribers.reduce((sum, s) => sum + s.errors.length, 0);

async function main(): Promise<number> {
  const database = await createIsolatedDatabase(serverUrl);
  const child = spawn(process.execPath, ['bench/gateway-server.ts'], {
    env: { ...process.env, BENCH_DATABASE_URL: database.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let producerGateway: Gateway | undefined;
  let subscribers: Subscriber[] = [];
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before it was ready`)));
    });
    const { url, operatorKey } = JSON.parse(line) as { url: string; operatorKey: string };
    process.stderr.write(`creating ${subscriberCount} merchants with keys...\n`);
    const merchants = await inParallel(subscriberCount, 20, async (i) => {
      const { createMerchant } = await graphql<{ createMerchant: { id: string } }>(
        url,
        operatorKey,
        'mutation($n: String!) { createMerchant(name: $n) { ... on Merchant { id } } }',
        { n: `Events bench ${i}` },
      );
      const { createApiKey } = await graphql<{ createApiKey: { secret: string } }>(
        url,
        operatorKey,
        `mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "bench", merchantId: $m }) { ... on CreatedApiKey { secret } } }`,
        { m: createMerchant.id },
      );
      return { merchantId: createMerchant.id, key: createApiKey.secret };
    });
    producerGateway = await createGateway({
      database: { url: database.url, poolSize: 8 },
      secrets: { masterKey: SecretBox.generateMasterKey() },
      log: { level: 'warn' },
      plugins: [eventsPlugin],
    });
    const producer = new Producer(producerGateway);

    process.stderr.write(`partners: ${subscriberCount} subscribers, one merchant each...\n`);
    subscribers = await connect(
      url,
      merchants.map((m) => m.key),
    );
    const own: Route = (n) => ({
      merchantId: merchants[n % merchants.length]!.merchantId,
      audience: [subscribers[n % merchants.length]!],
    });
    await producer.warmUp(subscribers, own);
    process.stderr.write(`  ${rate} events/s for ${seconds}s...\n`);
    const partners = await producer.steady(own, rate);
    process.stderr.write(`  a burst of ${burst} events...\n`);
    const partnersBurst = await producer.burst(own, burst);
    const partnerErrors = errorsOf(subscribers);
    await Promise.all(subscribers.map((s) => s.client.dispose()));

    process.stderr.write(`broadcast: ${subscriberCount} subscribers receive every event...\n`);
    subscribers = await connect(url, Array(subscriberCount).fill(operatorKey));
    const everyone: Route = () => ({ merchantId: merchants[0]!.merchantId, audience: subscribers });
    await producer.warmUp(subscribers, everyone);
    process.stderr.write(`  ${broadcastRate} events/s for ${seconds}s...\n`);
    const broadcast = await producer.steady(everyone, broadcastRate);
    const broadcastErrors = errorsOf(subscribers);

    const result = {
      event_subscribers: subscriberCount,
      event_rate_per_s: rate,
      event_delivery_p50_ms: percentile(partners.latencies, 0.5),
      event_delivery_p99_ms: percentile(partners.latencies, 0.99),
      events_per_s: partnersBurst.eventsPerSecond,
      event_broadcast_rate_per_s: broadcastRate,
      event_broadcast_p50_ms: percentile(broadcast.latencies, 0.5),
      event_broadcast_p99_ms: percentile(broadcast.latencies, 0.99),
      event_broadcast_deliveries_per_s: broadcastRate * subscriberCount,
      event_subscriber_errors: partnerErrors + broadcastErrors,
      event_all_delivered: partners.complete && partnersBurst.complete && broadcast.complete,
      events_command: 'node bench/events-bench.ts',
    };
    mkdirSync('bench/results', { recursive: true });
    const previous = existsSync(RESULTS)
      ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>)
      : {};
    writeFileSync(RESULTS, `${JSON.stringify({ ...previous, ...result }, null, 2)}\n`);
    const rows: [string, string][] = [
      ['subscribers (graphql-ws connections)', String(subscriberCount)],
      [
        `partners: p50 / p99 commit -> receipt at ${rate} events/s (ms)`,
        `${result.event_delivery_p50_ms} / ${result.event_delivery_p99_ms}`,
      ],
      ['partners: events/s, burst until all received', String(result.events_per_s)],
      [
        `broadcast: p50 / p99 at ${broadcastRate} events/s x ${subscriberCount} (ms)`,
        `${result.event_broadcast_p50_ms} / ${result.event_broadcast_p99_ms}`,
      ],
      [
        'every event received / subscriber errors',
        `${result.event_all_delivered} / ${result.event_subscriber_errors}`,
      ],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(
      `\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\nmerged into ${RESULTS}\n`,
    );
    return result.event_all_delivered && result.event_subscriber_errors === 0 ? 0 : 1;
  } finally {
    await Promise.all(subscribers.map((s) => s.client.dispose()));
    await producerGateway?.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await database.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
