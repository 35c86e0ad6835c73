import { defineEntity, p } from '@mikro-orm/core';

const GatewayEventSchema = defineEntity({
  name: 'GatewayEvent',
  indexes: [
    {
      name: 'gateway_event_unsequenced_idx',
      properties: ['insertOrder'],
      expression:
        'create index "gateway_event_unsequenced_idx" on "gateway_event" ("insert_order") where "position" is null',
    },
    { name: 'gateway_event_created_at_idx', properties: ['createdAt'] },
    { name: 'gateway_event_merchant_position_idx', properties: ['merchantId', 'position'] },
  ],
  properties: {
    /** The event's stable id: receivers deduplicate on it. */
    id: p.uuid().primary(),
    /** Order of insertion, so that the events of one transaction keep the order they were published in. */
    insertOrder: p.bigint().autoincrement(),
    /**
     * The cursor: assigned after commit, in commit order, by the sequencer (event-log.ts), so a
     * reader that has seen position N can never later find a committed event below N.
     */
    position: p.bigint().nullable().unique(),
    type: p.string().length(100),
    merchantId: p.uuid(),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
  },
});

/** One entry of the outbox event log; written in the producer's transaction, never changed after sequencing. */
export class GatewayEvent extends GatewayEventSchema.class {}
GatewayEventSchema.setClass(GatewayEvent);

export { GatewayEventSchema };
