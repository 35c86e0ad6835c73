import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type PluginCommand, query } from '../../core/plugin-api.ts';
import { FraudReplay, ReplayInputError } from './fraud-replay.ts';
import type { FraudRuleService } from './fraud-rule.service.ts';
import type { RiskModel } from './risk-model.ts';

/** Decisions per write to the output file. */
const WRITE_EVERY = 1000;

/**
 * `gateway fraud replay --in attempts.jsonl --out decisions.jsonl`: the gateway's decisions on a
 * file of past attempts, with the rules stored in this database (the built-in ones at least) and
 * the shipped model,
 * streamed line by line so that a file of any length needs only the feature store's week.
 */
export function replayCommand(
  rules: FraudRuleService,
  model: RiskModel,
  cashCategories: readonly string[],
  seedBuiltIns: () => Promise<void>,
): PluginCommand {
  return {
    summary: 'decide a JSONL file of past attempts offline, as the gateway would (--in, --out)',
    async run({ em, out, flags }) {
      if (!flags.in || !flags.out) {
        out('usage: gateway fraud replay --in attempts.jsonl --out decisions.jsonl');
        return 2;
      }
      await seedBuiltIns();
      const [versions] = await query<{ n: number }>(em, 'select count(*)::int as n from fraud_rule_version');
      const replay = new FraudReplay(
        await rules.compiled(em, Number(versions?.n ?? 0)),
        model,
        cashCategories,
      );
      const output = createWriteStream(flags.out);
      // Decisions go out a batch at a time: a write per line was a stream call (and a drain check) per attempt.
      let batch = '';
      const flush = async () => {
        const full = !output.write(batch);
        batch = '';
        if (full) await once(output, 'drain');
      };
      const started = performance.now();
      let decided = 0;
      try {
        const lines = createInterface({ input: createReadStream(flags.in), crlfDelay: Infinity });
        for await (const line of lines) {
          if (line.trim() === '') continue;
          batch += `${JSON.stringify(await replay.decideLine(line))}\n`;
          if (++decided % WRITE_EVERY === 0) await flush();
        }
      } catch (error) {
        if (!(error instanceof ReplayInputError)) throw error;
        out(`replay stopped: ${error.message}`);
        return 1;
      } finally {
        // What was decided before a bad line is written too.
        await flush();
        output.end();
        await once(output, 'close');
      }
      const seconds = (performance.now() - started) / 1000;
      out(`${decided} attempts decided in ${seconds.toFixed(1)} s, written to ${flags.out}`);
      return 0;
    },
  };
}
