import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, inject, it } from 'vitest';
import {
  answerChecks,
  type DisruptedResult,
  randomSeconds,
  runDisruptedLoad,
} from './support/disrupted-load.ts';
import { INVARIANTS } from './support/reconcile.ts';
import { holds, printFigures } from './support/report.ts';
import { clusterHandle } from './support/throwaway-cluster.ts';

/**
 * PostgreSQL restart under load: the suite's own cluster is stopped with `-m immediate` (every
 * backend killed, as in a crash), held down OUTAGE seconds, and started again, while clients pay.
 * The gateway process is never restarted.
 */
const OUTAGE_SECONDS = Number(process.env.RELIABILITY_OUTAGE_SECONDS ?? 8);
const CLIENTS = Number(process.env.RELIABILITY_CLIENTS ?? 16);

const CHECKS = {
  typed:
    'while the database is down, every answer is a typed error (HTTP 503 with a code): no 500, no stack, no hang',
  ready: '/ready says 503 while the database is down, and 200 again after',
  recovered: 'the gateway recovers by itself, without a restart',
  subscription: 'the event subscription stays open through the outage',
} as const;

const ALLOWED_WHILE_DOWN = new Set(['payment', 'refused', 'in_flight', 'unavailable', 'rate_limited']);

describe('PostgreSQL restart under load (pg_ctlcluster stop -m immediate, then start)', () => {
  let result: DisruptedResult | undefined;

  beforeAll(async () => {
    const { name, port } = inject('cluster');
    result = await runDisruptedLoad({
      cluster: clusterHandle(name, port),
      database: 'gw_postgres_restart',
      clients: CLIENTS,
      wallets: 40,
      retrySeconds: 45,
      settleSeconds: 30,
      disrupt: async ({ gateway, load, cluster, subscriber, readyTimes, figures, checks }) => {
        await sleep(randomSeconds(4, 6));
        const pid = gateway.pid;
        const endsBefore = subscriber.ends.length;
        load.phase = 'outage';
        const downAt = Date.now();
        cluster.stopImmediately();
        const readyWhileDown = new Set<number>();
        const watching = (async () => {
          while (load.phase === 'outage') {
            readyWhileDown.add(await gateway.readyStatus());
            await sleep(250);
          }
        })();
        await sleep(OUTAGE_SECONDS * 1000);
        await cluster.start();
        const backAt = Date.now();
        load.phase = 'recovering';
        await watching;
        let readyAgainAt: number | undefined;
        let paidAgainAt: number | undefined;
        while (Date.now() - backAt < 60_000 && !(readyAgainAt && paidAgainAt)) {
          if (!readyAgainAt && (await gateway.readyStatus()) === 200) readyAgainAt = Date.now();
          paidAgainAt ??= load.keys.find((k) => k.ack?.paymentId && k.ack.at > backAt)?.ack?.at;
          await sleep(200);
        }
        readyTimes.push(backAt);
        load.phase = 'steady';
        await sleep(randomSeconds(4, 6));
        figures.outageSeconds = (backAt - downAt) / 1000;
        figures.recoverySeconds = paidAgainAt ? (paidAgainAt - backAt) / 1000 : -1;
        figures.readyAgainSeconds = readyAgainAt ? (readyAgainAt - backAt) / 1000 : -1;

        const typed = answerChecks(new Map([...load.tallies].filter(([p]) => p !== 'steady')), CHECKS.typed);
        for (const phase of ['outage', 'recovering']) {
          const tally = load.tallies.get(phase);
          for (const [verdict, n] of Object.entries(tally?.byVerdict ?? {})) {
            if (
              !ALLOWED_WHILE_DOWN.has(verdict) &&
              !['server_error', 'internal_error', 'hang'].includes(verdict)
            ) {
              typed.failures.push(
                `${phase}: ${n} answers were ${verdict} (${JSON.stringify(tally?.byCode)})`,
              );
            }
          }
        }
        if (!load.tallies.get('outage')?.byVerdict.unavailable) {
          typed.failures.push(
            `no typed 503 while the database was down: ${JSON.stringify(load.tallies.get('outage'))}`,
          );
        }
        checks.push(typed);
        checks.push({
          name: CHECKS.ready,
          failures: [
            ...(readyWhileDown.has(503)
              ? []
              : [`/ready answered ${[...readyWhileDown].join(', ')} while down`]),
            ...(readyAgainAt ? [] : ['/ready did not answer 200 within 60s of the database coming back']),
          ],
        });
        checks.push({
          name: CHECKS.recovered,
          failures: [
            ...(gateway.pid === pid && gateway.alive && gateway.unexpectedExits === 0
              ? []
              : [`the gateway process ${pid} exited (now ${gateway.pid}, alive ${gateway.alive})`]),
            ...(paidAgainAt ? [] : ['no payment succeeded within 60s of the database coming back']),
          ],
        });
        checks.push({
          name: CHECKS.subscription,
          failures: subscriber.ends.slice(endsBefore).map((e) => `the subscription ended: ${e.reason}`),
        });
      },
    });
    printFigures('postgres-restart', {
      ...result.figures,
      ...result.run.figures,
      answers: JSON.stringify(Object.fromEntries([...result.tallies].map(([p, t]) => [p, t.byVerdict]))),
      codes: JSON.stringify(Object.fromEntries([...result.tallies].map(([p, t]) => [p, t.byCode]))),
      failedChecks: result.checks.filter((c) => c.failures.length > 0).length,
    });
  }, 10 * 60_000);

  for (const name of [...Object.values(CHECKS), ...Object.values(INVARIANTS)]) {
    it(name, () => holds(result?.checks, name));
  }
});
