import { defineEntity, p } from '@mikro-orm/core';

const EventLogHeadSchema = defineEntity({
  name: 'EventLogHead',
  properties: {
    /** Always 1: the one row, whose lock serializes the sequencer across processes. */
    id: p.smallint().primary().autoincrement(false),
    /** The last position handed out. */
    position: p.bigint(),
    /** Events up to this position may have been purged by retention. */
    purgedThrough: p.bigint(),
  },
});

export class EventLogHead extends EventLogHeadSchema.class {}
EventLogHeadSchema.setClass(EventLogHead);

export { EventLogHeadSchema };
