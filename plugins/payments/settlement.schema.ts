import { resolveOffsetConnection } from '@pothos/plugin-relay';
import {
  type GatewayBuilder,
  isUuid,
  money,
  moneyRefs,
  NotFoundError,
  ValidationError,
} from '../../core/plugin-api.ts';
import { PAYOUT_STATUSES, Payout } from './payout.entity.ts';
import type { SettlementService } from './settlement.service.ts';

export function registerSettlementSchema(builder: GatewayBuilder, settlement: SettlementService): void {
  const { Money } = moneyRefs(builder);
  const PayoutStatus = builder.enumType('PayoutStatus', { values: PAYOUT_STATUSES });

  builder.objectType(Payout, {
    name: 'Payout',
    description:
      'One transfer to a merchant for everything it earned (net of refunds and fees) before `periodEnd`.',
    authScopes: { $any: { operator: true, merchant: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      merchantId: t.id({ resolve: (p) => p.merchant.id }),
      amount: t.field({
        type: Money,
        description: 'What the merchant is paid: net of refunds and of `fees`.',
        resolve: (p) => money(p.amount, p.currency),
      }),
      fees: t.field({
        type: Money,
        description:
          'The gateway’s fees the period’s lines took, in whole minor units (net of fees refunds gave back); a fee below one minor unit is in the payout that its accrual completes.',
        resolve: (p) => money(p.fees, p.currency),
      }),
      periodEnd: t.expose('periodEnd', { type: 'DateTime' }),
      lineCount: t.exposeInt('lineCount', {
        description: 'Ledger lines (payments, refunds, charges) it nets.',
      }),
      status: t.field({ type: PayoutStatus, resolve: (p) => p.status }),
      bankReference: t.exposeString('bankReference', { nullable: true }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      paidAt: t.expose('paidAt', { type: 'DateTime', nullable: true }),
    }),
  });

  builder.queryField('payouts', (t) =>
    t.withAuth({ $any: { operator: true, merchant: true } }).connection({
      type: Payout,
      description: 'Newest first. Operators see every merchant’s; a merchant its own.',
      args: { merchantId: t.arg.id(), status: t.arg({ type: PayoutStatus }) },
      resolve: (_root, args, ctx) => {
        const own = ctx.principal.kind === 'merchant' ? ctx.principal.merchantId : null;
        const merchant = own ?? (args.merchantId == null ? null : String(args.merchantId));
        if (merchant && !isUuid(merchant)) return resolveOffsetConnection({ args }, () => []);
        return resolveOffsetConnection({ args }, ({ limit, offset }) =>
          ctx.em.find(
            Payout,
            { ...(merchant ? { merchant } : {}), ...(args.status ? { status: args.status } : {}) },
            { orderBy: { createdAt: 'desc', id: 'desc' }, limit, offset },
          ),
        );
      },
    }),
  );

  const SettlementRun = builder.objectRef<{ payouts: Payout[] }>('SettlementRun').implement({
    authScopes: { operator: true },
    fields: (t) => ({ payouts: t.field({ type: [Payout], resolve: (r) => r.payouts }) }),
  });

  builder.mutationFields((t) => ({
    runSettlement: t.field({
      type: SettlementRun,
      description:
        'Pays out every merchant’s balance earned before `periodEnd`: one payout per merchant and currency. Running it again for the same period changes nothing.',
      authScopes: { operator: true },
      args: { periodEnd: t.arg({ type: 'DateTime', required: true }) },
      errors: { types: [ValidationError] },
      resolve: async (_root, { periodEnd }, ctx) => ({ payouts: await settlement.settle(ctx, periodEnd) }),
    }),
    markPayoutPaid: t.field({
      type: Payout,
      description: 'Records that the bank transfer of a payout was made.',
      authScopes: { operator: true },
      args: { payoutId: t.arg.id({ required: true }), bankReference: t.arg.string({ required: true }) },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: (_root, args, ctx) => settlement.markPaid(ctx, String(args.payoutId), args.bankReference),
    }),
  }));
}
