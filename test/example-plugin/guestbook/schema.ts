import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { type GatewayBuilder, GatewayError } from '../../../core/plugin-api.ts';
import { type GuestbookService, MessageTooLong } from './guestbook.service.ts';
import { GuestbookEntry } from './guestbook-entry.entity.ts';

export function registerGuestbookSchema(builder: GatewayBuilder, guestbook: GuestbookService): void {
  builder.objectType(GuestbookEntry, {
    name: 'GuestbookEntry',
    authScopes: { $any: { merchant: true, customer: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      author: t.exposeString('author'),
      message: t.exposeString('message'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  builder.objectType(MessageTooLong, {
    name: 'MessageTooLong',
    interfaces: [GatewayError],
    authScopes: { public: true },
    isTypeOf: (value) => value instanceof MessageTooLong,
    fields: (t) => ({ maxLength: t.exposeInt('maxLength') }),
  });

  builder.queryField('guestbook', (t) =>
    t.withAuth({ $any: { merchant: true, customer: true } }).connection({
      type: GuestbookEntry,
      description: "The caller's merchant's guestbook, newest first.",
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args }, ({ limit, offset }) =>
          guestbook.list(ctx, ctx.principal.merchantId, limit, offset),
        ),
    }),
  );

  builder.mutationField('signGuestbook', (t) =>
    t.withAuth({ customer: true }).field({
      type: GuestbookEntry,
      description: 'An end user leaves a message for the merchant of their session.',
      args: { message: t.arg.string({ required: true }) },
      errors: { types: [MessageTooLong] },
      resolve: (_root, { message }, ctx) =>
        guestbook.sign(ctx, ctx.principal.merchantId, ctx.principal.customerRef, message),
    }),
  );
}
