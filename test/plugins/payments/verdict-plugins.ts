import { definePlugin } from '../../../core/plugin.ts';
import type { AuthorizeVerdict, BeforeAuthorizeInput } from '../../../plugins/payments/before-authorize.ts';

export const ALLOW: AuthorizeVerdict = { decision: 'allow', score: 0, reasons: [] };

/**
 * A plugin that answers `payment.beforeAuthorize` as its test tells it (`decide`, allow by
 * default), and remembers what it was asked (`asked`), the way a fraud or limits plugin would.
 */
export function verdictPlugin(name: string, options: { perMerchant?: boolean } = {}) {
  const state = {
    decide: (_input: BeforeAuthorizeInput): AuthorizeVerdict => ALLOW,
    asked: [] as BeforeAuthorizeInput[],
  };
  const plugin = definePlugin({
    name,
    version: '1.0.0',
    requires: ['payments'],
    ...(options.perMerchant ? { enablement: { perMerchant: true, default: 'on' } as const } : {}),
    setup: () => ({
      hooks: {
        'payment.beforeAuthorize': (input) => {
          state.asked.push(input);
          return state.decide(input);
        },
      },
    }),
  });
  return Object.assign(state, { plugin });
}

/** A verdict for payments of one amount (minor units), allow for every other. */
export function forAmount(amount: bigint, verdict: AuthorizeVerdict) {
  return (input: BeforeAuthorizeInput): AuthorizeVerdict =>
    input.amount.amount === amount ? verdict : ALLOW;
}

export const BLOCKED_FIELDS = '... on PaymentBlockedError { score reasons }';
