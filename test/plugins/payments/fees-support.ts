import { big, query } from '../../../core/plugin-api.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';

export const SET_PRICING = `mutation($input: SetFeePricingInput!) {
  setFeePricing(input: $input) { __typename ... on Error { message } ... on ValidationError { field } }
}`;

export interface Pricing {
  merchantId: string | null;
  method: string;
  fixed: string;
  basisPoints: number;
  minimum?: string | null;
  maximum?: string | null;
  onRefund?: 'return' | 'keep';
  currency?: string;
}

export async function setPricing(operator: HttpGraphQLClient, pricing: Pricing): Promise<void> {
  const currency = pricing.currency ?? 'KRW';
  const amount = (value: string | null | undefined) => (value == null ? null : { amount: value, currency });
  const { setFeePricing } = await operator.data<{ setFeePricing: { __typename: string } }>(SET_PRICING, {
    input: {
      merchantId: pricing.merchantId,
      method: pricing.method,
      fixed: amount(pricing.fixed),
      basisPoints: pricing.basisPoints,
      minimum: amount(pricing.minimum),
      maximum: amount(pricing.maximum),
      onRefund: pricing.onRefund ?? 'return',
      reason: 'a test',
    },
  });
  if (setFeePricing.__typename !== 'FeePricing') throw new Error(JSON.stringify(setFeePricing));
}

/**
 * A merchant's fee state as the database holds it: whole minor units posted to the fees account,
 * the carried remainder, the payable balance, and the fee lines payouts took. Read directly: the API shows payments and
 * payouts, not the ledger's accounts.
 */
export async function feeState(t: TestGateway, merchantId: string, currency = 'KRW') {
  const em = t.gateway.database.em.fork();
  const [row] = await query<{ posted: string; paid_out: string; carried: string; payable: string | null }>(
    em,
    `select
        (select coalesce(sum(l.amount), 0) from journal_line l join journal_entry e on e.id = l.entry_id
          and e.kind in ('fee', 'fee_return') where l.account_id = a.id)::text as posted,
        (select coalesce(sum(l.amount), 0) from journal_line l join journal_entry e on e.id = l.entry_id
          and e.kind in ('fee', 'fee_return') where l.account_id = a.id and l.payout_id is not null)::text as paid_out,
        (select coalesce(sum(accrued_micros), 0) from fee_accrual where merchant_id = ? and currency = ?)::text as carried,
        (select sum(credits_posted - debits_posted) from ledger_balance where account_id = a.id)::text as payable
      from (select 1) one
      left join ledger_account a on a.key = 'merchant_payable/' || ? || '/' || ?`,
    [merchantId, currency, merchantId, currency],
  );
  return {
    posted: big(row!.posted),
    carriedMicros: big(row!.carried),
    payable: big(row!.payable ?? '0'),
    /** The fee lines settled into payouts so far (what their `fees` show in total). */
    paidOutFees: big(row!.paid_out),
  };
}
