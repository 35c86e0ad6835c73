import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';

describe('per-subject keys: envelope encryption, blind index and crypto-shredding', () => {
  let t: TestGateway;
  let merchantA: string;
  let merchantB: string;

  beforeAll(async () => {
    t = await createTestGateway();
    merchantA = (await t.createMerchant('A')).merchantId;
    merchantB = (await t.createMerchant('B')).merchantId;
  });
  afterAll(() => t?.close());

  const em = () => t.gateway.database.em.fork();
  const keys = () => t.gateway.services.privacy.keys;

  test('a subject is created once per merchant and reference, even when asked concurrently', async () => {
    const subject = { merchantId: merchantA, customerRef: 'alice-concurrent' };
    const ids = await Promise.all(Array.from({ length: 8 }, () => keys().subjectId(em(), subject)));
    expect(new Set(ids).size).toBe(1);
    expect(await keys().findSubjectId(em(), subject)).toBe(ids[0]);
    const other = await keys().subjectId(em(), { merchantId: merchantB, customerRef: 'alice-concurrent' });
    expect(other).not.toBe(ids[0]);
    expect(await keys().findSubjectId(em(), { merchantId: merchantA, customerRef: 'nobody' })).toBeNull();
  });

  test('sealed values open under the subject’s key, bound to where they are stored', async () => {
    const id = await keys().subjectId(em(), { merchantId: merchantA, customerRef: 'bob' });
    const sealed = await keys().seal(em(), id, '+82 10-1234-5678', 'Thing.phone:1');
    expect(sealed).not.toContain('1234');
    expect(sealed.startsWith(`p1.${id}.`)).toBe(true);
    expect(await keys().open(em(), sealed, 'Thing.phone:1')).toBe('+82 10-1234-5678');
    await expect(keys().open(em(), sealed, 'Thing.phone:2')).rejects.toThrow();
    expect(await keys().customerRef(em(), id)).toBe('bob');
  });

  test('the raw table holds no customer reference in clear', async () => {
    const reference = 'carol-raw-check@example.com';
    await keys().subjectId(em(), { merchantId: merchantA, customerRef: reference });
    const rows = await query(em(), 'select * from privacy_subject');
    expect(JSON.stringify(rows)).not.toContain('carol-raw-check');
    const indexKey = await query(em(), 'select * from privacy_index_key');
    expect(indexKey).toHaveLength(1);
  });

  test('shredding makes every value sealed under the key unreadable; the reference gets a new subject', async () => {
    const subject = { merchantId: merchantA, customerRef: 'dave' };
    const id = await keys().subjectId(em(), subject);
    const sealed = await Promise.all(['a', 'b', 'c'].map((v, i) => keys().seal(em(), id, v, `T.f:${i}`)));
    expect(await keys().shred(em(), id)).toBe(true);
    expect(await keys().shred(em(), id)).toBe(false);
    for (const [i, value] of sealed.entries()) expect(await keys().open(em(), value, `T.f:${i}`)).toBeNull();
    expect(await keys().customerRef(em(), id)).toBeNull();
    await expect(keys().seal(em(), id, 'x', 'T.f:9')).rejects.toThrow(/no live key/);
    const [tombstone] = await query<Record<string, unknown>>(
      em(),
      'select * from privacy_subject where id = ?',
      [id],
    );
    expect(tombstone).toMatchObject({ ref_index: null, ref_sealed: null, wrapped_key: null });
    expect(tombstone?.shredded_at).not.toBeNull();
    expect(await keys().findSubjectId(em(), subject)).toBeNull();
    const again = await keys().subjectId(em(), subject);
    expect(again).not.toBe(id);
  });

  test('a value naming a subject that does not exist is refused, not read as shredded', async () => {
    await expect(
      keys().open(em(), 'p1.00000000-0000-4000-8000-000000000000.v1.AAAA.BBBB', 'T.f:0'),
    ).rejects.toThrow(/does not exist/);
    await expect(keys().open(em(), 'garbage', 'T.f:0')).rejects.toThrow(/not a value sealed/);
  });
});
