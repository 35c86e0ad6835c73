import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/plugin-api.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { createCustomer, customerSession, giveConsent, publishNotice } from '../consent/support.ts';
import { built, contextOf, download, exportRows, portabilityGateway, readExport } from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await portabilityGateway();
});
afterAll(() => t?.close());

const PURPOSES = [{ id: 'payment', mandatory: true, items: ['name', 'email'] }];

interface ExportDocument {
  format: string;
  version: number;
  kind: string;
  subject: { merchantId: string; customerRef: string };
  sections: {
    name: string;
    plugin: string;
    source: string;
    csv: string;
    count: number;
    records: unknown[];
  }[];
  omitted: { name: string; source: string }[];
  processing?: { plugin: string; entity: string; field: string; personal: boolean }[];
  recipients?: string[];
}

/** A shop with a customer who consented once; the customer's own session. */
async function consentedCustomer(customerRef: string) {
  const shop = await t.createMerchant('Export shop', { country: 'DE' });
  const notice = await publishNotice(shop.client, {
    language: 'de',
    territories: ['DE'],
    purposes: PURPOSES,
  });
  await createCustomer(shop.client, customerRef, 'DE');
  const session = await customerSession(t, shop.client, customerRef);
  await giveConsent(session, { noticeId: notice.id, decisions: [{ purpose: 'payment', granted: true }] });
  return { shop, session, subject: { merchantId: shop.merchantId, customerRef } };
}

async function exportOf(
  subject: { merchantId: string; customerRef: string },
  kind: 'access' | 'portability',
  requestId?: string,
) {
  const ctx = contextOf(t, { kind: 'merchant', keyId: 'test', merchantId: subject.merchantId });
  return t.gateway.services.portability.createExport(ctx, subject, {
    kind,
    ...(requestId ? { requestId } : {}),
  });
}

