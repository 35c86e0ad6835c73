import { verifyLedger } from '../../plugins/payments/ledger/verify-ledger.ts';
import type { Gateway } from '../gateway.ts';

/**
 * `gateway ledger verify`: checks every ledger invariant over the whole database and prints
 * what it found. Exit code 0 when the ledger is sound, 1 when any check fails.
 */
export async function verifyLedgerCommand(
  gateway: Pick<Gateway, 'database'>,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const report = await verifyLedger(gateway.database.em.fork());
  const { accounts, entries, lines, holds } = report.counts;
  out(`checked ${accounts} accounts, ${entries} journal entries, ${lines} lines, ${holds} holds`);
  if (report.ok) {
    out('ok: every entry balances per currency, balances equal their lines, no forbidden negative balance');
    return 0;
  }
  for (const problem of report.problems) out(`FAIL ${problem.check}: ${problem.detail}`);
  return 1;
}
