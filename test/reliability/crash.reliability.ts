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
 * Crash under load: clients pay from many wallets and cards with unique Idempotency-Keys while
 * the gateway process is SIGKILLed and restarted KILLS times; then reconciliation.
 */
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 5);
const CLIENTS = Number(process.env.RELIABILITY_CLIENTS ?? 16);
const NO_BAD_ANSWER = 'no answer was a 5xx, an internal error or a hang, nor carried a stack or a path';

describe('crash under load (SIGKILL of the gateway process)', () => {
  let result: DisruptedResult | undefined;

  beforeAll(async () => {
    const { name, port } = inject('cluster');
    result = await runDisruptedLoad({
      cluster: clusterHandle(name, port),
      database: 'gw_crash',
      clients: CLIENTS,
      wallets: 40,
      retrySeconds: 45,
      settleSeconds: 30,
      disrupt: async ({ gateway, load, readyTimes, figures, subscriber }) => {
        const recoveries: number[] = [];
        let inFlightAtKill = 0;
        for (let kill = 1; kill <= KILLS; kill++) {
          await sleep(randomSeconds(3, 6));
          inFlightAtKill += load.keys.filter((k) => !k.ack).length;
          load.phase = 'restarting';
          const killedAt = Date.now();
          await gateway.kill();
          gateway.start();
          await gateway.waitReady(90);
          readyTimes.push(Date.now());
          recoveries.push((Date.now() - killedAt) / 1000);
          load.phase = 'steady';
        }
        await sleep(randomSeconds(2, 4));
        figures.kills = KILLS;
        figures.keysUnacknowledgedAtKills = inFlightAtKill;
        figures.restartSecondsMax = Math.max(...recoveries);
        figures.subscriptionEnds = subscriber.ends.length;
      },
    });
    const answers = answerChecks(result.tallies, NO_BAD_ANSWER);
    result.checks.push(answers);
    printFigures('crash', {
      ...result.figures,
      ...result.run.figures,
      answers: JSON.stringify(Object.fromEntries([...result.tallies].map(([p, t]) => [p, t.byVerdict]))),
      failedChecks: result.checks.filter((c) => c.failures.length > 0).length,
    });
  }, 10 * 60_000);

  for (const name of [...Object.values(INVARIANTS), NO_BAD_ANSWER]) {
    it(name, () => holds(result?.checks, name));
  }
});
