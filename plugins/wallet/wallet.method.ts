import type { MethodOutcome, PaymentMethod } from '../payments/api.ts';
import { WALLET_ACCOUNT_KIND } from './wallet-account.ts';

const approved = (reference: string): Promise<MethodOutcome> =>
  Promise.resolve({ status: 'approved', reference });

/**
 * Paying from a wallet moves money only inside our own ledger: the engine holds, posts and
 * returns it on the wallet's account (whose owner it checks), and the database refuses a
 * balance below zero. Nothing outside can fail, so every step is approved here.
 */
export const walletMethod: PaymentMethod = {
  id: 'wallet',
  displayName: 'Wallet',
  internal: true,
  fundingAccountKind: WALLET_ACCOUNT_KIND,
  supports: () => true,
  authorize: (call) => approved(call.sourceId),
  capture: (call) => approved(call.reference),
  void: (call) => approved(call.reference),
  refund: (call) => approved(call.reference),
  status: (call) => approved(call.reference),
};
