import { afterAll, beforeAll, expect, test } from 'vitest';
import { query } from '../../../../core/db/sql.ts';
import { money } from '../../../../core/money/money.ts';
import { createTestGateway, type TestGateway } from '../../../../core/testing/create-test-gateway.ts';
import { paymentsPlugin } from '../../../../plugins/payments/index.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [paymentsPlugin.with({ janitor: { intervalSeconds: 0 } })] });
});
afterAll(() => t?.close());

test('`gateway ledger verify` (a command the payments plugin adds) exits 0 on a sound ledger and 1, naming the check, on a broken one', async () => {
  const { ledger } = t.gateway.services.payments;
  const em = () => t.gateway.database.em.fork();
  const spec = { kind: 'test', currency: 'EUR', normal: 'credit', allowNegative: true } as const;
  const a = await ledger.openAccount(em(), { ...spec, key: 'cli/a' });
  const b = await ledger.openAccount(em(), { ...spec, key: 'cli/b' });
  await ledger.transfer(em(), {
    debitAccountId: a,
    creditAccountId: b,
    amount: money(1999n, 'EUR'),
    kind: 'test',
  });

  const lines: string[] = [];
  const verify = t.gateway.commands.get('ledger verify')!;
  const run = () => verify.run({ em: em(), out: (line) => lines.push(line), flags: {} });
  expect(await run()).toBe(0);
  expect(lines.join('\n')).toMatch(/checked 2 accounts, 1 journal entries, 2 lines, 0 holds\nok/);

  await query(em(), 'update ledger_balance set credits_posted = credits_posted + 1 where account_id = ?', [
    b,
  ]);
  lines.length = 0;
  expect(await run()).toBe(1);
  expect(lines.join('\n')).toContain('FAIL posted balances equal line sums');
});
