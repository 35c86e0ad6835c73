import type { CustomerContext, HookRunner, MerchantContext } from '../../../core/plugin-api.ts';
import { MessageRefused, MessageTooLong } from './guestbook.errors.ts';
import type { SignDecision } from './guestbook.hooks.ts';
import { GuestbookEntry } from './guestbook-entry.entity.ts';

export class GuestbookService {
  readonly #maxLength: number;
  readonly #beforeSign: HookRunner<'guestbook.beforeSign', SignDecision>;

  constructor(maxLength: number, beforeSign: HookRunner<'guestbook.beforeSign', SignDecision>) {
    this.#maxLength = maxLength;
    this.#beforeSign = beforeSign;
  }

  /** An end user signs the guestbook of the merchant that minted their session. */
  async sign(ctx: CustomerContext, message: string): Promise<GuestbookEntry> {
    if (message.length > this.#maxLength) throw new MessageTooLong(this.#maxLength);
    const { merchantId, customerRef: author } = ctx.principal;
    if (this.#beforeSign.handled) {
      const decision = await this.#beforeSign.run({ merchantId, author, message });
      if (decision.refused) throw new MessageRefused(decision.reasons);
    }
    const entry = ctx.em.create(GuestbookEntry, { merchantId, author, message });
    await ctx.em.flush();
    return entry;
  }

  /** The caller's merchant's entries, newest first. */
  list(ctx: MerchantContext | CustomerContext, limit: number, offset: number): Promise<GuestbookEntry[]> {
    return ctx.em.find(
      GuestbookEntry,
      { merchantId: ctx.principal.merchantId },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit, offset },
    );
  }
}
