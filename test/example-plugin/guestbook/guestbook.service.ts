import { type RequestContext, ValidationError } from '../../../core/plugin-api.ts';
import { GuestbookEntry } from './guestbook-entry.entity.ts';

export class MessageTooLong extends ValidationError {
  readonly maxLength: number;

  constructor(maxLength: number) {
    super('message', `a message has at most ${maxLength} characters`);
    this.maxLength = maxLength;
  }
}

export class GuestbookService {
  readonly #maxLength: number;

  constructor(maxLength: number) {
    this.#maxLength = maxLength;
  }

  async sign(
    ctx: RequestContext,
    merchantId: string,
    author: string,
    message: string,
  ): Promise<GuestbookEntry> {
    if (message.length > this.#maxLength) throw new MessageTooLong(this.#maxLength);
    const entry = ctx.em.create(GuestbookEntry, { merchantId, author, message });
    await ctx.em.flush();
    return entry;
  }

  list(ctx: RequestContext, merchantId: string, limit: number, offset: number): Promise<GuestbookEntry[]> {
    return ctx.em.find(
      GuestbookEntry,
      { merchantId },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit, offset },
    );
  }
}
