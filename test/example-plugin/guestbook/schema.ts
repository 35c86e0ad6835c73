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
    t.connection({
      type: GuestbookEntry,
      description: "The caller's merchant's guestbook, newest first.",
      authScopes: { $any: { merchant: true, customer: true } },
      resolve: (_root, args, ctx) => {
        const { principal } = ctx;
        if (principal.kind !== 'merchant' && principal.kind !== 'customer') throw new Error('unreachable');
        return resolveOffsetConnection({ args }, ({ limit, offset }) =>
          guestbook.list(ctx, principal.merchantId, limit, offset),
        );
      },
    }),
  );

  builder.mutationField('signGuestbook', (t) =>
    t.field({
      type: GuestbookEntry,
      description: 'An end user leaves a message for the merchant of their session.',
      authScopes: { customer: true },
      args: { message: t.arg.string({ required: true }) },
      errors: { types: [MessageTooLong] },
      resolve: (_root, { message }, ctx) => {
        if (ctx.principal.kind !== 'customer') throw new Error('unreachable');
        return guestbook.sign(ctx, ctx.principal.merchantId, ctx.principal.customerRef, message);
      },
    }),
  );
}
