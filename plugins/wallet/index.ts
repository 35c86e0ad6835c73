import { definePlugin, technical } from '../../core/plugin-api.ts';
import { Migration0001WalletTables } from './migrations/0001-wallet-tables.ts';
import { WalletSchema } from './wallet.entity.ts';
import { walletMethod } from './wallet.method.ts';
import { eraseWallets, exportWallets } from './wallet.privacy.ts';
import { registerWalletSchema } from './wallet.schema.ts';
import { WalletService } from './wallet.service.ts';
import './global-types.ts';

/** Stored-value wallets: top up through any method, pay in one database round trip, refund, statement. */
export const walletPlugin = definePlugin({
  name: 'wallet',
  version: '1.0.0',
  description: 'Stored-value wallets: the cheapest way to pay for micropayments',
  requires: ['payments'],
  entities: [WalletSchema],
  migrations: [{ name: '0001-wallet-tables', class: Migration0001WalletTables }],
  dataMap: {
    Wallet: {
      id: technical('identify the wallet (and its ledger account)'),
      merchant: technical('scope to a tenant'),
      customer: { category: 'financial', purpose: 'whose money it holds', retention: 'P5Y' },
      currency: { category: 'financial', purpose: 'the balance', retention: 'P5Y' },
      createdAt: technical('audit'),
    },
  },
  setup: (plugin) => {
    const { payments } = plugin.services;
    payments.methods.register(plugin.name, walletMethod);
    const wallet = new WalletService(payments);
    return {
      services: wallet,
      schema: (builder) => registerWalletSchema(builder, wallet),
      hooks: {
        'subject.export': exportWallets(plugin.services),
        'subject.erase': eraseWallets(plugin.services),
      },
    };
  },
});
