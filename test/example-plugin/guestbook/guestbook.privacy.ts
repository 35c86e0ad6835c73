import type { HookHandler } from '../../../core/plugin-api.ts';
import { GuestbookEntry } from './guestbook-entry.entity.ts';

/** A subject's entries: the ones they signed for that merchant (`author` is their customerRef). */
export const exportEntries: HookHandler<'subject.export'> = ({ em, subject }) => {
  async function* records() {
    const entries = await em.find(
      GuestbookEntry,
      { merchantId: subject.merchantId, author: subject.customerRef },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
    for (const { id, message, createdAt } of entries) yield { id, message, createdAt };
  }
  return [{ name: 'guestbook.entries', source: 'provided', records: records() }];
};

/** Deletes a subject's entries, in the erasure's transaction. Nothing is kept: no law asks for it. */
export const eraseEntries: HookHandler<'subject.erase'> = async ({ em, subject }) => {
  await em.nativeDelete(GuestbookEntry, { merchantId: subject.merchantId, author: subject.customerRef });
  return { erased: ['GuestbookEntry'], kept: [] };
};
