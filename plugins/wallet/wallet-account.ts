/** The ledger account kind of wallets; the payments engine checks a wallet payment's source against it. */
export const WALLET_ACCOUNT_KIND = 'wallet';
