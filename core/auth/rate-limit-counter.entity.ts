import { defineEntity, p } from '@mikro-orm/core';

const RateLimitCounterSchema = defineEntity({
  name: 'RateLimitCounter',
  tableName: 'rate_limit_counter',
  properties: {
    /** `<limit>:<key id | session id | ip_<hash of the address>>`. */
    key: p.string().length(255).primary(),
    points: p.integer().default(0),
    /** Epoch milliseconds when the window ends. */
    expire: p.bigint().nullable(),
  },
});

/**
 * rate-limiter-flexible's counter row (core/http/rate-limit-store.ts writes it with the library's
 * own SQL); declared so the schema check knows the table and the data map classifies it.
 */
export class RateLimitCounter extends RateLimitCounterSchema.class {}
RateLimitCounterSchema.setClass(RateLimitCounter);

export { RateLimitCounterSchema };
