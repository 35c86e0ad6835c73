import type { ArgBuilder } from '@pothos/core';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import type { GatewayBuilder, GatewaySchemaTypes } from '../../core/plugin-api.ts';
import type { LoggedEvent } from './event-log.ts';
import { StreamEnd, type StreamItem } from './event-stream.ts';
import { invalidTypes } from './events.errors.ts';
import type { EventsService } from './events.service.ts';

type Types = PothosSchemaTypes.ExtendDefaultTypes<GatewaySchemaTypes>;

/** The event families a payment integration follows. */
export const PAYMENT_EVENT_PATTERNS = ['payment.*', 'refund.*', 'payout.*'] as const;

const READERS = { $any: { operator: true, merchant: true, partner: true } } as const;

function endOrEvent(item: StreamItem): LoggedEvent {
  if (item instanceof StreamEnd) throw item.error;
  return item;
}

export function registerEventsSchema(builder: GatewayBuilder, events: EventsService): void {
  const EventPayload = builder.addScalarType(
    'EventPayload' as never,
    new GraphQLScalarType({
      name: 'EventPayload',
      description:
        'A JSON object whose shape is given by the event `type` (see `eventTypes`). Amounts are integer minor units as decimal strings.',
      serialize: (value) => value,
      parseValue: () => {
        throw new GraphQLError('EventPayload is output only');
      },
      parseLiteral: () => {
        throw new GraphQLError('EventPayload is output only');
      },
    }),
  ) as unknown as PothosSchemaTypes.ScalarRef<Types, Record<string, unknown>, never>;

  const Event = builder.objectType('Event', {
    description:
      'Something that happened to a merchant’s payments, kept in the event log. The same event reaches subscriptions and webhooks with the same `id`.',
    authScopes: READERS,
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Stable across redeliveries: deduplicate on it.' }),
      cursor: t.string({
        description:
          'Position in the log, in commit order. Store the cursor of the last event you processed and pass it as `after` to resume.',
        resolve: (event) => event.position.toString(),
      }),
      type: t.exposeString('type', { description: 'e.g. payment.captured' }),
      merchantId: t.exposeID('merchantId'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      payload: t.field({ type: EventPayload, resolve: (event) => event.payload }),
    }),
  });

  const EventPage = builder
    .objectRef<{ events: LoggedEvent[]; endCursor: string; hasMore: boolean }>('EventPage')
    .implement({
      authScopes: READERS,
      fields: (t) => ({
        events: t.field({ type: [Event], resolve: (page) => page.events }),
        endCursor: t.exposeString('endCursor', {
          description: 'Pass as `after` for the next page (or to subscribe from here).',
        }),
        hasMore: t.exposeBoolean('hasMore'),
      }),
    });

  const EventTypeInfo = builder
    .objectRef<{ type: string; description: string; payloadSchema: Record<string, unknown> | null }>(
      'EventTypeInfo',
    )
    .implement({
      authScopes: { authenticated: true },
      fields: (t) => ({
        type: t.exposeString('type'),
        description: t.exposeString('description'),
        payloadSchema: t.field({
          type: EventPayload,
          nullable: true,
          description: 'JSON Schema of the payload, when its producer declared one.',
          resolve: (info) => info.payloadSchema,
        }),
      }),
    });

  const readArgs = (t: ArgBuilder<Types>) => ({
    after: t.string({
      description:
        'The cursor of the last event you processed. Subscriptions without it start live, from now; the query starts from the oldest event kept.',
    }),
    types: t.stringList({
      description: 'Event types or patterns (`payment.captured`, `payment.*`); default all.',
    }),
    merchantIds: t.idList({
      description: 'Only these merchants (each must be visible to you); default all visible.',
    }),
  });

  const subscribeDescription = (what: string) =>
    `${what}: first every stored event after \`after\`, in order, then live events, with no gap and no duplicate between the two. A partner sees the merchants that granted it access. A consumer that falls too far behind gets an error with code EVENTS_CONSUMER_TOO_SLOW and \`extensions.resumeFrom\`, the cursor to resubscribe with.`;

  builder.subscriptionFields((t) => ({
    events: t.field({
      type: Event,
      description: subscribeDescription('Every event type'),
      authScopes: READERS,
      args: readArgs(t.arg),
      subscribe: (_root, args, ctx) =>
        events.stream(ctx, { after: args.after, types: args.types, merchantIds: args.merchantIds }),
      resolve: endOrEvent,
    }),
    paymentEvents: t.field({
      type: Event,
      description: subscribeDescription(
        `Payment, refund and payout events (${PAYMENT_EVENT_PATTERNS.join(', ')})`,
      ),
      authScopes: READERS,
      args: readArgs(t.arg),
      subscribe: (_root, args, ctx) => {
        const outside = args.types?.find(
          (pattern: string) =>
            !PAYMENT_EVENT_PATTERNS.some((family) => pattern.startsWith(family.slice(0, -1))),
        );
        if (outside !== undefined)
          throw invalidTypes(`"${outside}" is not a payment, refund or payout event type`);
        return events.stream(ctx, {
          after: args.after,
          types: args.types ?? PAYMENT_EVENT_PATTERNS,
          merchantIds: args.merchantIds,
        });
      },
      resolve: endOrEvent,
    }),
  }));

  builder.queryFields((t) => ({
    events: t.field({
      type: EventPage,
      description:
        'Stored events after a cursor, oldest first: for reconciliation, or to page through history.',
      authScopes: READERS,
      args: { ...readArgs(t.arg), first: t.arg.int({ defaultValue: 100, description: '1 to 1000.' }) },
      resolve: (_root, args, ctx) =>
        events.list(ctx, {
          after: args.after,
          types: args.types,
          merchantIds: args.merchantIds,
          first: args.first ?? 100,
        }),
    }),
    eventTypes: t.field({
      type: [EventTypeInfo],
      description: 'The event types producers declared, with their payload schemas.',
      authScopes: { authenticated: true },
      resolve: () => events.eventTypeInfo(),
    }),
  }));
}