describe('portability', () => {
  test('carries what the subject provided and what was observed, never inferred or derived data', async () => {
    const { shop, session, subject } = await consentedCustomer('anna');
    const created = await exportOf(subject, 'portability');
    expect(created).toMatchObject({ kind: 'portability', status: 'pending', url: null });

    const ready = await built(t, shop.client, created);
    expect(ready).toMatchObject({
      __typename: 'DataExport',
      status: 'ready',
      url: `/exports/${created.id}/export.json`,
    });
    expect(ready.files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['export.json', 'consent.receipts.csv', 'scoring.visits.csv']),
    );
    expect(ready.files.map((f) => f.name)).not.toContain('scoring.risk.csv');

    const response = await download(t, session.token, ready.url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const document = (await response.json()) as ExportDocument;
    expect(document).toMatchObject({
      format: 'micropay-gateway/subject-export',
      version: 1,
      kind: 'portability',
      subject,
    });
    const names = document.sections.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['consent.receipts', 'scoring.visits']));
    expect(names).not.toContain('scoring.risk');
    expect(names).not.toContain('scoring.segment');
    expect(document.sections.every((s) => s.source === 'provided' || s.source === 'observed')).toBe(true);
    expect(document.omitted).toEqual(
      expect.arrayContaining([
        { name: 'scoring.risk', plugin: 'scoring', source: 'inferred' },
        { name: 'scoring.segment', plugin: 'scoring', source: 'derived' },
      ]),
    );
    expect(document.processing).toBeUndefined();
    const receipts = document.sections.find((s) => s.name === 'consent.receipts')!;
    expect(receipts).toMatchObject({ count: 1, records: [{ sequence: 1, method: expect.any(String) }] });
    // Money stays exact: bigints are decimal strings.
    const visits = document.sections.find((s) => s.name === 'scoring.visits')!;
    expect(visits.records[0]).toEqual({
      at: '2026-01-02T03:04:05.000Z',
      page: '/pay',
      amount: '1250',
      meta: { device: 'phone' },
    });

    const csv = await download(t, session.token, `/exports/${created.id}/scoring.visits.csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toBe(
      'at,page,amount,meta\r\n' +
        '2026-01-02T03:04:05.000Z,/pay,1250,"{""device"":""phone""}"\r\n' +
        '2026-01-03T03:04:05.000Z,"/a ""quoted"", page",5,\r\n' +
        '2026-01-04T03:04:05.000Z,"line one\nline two",1,\r\n',
    );
  });

  test('a client that takes no gzip gets the same bytes inflated, with their length', async () => {
    const { shop, subject } = await consentedCustomer('bela');
    const ready = await built(t, shop.client, await exportOf(subject, 'portability'));
    const gzip = await download(t, shop.key, ready.url!);
    const plain = await download(t, shop.key, ready.url!, { 'accept-encoding': 'identity' });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const text = await plain.text();
    expect(Number(plain.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(text).toBe(await gzip.text());
    expect(ready.files.find((f) => f.name === 'export.json')!.bytes).toBe(Buffer.byteLength(text));
  });
});

describe('access', () => {
  test('carries every section, inferred ones included, the record of processing that applies and its recipients', async () => {
    const { shop, session, subject } = await consentedCustomer('carl');
    const requestId = '6f1d2c1e-5b1a-4c39-9a0e-2d7c8b4f1a01';
    const created = await exportOf(subject, 'access', requestId);
    const ready = await built(t, session, created);
    expect(ready).toMatchObject({ status: 'ready', requestId });
    const document = (await (await download(t, shop.key, ready.url!)).json()) as ExportDocument;
    expect(document.kind).toBe('access');
    expect(document.sections.map((s) => s.name)).toEqual(
      expect.arrayContaining(['consent.receipts', 'scoring.visits', 'scoring.risk', 'scoring.segment']),
    );
    expect(document.omitted).toEqual([]);
    expect(document.sections.find((s) => s.name === 'scoring.risk')).toMatchObject({
      source: 'inferred',
      records: [{ score: 0.93, of: 'carl' }],
    });
    // The entries of the plugins that hold something about the subject, personal fields only.
    expect(document.processing!.length).toBeGreaterThan(0);
    expect(document.processing!.every((e) => e.personal)).toBe(true);
    expect(document.processing!.map((e) => e.plugin)).toContain('consent');
    expect(Array.isArray(document.recipients)).toBe(true);
  });
});

describe('who downloads', () => {
  test('the subject, its merchant and operators; not another customer, another tenant, a partner or a stranger', async () => {
    const { shop, session, subject } = await consentedCustomer('dora');
    const ready = await built(t, shop.client, await exportOf(subject, 'access'));
    const other = await consentedCustomer('erik');
    const neighbour = await customerSession(t, shop.client, 'erik');

    for (const token of [session.token, shop.key, t.operatorKey]) {
      expect((await download(t, token, ready.url!)).status).toBe(200);
    }
    for (const token of [other.shop.key, other.session.token, neighbour.token]) {
      const response = await download(t, token, ready.url!);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('dora');
      expect(await readExport(t.http(token), ready.id)).toMatchObject({ __typename: 'NotFoundError' });
    }
    const anonymous = await download(t, undefined, ready.url!);
    expect(anonymous.status).toBe(401);
    expect((await download(t, 'gw_m_not-a-key', ready.url!)).status).toBe(401);
    expect((await download(t, shop.key, `/exports/${ready.id}/../export.json`)).status).toBe(404);
    expect((await download(t, shop.key, `/exports/${ready.id}/nothing.csv`)).status).toBe(404);
  });

  test('a merchant cannot start an export of another merchant’s subject', async () => {
    const { subject } = await consentedCustomer('fritz');
    const stranger = await t.createMerchant('Stranger');
    const ctx = contextOf(t, { kind: 'merchant', keyId: 'test', merchantId: stranger.merchantId });
    await expect(
      t.gateway.services.portability.createExport(ctx, subject, { kind: 'access' }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_DATA_SUBJECT' });
  });
});

describe('expiry', () => {
  test('the link stops working when the export expires, and the cleanup deletes it with its chunks', async () => {
    const { shop, session, subject } = await consentedCustomer('greta');
    const ready = await built(t, shop.client, await exportOf(subject, 'portability'));
    expect((await exportRows(t, ready.id)).chunks).toBeGreaterThan(0);

    // Time passes: the export's link lifetime is over.
    await query(
      t.gateway.database.em.fork(),
      `update portability_export set expires_at = now() - interval '1 second' where id = ?`,
      [ready.id],
    );
    expect((await download(t, session.token, ready.url!)).status).toBe(404);
    expect(await readExport(shop.client, ready.id)).toMatchObject({ __typename: 'NotFoundError' });

    await t.gateway.services.portability.deleteExpired();
    expect(await exportRows(t, ready.id)).toEqual({ exports: 0, chunks: 0 });
  });

  test('an erased subject’s export cannot be read: its chunks were sealed under the shredded key', async () => {
    const { shop, subject } = await consentedCustomer('hugo');
    const ready = await built(t, shop.client, await exportOf(subject, 'access'));
    const em = t.gateway.database.em.fork();
    const subjectId = (await t.gateway.services.privacy.keys.findSubjectId(em, subject))!;
    await t.gateway.services.privacy.eraseSubject(em, subject);
    await t.gateway.services.privacy.keys.shred(em, subjectId);
    expect(await exportRows(t, ready.id)).toEqual({ exports: 0, chunks: 0 });
    expect((await download(t, shop.key, ready.url!)).status).toBe(404);
  });
});
