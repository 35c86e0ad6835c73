import { defineEntity, p } from '@mikro-orm/core';

export const IDEMPOTENCY_STATUSES = ['in_flight', 'completed'] as const;
export type IdempotencyStatus = (typeof IDEMPOTENCY_STATUSES)[number];

export interface StoredResult {
  /** `Payment` (replayed by id) or the name of a typed error class. */
  type: string;
  id?: string;
  fields?: Record<string, unknown>;
}

const IdempotencyRecordSchema = defineEntity({
  name: 'IdempotencyRecord',
  properties: {
    /** Whose key: `merchant:<id>`; two merchants may use the same key. */
    scope: p.string().length(100).primary(),
    key: p.string().length(255).primary(),
    operation: p.string().length(60),
    /** SHA-256 of the request, to tell a retry from a different request under the same key. */
    requestHash: p.string().length(64),
    status: p.enum(IDEMPOTENCY_STATUSES),
    /** What the request produced (a payment id, or a typed error), set before the result is sent. */
    result: p.json<StoredResult>().nullable(),
    /** Until when a retry counts as "still in flight" rather than "crashed, show what happened". */
    lockedUntil: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
  },
});

/** One `Idempotency-Key`: the request it was first used for and that request's result. */
export class IdempotencyRecord extends IdempotencyRecordSchema.class {}
IdempotencyRecordSchema.setClass(IdempotencyRecord);

export { IdempotencyRecordSchema };
