import type { GatewayBuilder } from '../../../core/plugin-api.ts';
import { type LedgerReport, verifyLedger } from './verify-ledger.ts';

export function registerLedgerSchema(builder: GatewayBuilder): void {
  const LedgerProblem = builder.objectRef<{ check: string; detail: string }>('LedgerProblem').implement({
    authScopes: { operator: true },
    fields: (t) => ({ check: t.exposeString('check'), detail: t.exposeString('detail') }),
  });
  const LedgerReportRef = builder.objectRef<LedgerReport>('LedgerReport').implement({
    description: 'The ledger invariants, checked over the whole database.',
    authScopes: { operator: true },
    fields: (t) => ({
      ok: t.exposeBoolean('ok'),
      problems: t.field({ type: [LedgerProblem], resolve: (r) => r.problems }),
      accounts: t.int({ resolve: (r) => r.counts.accounts }),
      entries: t.int({ resolve: (r) => r.counts.entries }),
      lines: t.int({ resolve: (r) => r.counts.lines }),
      holds: t.int({ resolve: (r) => r.counts.holds }),
    }),
  });
  builder.queryField('verifyLedger', (t) =>
    t.field({
      type: LedgerReportRef,
      authScopes: { operator: true },
      resolve: (_root, _args, ctx) => verifyLedger(ctx.em),
    }),
  );
}
