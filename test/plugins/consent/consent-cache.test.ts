import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { ConsentCache } from '../../../plugins/consent/consent-cache.ts';
import { consentGateway } from './support.ts';

// The cache's rule for a miss inside a caller's transaction (a subject request carrying out a
// correction asks `allows` in its transaction): the answer is read through that transaction, so
// no other connection waits on it (embedded PGlite has one), and it is not kept, since the
// transaction may roll back what it read.

let t: TestGateway;
beforeAll(async () => {
  t = await consentGateway();
});
afterAll(() => t?.close());

const subject = { merchantId: '00000000-0000-4000-8000-000000000001', customerRef: 'ada' };

test('a miss in a transaction is read through it and not kept; outside one it is kept', async () => {
  const { orm } = t.gateway.database;
  const loads: boolean[] = [];
  const cache = new ConsentCache(orm, t.gateway.log, async (em) => {
    loads.push(em.isInTransaction());
    // What the transaction sees (say, a grant it has just written) differs from what is committed.
    return { subjectId: null, allowed: new Set(em.isInTransaction() ? ['marketing'] : []) };
  });
  const inTransaction = await orm.em.fork().transactional((tx) => cache.allows(tx, subject, 'marketing'));
  expect(inTransaction).toBe(true);
  expect(await cache.allows(orm.em.fork(), subject, 'marketing')).toBe(false);
  expect(await cache.allows(orm.em.fork(), subject, 'marketing')).toBe(false);
  // The second answer outside came from the entry the first one kept.
  expect(loads).toEqual([true, false]);
});
