import type { EntityManager } from '@mikro-orm/core';
import type { LedgerService } from './ledger/ledger.service.ts';

/** The ledger accounts the payments engine books against, opened on first use. */
export class PaymentAccounts {
  readonly #ledger: LedgerService;
  readonly #merchantStripes: number;

  constructor(ledger: LedgerService, merchantStripes: number) {
    this.#ledger = ledger;
    this.#merchantStripes = merchantStripes;
  }

  /** What we owe a merchant: credited by captures, debited by refunds and payouts. */
  merchantPayable(em: EntityManager, merchantId: string, currency: string): Promise<string> {
    return this.#ledger.openAccount(em, {
      key: `merchant_payable/${merchantId}/${currency}`,
      kind: 'merchant_payable',
      currency,
      normal: 'credit',
      // A refund after a payout leaves the merchant owing us, to be netted from the next payout.
      allowNegative: true,
      shards: this.#merchantStripes,
      merchantId,
    });
  }

  /** What an external method (acquirer, carrier) owes us for what it charged. */
  clearing(em: EntityManager, methodId: string, currency: string): Promise<string> {
    return this.#ledger.openAccount(em, {
      key: `clearing/${methodId}/${currency}`,
      kind: 'clearing',
      currency,
      normal: 'debit',
      allowNegative: true,
      shards: this.#merchantStripes,
    });
  }

  /** Money sent to merchants' banks by payouts. */
  payouts(em: EntityManager, currency: string): Promise<string> {
    return this.#ledger.openAccount(em, {
      key: `payouts/${currency}`,
      kind: 'payout',
      currency,
      normal: 'debit',
      allowNegative: true,
      shards: this.#merchantStripes,
    });
  }
}
