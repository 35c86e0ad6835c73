import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { type GatewayBuilder, registerErrorType } from '../../../core/plugin-api.ts';
import { MessageRefused, MessageTooLong } from './guestbook.errors.ts';
import type { GuestbookService } from './guestbook.service.ts';
import { GuestbookEntry } from './guestbook-entry.entity.ts';

export function registerGuestbookSchema(builder: GatewayBuilder, guestbook: GuestbookService): void {
  builder.objectType(GuestbookEntry, {
    name: 'GuestbookEntry',
    // The type's policy covers each of its fields.
    authScopes: { $any: { merchant: true, customer: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      author: t.exposeString('author'),
      message: t.exposeString('message'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  registerErrorType(builder, MessageTooLong, {
    fields: (t) => ({ field: t.exposeString('field'), maxLength: t.exposeInt('maxLength') }),
  });
  registerErrorType(builder, MessageRefused, {
    fields: (t) => ({ reasons: t.exposeStringList('reasons') }),
  });

  builder.queryField('guestbook', (t) =>
    // ctx is a MerchantContext | CustomerContext: both have principal.merchantId.
    t.withAuth({ $any: { merchant: true, customer: true } }).connection({
      type: GuestbookEntry,
      description: "The caller's merchant's guestbook, newest first.",
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args }, ({ limit, offset }) => guestbook.list(ctx, limit, offset)),
    }),
  );

  builder.mutationField('signGuestbook', (t) =>
    // ctx is a CustomerContext: only an end user's session reaches the resolver.
    t.withAuth({ customer: true }).field({
      type: GuestbookEntry,
      description: 'An end user leaves a message for the merchant of their session.',
      args: { message: t.arg.string({ required: true }) },
      errors: { types: [MessageTooLong, MessageRefused] },
      resolve: (_root, { message }, ctx) => guestbook.sign(ctx, message),
    }),
  );
}
