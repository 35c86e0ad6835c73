import type { EntityManager } from '@mikro-orm/core';
import {
  anonymousRecord,
  type GatewayServices,
  type HeldRecordInput,
  type HookHandler,
  query,
  type RetainedRecord,
  SECTION_PAGE,
} from '../../core/plugin-api.ts';
import { PAYMENT_RECORD, subjectCustomer } from '../payments/api.ts';

interface WalletRow {
  id: string;
  currency: string;
  created_at: Date | string;
}

const walletsOf = (em: EntityManager, customerId: string) =>
  query<WalletRow>(
    em,
    'select id, currency, created_at from wallet where customer_id = ? order by created_at, id',
    [customerId],
  );

/**
 * The subject's wallets with their balances, and every wallet's statement (its ledger lines,
 * oldest first), read a page at a time through the ledger's read API by keyset on the line id.
 */
export function exportWallets(services: GatewayServices): HookHandler<'subject.export'> {
  return async ({ em, subject }) => {
    const found = await subjectCustomer(em, services.privacy.keys, subject);
    if (!found) return [];
    const { ledger, statements } = services.payments;
    async function* wallets() {
      for (const w of await walletsOf(em, found!.customerId)) {
        const balance = await ledger.balance(em, w.id);
        yield {
          walletId: w.id,
          currency: w.currency,
          createdAt: w.created_at,
          balance: balance.posted.amount.toString(),
          available: balance.available.amount.toString(),
        };
      }
    }
    async function* lines() {
      for (const w of await walletsOf(em, found!.customerId)) {
        let before: string | undefined;
        for (;;) {
          const page = await statements.read(em, w.id, { before, limit: SECTION_PAGE, inverted: true });
          for (const line of page) {
            yield {
              walletId: w.id,
              id: line.id.toString(),
              kind: line.kind,
              reference: line.reference,
              description: line.description,
              amount: line.amount.amount.toString(),
              currency: line.amount.currency,
              createdAt: line.createdAt,
            };
          }
          if (page.length < SECTION_PAGE) break;
          before = page[page.length - 1]!.id.toString();
        }
      }
    }
    return [
      { name: 'wallet.wallets', source: 'observed', records: wallets() },
      { name: 'wallet.statements', source: 'observed', records: lines() },
    ];
  };
}

/**
 * A wallet and its statement are payment records, and the wallet's balance is money the
 * customer still holds: nothing is deleted and no line changes, so the ledger balances as before.
 * Each wallet is kept under the hold its latest movement is under; the statement's descriptions
 * are the payments' own, which the payments plugin's erasure clears or moves apart. Once the
 * subject's key and hold key are gone, a wallet describes nobody.
 */
export function eraseWallets(services: GatewayServices): HookHandler<'subject.erase'> {
  return async ({ em, subject }) => {
    const found = await subjectCustomer(em, services.privacy.keys, subject);
    if (!found) return { erased: [], kept: [] };
    const now = new Date();
    const wallets = await query<{ id: string; last: Date | string }>(
      em,
      `select w.id, greatest(w.created_at, (select max(l.created_at) from journal_line l where l.account_id = w.id)) as last
         from wallet w where w.customer_id = ? order by w.created_at, w.id`,
      [found.customerId],
    );
    if (wallets.length === 0) return { erased: [], kept: [] };
    const held: HeldRecordInput[] = [];
    for (const w of wallets) {
      const hold = services.privacy.holds.holdFor(found.facts, PAYMENT_RECORD, new Date(w.last), now);
      if (hold) held.push({ recordId: w.id, hold, payload: null });
    }
    const kept: RetainedRecord[] = await services.privacy.holds.keep(
      em,
      {
        subjectId: found.subjectId,
        merchantId: subject.merchantId,
        plugin: 'wallet',
        what: 'wallets and their statements (balances and movements)',
      },
      held,
    );
    kept.push(
      anonymousRecord(
        'wallet balances in the ledger: money the customer still holds',
        'the ledger, which must still balance',
      ),
    );
    return { erased: [], kept };
  };
}
