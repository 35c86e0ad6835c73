import type { FraudRuleVersion } from './fraud-rules.ts';

/**
 * The cash-out pattern of the Korean micropayment case (상품권 현금화: gift-card PINs bought with
 * carrier billing and resold at 70-80 % of face value; shared/REFERENCE.md): cash-equivalent
 * merchants, repeated same-denomination purchases, maxing out soon after the account opens, the
 * PIN sent to someone else, one redeemer for many payers, one device for many accounts.
 *
 * Stored as version 1 of ordinary rules at boot (never overwriting an operator's later version),
 * so that operators read, tune, disable and backtest them like their own. Thresholds are for
 * KRW amounts where they count money. Blocks only on the strongest links between payers;
 * a pattern an honest user can show (a bulk gift buyer) asks a person or the payer instead.
 */
const builtIn = (
  n: number,
  rule: Pick<FraudRuleVersion, 'name' | 'action' | 'expression' | 'reason' | 'score'>,
): FraudRuleVersion => ({
  id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
  version: 1,
  merchantId: null,
  enabled: true,
  createdAt: new Date(0),
  createdBy: 'built-in',
  ...rule,
});

export const BUILT_IN_RULES: readonly FraudRuleVersion[] = [
  builtIn(0xf1, {
    name: 'cash-out: one recipient, many payers',
    action: 'block',
    expression: 'cash_equivalent && has_recipient && recipient.customers_7d >= 5',
    reason: 'the recipient of this gift card received cash equivalents from 5 or more payers this week',
    score: 90,
  }),
  builtIn(0xf2, {
    name: 'cash-out: same denomination, again and again',
    action: 'review',
    expression: 'cash_equivalent && customer.same_amount_24h >= 4',
    reason: 'the same amount bought 4 or more times today at a gift card or game merchant',
    score: 70,
  }),
  builtIn(0xf3, {
    name: 'cash-out: bursts of small purchases',
    action: 'challenge',
    expression: 'cash_equivalent && customer.count_10m >= 5',
    reason: '5 or more gift card or game purchases in 10 minutes',
    score: 60,
  }),
  builtIn(0xf4, {
    name: 'cash-out: new account spending fast',
    action: 'challenge',
    expression:
      "cash_equivalent && account_age_hours < 24 && currency == 'KRW' && customer.sum_24h >= 300000",
    reason: 'an account less than a day old spent 300,000 won or more on cash equivalents today',
    score: 65,
  }),
  builtIn(0xf5, {
    name: 'shared device across accounts',
    action: 'review',
    expression: 'cash_equivalent && device.customers_24h >= 4',
    reason: 'this device paid for 4 or more accounts today',
    score: 70,
  }),
  builtIn(0xf6, {
    name: 'cash-out: gift cards sent to others',
    action: 'review',
    expression: 'has_recipient && cash_equivalent && customer.recipients_24h >= 3',
    reason: 'gift cards sent to 3 or more different recipients today',
    score: 65,
  }),
];
