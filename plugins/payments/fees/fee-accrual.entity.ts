import { defineEntity, p } from '@mikro-orm/core';

const FeeAccrualSchema = defineEntity({
  name: 'FeeAccrual',
  properties: {
    merchantId: p.uuid().primary(),
    currency: p.string().length(3).primary(),
    /** The merchant's payable stripe it goes with: batches on different stripes never wait on one row. */
    shard: p.smallint().primary(),
    /** Fees charged and not yet posted, in millionths of a minor unit: always less than one minor unit. */
    accruedMicros: p.bigint(),
  },
  checks: [
    {
      name: 'fee_accrual_accrued_micros_check',
      expression: 'accrued_micros >= 0 and accrued_micros < 1000000',
    },
  ],
});

/**
 * The sub-minor remainder of a merchant's fees, carried: a fee of KRW 0.15 waits here until the
 * fees it sums reach one won, which is then posted. Written only by `payments_fee_moves`.
 */
export class FeeAccrual extends FeeAccrualSchema.class {}
FeeAccrualSchema.setClass(FeeAccrual);

export { FeeAccrualSchema };
