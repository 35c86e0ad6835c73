import { type GatewayBuilder, merchantFilter } from '../../core/plugin-api.ts';
import { readPayment } from './payment-reader.ts';
import { Payout } from './payout.entity.ts';

const READERS = { $any: { operator: true, merchant: true, partner: true, customer: true } } as const;

const idIn = (payload: Record<string, unknown>, key: string): string | null =>
  typeof payload[key] === 'string' ? payload[key] : null;

/**
 * What a payment, refund or payout event is about, read now with the reader's own permissions:
 * a subscriber, or a webhook endpoint's payload query (resolved for the endpoint's owner), selects
 * the fields it wants instead of the event's fixed payload. Only when the events plugin (which
 * defines `Event`) is installed.
 */
export function registerEventSubjectsSchema(builder: GatewayBuilder): void {
  builder.objectField('Event', 'payment', (t) =>
    t.field({
      type: 'Payment',
      nullable: true,
      authScopes: READERS,
      description: 'The payment of a `payment.*` or `refund.*` event, as it is now; null for other events.',
      resolve: (event, _args, ctx) => {
        const id = idIn(event.payload, 'paymentId');
        return id ? readPayment(ctx, id) : null;
      },
    }),
  );
  builder.objectField('Event', 'payout', (t) =>
    t.field({
      type: Payout,
      nullable: true,
      authScopes: { $any: { operator: true, merchant: true } },
      description: 'The payout of a `payout.*` event, as it is now; null for other events. Not for partners.',
      resolve: async (event, _args, ctx) => {
        const id = idIn(event.payload, 'payoutId');
        const filter = merchantFilter(ctx.principal);
        return id && filter ? ctx.em.findOne(Payout, { id, ...filter }) : null;
      },
    }),
  );
}
