import type { PluginCommand } from '../../../core/plugin-api.ts';
import { verifyLedger } from './verify-ledger.ts';

/**
 * `gateway ledger verify`: checks every ledger invariant over the whole database and prints
 * what it found. Exit code 0 when the ledger is sound, 1 when any check fails.
 */
export const verifyLedgerCommand: PluginCommand = {
  summary: 'check the ledger’s invariants over the whole database',
  async run({ em, out }) {
    const report = await verifyLedger(em);
    const { accounts, entries, lines, holds } = report.counts;
    out(`checked ${accounts} accounts, ${entries} journal entries, ${lines} lines, ${holds} holds`);
    if (report.ok) {
      out('ok: every entry balances per currency, balances equal their lines, no forbidden negative balance');
      return 0;
    }
    for (const problem of report.problems) out(`FAIL ${problem.check}: ${problem.detail}`);
    return 1;
  },
};
