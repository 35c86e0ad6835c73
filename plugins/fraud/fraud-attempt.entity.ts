import { defineEntity, p } from '@mikro-orm/core';

/**
 * One payment attempt the fraud plugin decided on: its risk context (personal values only as
 * keyed indexes, the recipient also sealed under the payer's key), the decision, and the
 * features it was made on (for the reviewer, the subject's explanation and backtests). Written
 * once, decision included, by FraudDecider (PgFeatureStore.store, migration 0004); a blocked
 * attempt has no payment, but keeps the id the payment would have had.
 */
const AGGREGATED = ['amount', 'currency', 'cashEquivalent'] as const;

const FraudAttemptSchema = defineEntity({
  name: 'FraudAttempt',
  tableName: 'fraud_attempt',
  properties: {
    id: p.uuid().primary(),
    paymentId: p.uuid(),
    merchantId: p.uuid(),
    customerId: p.uuid(),
    method: p.text(),
    amount: p.bigint(),
    currency: p.text(),
    category: p.text(),
    cashEquivalent: p.boolean(),
    deviceIndex: p.text().nullable(),
    ipIndex: p.text().nullable(),
    /** Null once the payer's data is erased, like the other indexes. */
    instrumentIndex: p.text().nullable(),
    recipientIndex: p.text().nullable(),
    recipientSealed: p.text().nullable(),
    decision: p.text().nullable(),
    score: p.smallint().nullable(),
    reasons: p.json<string[]>().nullable(),
    matchedRules: p.json<{ id: string; version: number; action: string }[]>().nullable(),
    features: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime(),
    decidedAt: p.datetime().nullable(),
  },
  indexes: [
    // Each key's index carries what the velocity windows aggregate (fraud migration 0003): index-only scans.
    {
      name: 'fraud_attempt_customer_index',
      properties: ['customerId', 'createdAt'],
      include: [...AGGREGATED, 'deviceIndex', 'recipientIndex'],
    },
    {
      name: 'fraud_attempt_device_index',
      properties: ['deviceIndex', 'createdAt'],
      include: [...AGGREGATED, 'customerId', 'recipientIndex'],
      where: 'device_index is not null',
    },
    {
      name: 'fraud_attempt_ip_index',
      properties: ['ipIndex', 'createdAt'],
      include: [...AGGREGATED, 'customerId', 'deviceIndex', 'recipientIndex'],
      where: 'ip_index is not null',
    },
    {
      name: 'fraud_attempt_instrument_index',
      properties: ['instrumentIndex', 'createdAt'],
      include: [...AGGREGATED, 'customerId', 'deviceIndex', 'recipientIndex'],
      where: 'instrument_index is not null',
    },
    {
      name: 'fraud_attempt_recipient_index',
      properties: ['recipientIndex', 'createdAt'],
      include: [...AGGREGATED, 'customerId', 'deviceIndex'],
      where: 'recipient_index is not null',
    },
    { name: 'fraud_attempt_payment_index', properties: ['paymentId'] },
    { name: 'fraud_attempt_merchant_index', properties: ['merchantId', 'createdAt'] },
    {
      name: 'fraud_attempt_held_index',
      properties: ['merchantId', 'createdAt'],
      where: "decision = 'review'",
    },
  ],
});

export class FraudAttempt extends FraudAttemptSchema.class {}
FraudAttemptSchema.setClass(FraudAttempt);

export { FraudAttemptSchema };
