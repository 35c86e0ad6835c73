import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { EventSubscriber, WebhookReceiver } from './event-watchers.ts';
import { createOperatorKey, GatewayProcess, gatewayEnv, runCli } from './gateway-process.ts';
import { PaymentLoad, type Tally } from './payment-load.ts';
import { type Check, type Reconciliation, reconcile, unsettled } from './reconcile.ts';
import { openShop, registerWebhook } from './shop.ts';
import type { ThrowawayCluster } from './throwaway-cluster.ts';

export interface DisruptedLoadOptions {
  cluster: ThrowawayCluster;
  database: string;
  clients: number;
  wallets: number;
  /** How long the janitor and dispatchers get to settle everything after the load. */
  settleSeconds: number;
  /** How long clients keep retrying unacknowledged keys after the load. */
  retrySeconds: number;
  disrupt: (run: DisruptedRun) => Promise<void>;
}

/** What a disruption sees and records. */
export interface DisruptedRun {
  gateway: GatewayProcess;
  load: PaymentLoad;
  cluster: ThrowawayCluster;
  subscriber: EventSubscriber;
  readyTimes: number[];
  figures: Record<string, number>;
  /** Checks of the disruption itself, reported with the reconciliation's. */
  checks: Check[];
}

export interface DisruptedResult extends Reconciliation {
  run: DisruptedRun;
  tallies: Map<string, Tally>;
}

/**
 * A gateway process on its own database, funded wallets, a webhook receiver and an event
 * subscriber; clients paying while `disrupt` breaks something; then the clients retry, the
 * janitor gets its period, and everything is reconciled.
 */
export async function runDisruptedLoad(options: DisruptedLoadOptions): Promise<DisruptedResult> {
  const { cluster } = options;
  const databaseUrl = await cluster.createDatabase(options.database);
  const env = await gatewayEnv(databaseUrl);
  const operatorKey = await createOperatorKey(env);
  const gateway = new GatewayProcess(env);
  const webhooks = new WebhookReceiver();
  const db = new pg.Client({ connectionString: databaseUrl });
  let subscriber: EventSubscriber | undefined;
  const started = Date.now();
  try {
    gateway.start();
    await gateway.waitReady();
    const readyTimes = [Date.now()];
    await webhooks.start();
    const shop = await openShop(gateway.url, operatorKey, options.wallets, (key) =>
      registerWebhook(gateway.url, key, webhooks.url),
    );
    subscriber = new EventSubscriber(gateway.url, shop.merchantKey);
    subscriber.start();
    const load = new PaymentLoad(gateway.url, shop);
    const run: DisruptedRun = { gateway, load, cluster, subscriber, readyTimes, figures: {}, checks: [] };
    run.figures.setupSeconds = (Date.now() - started) / 1000;
    const loadStarted = Date.now();
    load.start(options.clients);
    await options.disrupt(run);
    run.figures.loadSeconds = (Date.now() - loadStarted) / 1000;
    const retryStarted = Date.now();
    load.phase = 'retrying';
    await load.finish(options.retrySeconds * 1000);
    run.figures.retrySeconds = (Date.now() - retryStarted) / 1000;
    await db.connect();
    const settleStarted = Date.now();
    let left = await unsettled(db, shop.merchantId);
    while (Date.now() - settleStarted < options.settleSeconds * 1000) {
      const events = await db.query<{ n: string }>(
        `select count(*) as n from gateway_event where merchant_id = $1 and type like 'payment.%'`,
        [shop.merchantId],
      );
      const quiet = Object.values(left).every((n) => n === 0);
      if (quiet && subscriber.events.size >= Number(events.rows[0]!.n)) break;
      await sleep(500);
      left = await unsettled(db, shop.merchantId);
    }
    run.figures.settleSeconds = Math.round((Date.now() - settleStarted) / 100) / 10;
    const verify = await runCli(env, ['ledger', 'verify']);
    const reconciliation = await reconcile({
      db,
      shop,
      keys: load.keys,
      ledgerVerify: { code: verify.code, output: verify.stdout + verify.stderr },
      subscriber,
      webhooks,
      readyTimes,
    });
    reconciliation.checks.push(...run.checks);
    return { ...reconciliation, run, tallies: load.tallies };
  } finally {
    await subscriber?.stop().catch(() => {});
    await gateway.stop();
    await webhooks.stop();
    await db.end().catch(() => {});
  }
}

/** No answer was a 5xx (but a typed 503), an internal error, a hang, or carried a stack or a path. */
export function answerChecks(tallies: Map<string, Tally>, name: string): Check {
  const failures: string[] = [];
  for (const [phase, tally] of tallies) {
    for (const verdict of ['server_error', 'internal_error', 'hang'] as const) {
      const n = tally.byVerdict[verdict] ?? 0;
      if (n > 0) failures.push(`${phase}: ${n} answers were ${verdict}`);
    }
    failures.push(...tally.bad.map((b) => `${phase}: ${b}`));
    failures.push(...tally.leaks.map((leak) => `${phase}: an answer carried ${leak}`));
  }
  return { name, failures };
}

export const randomSeconds = (min: number, max: number) =>
  (min + randomInt((max - min) * 10 + 1) / 10) * 1000;
