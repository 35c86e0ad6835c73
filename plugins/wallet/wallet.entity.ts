import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../core/plugin-api.ts';
import { Customer } from '../payments/api.ts';

const WalletSchema = defineEntity({
  name: 'Wallet',
  properties: {
    /** The same id as the wallet's ledger account: what pays a wallet payment is that account. */
    id: p.uuid().primary(),
    merchant: () => p.manyToOne(Merchant),
    customer: () => p.manyToOne(Customer),
    currency: p.string().length(3),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ name: 'wallet_customer_id_currency_unique', properties: ['customer', 'currency'] }],
});

/** Stored value a customer holds at a merchant, in one currency; its balance lives in the ledger. */
export class Wallet extends WalletSchema.class {}
WalletSchema.setClass(Wallet);

export { WalletSchema };
