import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/plugin-api.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import {
  allows,
  bornYearsAgo,
  consentGateway,
  consentState,
  createCustomer,
  customerSession,
  dataWith,
  giveConsent,
  publishNotice,
  RECEIPT_FIELDS,
  type Receipt,
  receipts,
} from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await consentGateway();
});
afterAll(() => t?.close());

const KOREAN_PURPOSES = [
  { id: 'payment', mandatory: true, items: ['name', 'phone'] },
  { id: 'marketing', mandatory: false, items: ['email', 'phone'] },
];
const GPC = { 'sec-gpc': '1' };

describe('a Korean customer refuses the optional marketing item', () => {
  test('the receipt lists each item with the notice version; marketing is not allowed, payment is', async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'ko',
      territories: ['KR'],
      purposes: KOREAN_PURPOSES,
    });
    await createCustomer(shop, 'kim', 'KR');
    const kim = await customerSession(t, shop, 'kim');

    const { applicableConsentNotices } = await kim.data<{
      applicableConsentNotices: {
        data: { id: string; version: number; purposes: { id: string; items: string[] }[] }[];
      };
    }>(
      '{ applicableConsentNotices(language: "ko") { ... on QueryApplicableConsentNoticesSuccess { data { id version purposes { id items } } } } }',
    );
    expect(applicableConsentNotices.data).toEqual([
      { id: notice.id, version: 1, purposes: KOREAN_PURPOSES.map(({ id, items }) => ({ id, items })) },
    ]);

    const receipt = await giveConsent(kim, {
      noticeId: notice.id,
      decisions: [
        { purpose: 'payment', granted: true },
        { purpose: 'marketing', granted: false },
      ],
    });
    expect(receipt).toMatchObject({
      __typename: 'ConsentReceipt',
      sequence: 1,
      noticeVersion: 1,
      noticeHash: notice.contentHash,
      method: 'explicit',
      jurisdiction: 'KR',
      previousHash: null,
      decisions: [
        { purpose: 'payment', state: 'granted', mandatory: true, items: ['name', 'phone'] },
        { purpose: 'marketing', state: 'refused', mandatory: false, items: ['email', 'phone'] },
      ],
    });
    expect(receipt.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await allows(t, merchantId, 'kim', 'marketing')).toBe(false);
    expect(await allows(t, merchantId, 'kim', 'payment')).toBe(true);
  });

  test('bundled or partial decisions are refused and record nothing', async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'ko',
      territories: ['KR'],
      purposes: KOREAN_PURPOSES,
    });
    await createCustomer(shop, 'lee', 'KR');
    const lee = await customerSession(t, shop, 'lee');
    const missing = await giveConsent(lee, {
      noticeId: notice.id,
      decisions: [{ purpose: 'payment', granted: true }],
    });
    expect(missing).toMatchObject({ __typename: 'ValidationError', field: 'decisions' });
    const unknown = await giveConsent(lee, {
      noticeId: notice.id,
      decisions: [
        ...KOREAN_PURPOSES.map((p) => ({ purpose: p.id, granted: true })),
        { purpose: 'all', granted: true },
      ],
    });
    expect(unknown).toMatchObject({ __typename: 'ValidationError', field: 'decisions' });
    expect(await receipts(lee)).toEqual([]);
  });

  test('a new version replaces the notice for new decisions; the old one stays readable', async () => {
    const { client: shop } = await t.createMerchant();
    const v1 = await publishNotice(shop, { language: 'ko', territories: ['KR'], purposes: KOREAN_PURPOSES });
    const v2 = await publishNotice(shop, {
      language: 'ko',
      territories: ['KR'],
      purposes: [...KOREAN_PURPOSES, { id: 'analytics', mandatory: false, items: ['purchase history'] }],
    });
    expect(v2.version).toBe(2);
    await createCustomer(shop, 'park', 'KR');
    const park = await customerSession(t, shop, 'park');
    const old = await giveConsent(park, {
      noticeId: v1.id,
      decisions: KOREAN_PURPOSES.map((p) => ({ purpose: p.id, granted: true })),
    });
    expect(old).toMatchObject({ __typename: 'ValidationError', field: 'noticeId' });
    const { consentNotice } = await park.data<{ consentNotice: { version: number; contentHash: string } }>(
      'query($id: ID!) { consentNotice(id: $id) { ... on ConsentNotice { version contentHash } } }',
      { id: v1.id },
    );
    expect(consentNotice).toEqual({ version: 1, contentHash: v1.contentHash });
  });
});

describe('a Korean customer aged 13', () => {
  test('cannot consent alone; a guardian’s consent is recorded, sealed, and works', async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'ko',
      territories: ['KR'],
      purposes: KOREAN_PURPOSES,
    });
    await createCustomer(shop, 'child', 'KR', bornYearsAgo(13));
    const child = await customerSession(t, shop, 'child');
    const grantAll = KOREAN_PURPOSES.map((p) => ({ purpose: p.id, granted: true }));

    const alone = await giveConsent(child, { noticeId: notice.id, decisions: grantAll });
    expect(alone).toMatchObject({
      __typename: 'GuardianConsentRequired',
      code: 'GUARDIAN_CONSENT_REQUIRED',
      law: 'pipa',
      minimumAge: 14,
      article: 'PIPA Art. 22-2(1)',
    });
    expect(await receipts(child)).toEqual([]);

    const { recordGuardianConsent } = await shop.data<{ recordGuardianConsent: Receipt }>(
      `mutation($input: GuardianConsentInput!) { recordGuardianConsent(input: $input) { ${RECEIPT_FIELDS} ... on Error { code message } } }`,
      {
        input: {
          customerRef: 'child',
          noticeId: notice.id,
          decisions: grantAll,
          collectionPoint: 'guardian form',
          guardian: { name: 'Guardian Hong', relationship: 'parent', contact: '+82-10-5555-0101' },
          verification: 'phone',
        },
      },
    );
    expect(recordGuardianConsent).toMatchObject({
      method: 'guardian',
      guardian: { name: 'Guardian Hong', relationship: 'parent', contact: '+82-10-5555-0101' },
      guardianVerification: 'phone',
    });
    expect(await allows(t, merchantId, 'child', 'marketing')).toBe(true);
    // The child reads its own receipts, guardian included; the table holds no clear identity.
    expect((await receipts(child)).map((r) => r.guardian?.name)).toEqual(['Guardian Hong']);
    const raw = await query<Record<string, unknown>>(
      t.gateway.database.em.fork(),
      'select * from consent_receipt',
    );
    expect(JSON.stringify(raw)).not.toMatch(/Guardian Hong|5555-0101/);
  });

  test('a 14-year-old Korean consents alone', async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'ko',
      territories: ['KR'],
      purposes: KOREAN_PURPOSES,
    });
    await createCustomer(shop, 'teen', 'KR', bornYearsAgo(14));
    const teen = await customerSession(t, shop, 'teen');
    const receipt = await giveConsent(teen, {
      noticeId: notice.id,
      decisions: KOREAN_PURPOSES.map((p) => ({ purpose: p.id, granted: true })),
    });
    expect(receipt.__typename).toBe('ConsentReceipt');
  });
});

describe('a Californian with an earlier opt-in to sharing sends Sec-GPC: 1', () => {
  const PURPOSES = [
    { id: 'service', mandatory: true, items: ['email'] },
    { id: 'sharing', mandatory: false, items: ['email', 'purchase history'], sellsOrShares: true },
  ];

  test('sharing stops, the receipt says GPC, and the merchant sees the conflict', async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const notice = await publishNotice(shop, { language: 'en', territories: ['US-CA'], purposes: PURPOSES });
    await createCustomer(shop, 'cal', 'US-CA');
    const cal = await customerSession(t, shop, 'cal');
    const optIn = await giveConsent(cal, {
      noticeId: notice.id,
      decisions: PURPOSES.map((p) => ({ purpose: p.id, granted: true })),
    });
    expect(await allows(t, merchantId, 'cal', 'sharing')).toBe(true);

    const state = await consentState(cal, GPC);
    expect(state.find((s) => s.purpose === 'sharing')).toMatchObject({
      granted: false,
      method: 'gpc',
      gpcConflict: true,
    });
    expect(state.find((s) => s.purpose === 'service')).toMatchObject({ granted: true });
    expect(await allows(t, merchantId, 'cal', 'sharing')).toBe(false);

    const merchantView = await receipts(shop, 'cal');
    expect(merchantView.at(-1)).toMatchObject({
      method: 'gpc',
      decisions: [{ purpose: 'sharing', state: 'refused' }],
      conflict: { purposes: ['sharing'], overrode: [optIn.id] },
    });
    expect((await consentState(shop, {}, 'cal')).find((s) => s.purpose === 'sharing')?.gpcConflict).toBe(
      true,
    );

    // The signal again: nothing new to opt out of.
    await consentState(cal, GPC);
    expect(await receipts(cal)).toHaveLength(2);

    // The merchant asks again and the customer opts in herself: a later signal does not undo it.
    const again = await giveConsent(
      cal,
      { noticeId: notice.id, decisions: PURPOSES.map((p) => ({ purpose: p.id, granted: true })) },
      GPC,
    );
    expect(again.method).toBe('explicit');
    await consentState(cal, GPC);
    expect(await allows(t, merchantId, 'cal', 'sharing')).toBe(true);
    expect(await receipts(cal)).toHaveLength(3);
  });

  test('an opt-in the customer makes while the signal is on comes after a recorded opt-out, and stands', async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const notice = await publishNotice(shop, { language: 'en', territories: ['US-CA'], purposes: PURPOSES });
    await createCustomer(shop, 'lee-ca', 'US-CA');
    const lee = await customerSession(t, shop, 'lee-ca');
    const grant = await giveConsent(
      lee,
      { noticeId: notice.id, decisions: PURPOSES.map((p) => ({ purpose: p.id, granted: true })) },
      GPC,
    );
    expect(grant.method).toBe('explicit');
    const chain = await receipts(lee);
    expect(chain.map((r) => [r.method, r.conflict])).toEqual([
      ['gpc', null],
      ['explicit', null],
    ]);
    expect(chain[0]!.decisions).toMatchObject([{ purpose: 'sharing', state: 'refused' }]);
    await consentState(lee, GPC);
    expect(await allows(t, merchantId, 'lee-ca', 'sharing')).toBe(true);
    expect(await receipts(lee)).toHaveLength(2);
  });

  test('the signal changes nothing for a subject outside California', async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, { language: 'en', territories: ['US'], purposes: PURPOSES });
    await createCustomer(shop, 'ny', 'US-NY');
    const ny = await customerSession(t, shop, 'ny');
    await giveConsent(ny, {
      noticeId: notice.id,
      decisions: PURPOSES.map((p) => ({ purpose: p.id, granted: true })),
    });
    expect((await consentState(ny, GPC)).find((s) => s.purpose === 'sharing')?.granted).toBe(true);
  });
});

describe('an EU customer withdraws analytics consent', () => {
  test('one call; the next allows is false and consent.changed tells partners', async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'en',
      territories: ['FR', 'DE'],
      purposes: [{ id: 'analytics', mandatory: false, items: ['pages visited'] }],
    });
    const customerId = await createCustomer(shop, 'marie', 'FR');
    const marie = await customerSession(t, shop, 'marie');
    await giveConsent(marie, { noticeId: notice.id, decisions: [{ purpose: 'analytics', granted: true }] });
    expect(await allows(t, merchantId, 'marie', 'analytics')).toBe(true);

    const { withdrawConsent } = await dataWith<{ withdrawConsent: { receipts: Receipt[] } }>(
      marie,
      `mutation { withdrawConsent(input: { purposes: ["analytics"], collectionPoint: "privacy page" }) {
        ... on ConsentWithdrawal { receipts { ${RECEIPT_FIELDS} } } } }`,
      {},
    );
    expect(withdrawConsent.receipts).toMatchObject([
      { sequence: 2, decisions: [{ purpose: 'analytics', state: 'withdrawn' }] },
    ]);
    expect(await allows(t, merchantId, 'marie', 'analytics')).toBe(false);

    const events = await query<{ payload: { customerId: string; purposes: unknown[] } }>(
      t.gateway.database.em.fork(),
      `select payload from gateway_event where merchant_id = ? and type = 'consent.changed' order by insert_order`,
      [merchantId],
    );
    expect(events.map((e) => e.payload)).toMatchObject([
      { customerId, purposes: [{ purpose: 'analytics', granted: true }] },
      { customerId, purposes: [{ purpose: 'analytics', granted: false }] },
    ]);
  });
});

describe('receipt chains', () => {
  test('receipts cannot be changed; a change made around the guard is reported by verify-receipts', async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'ko',
      territories: ['KR'],
      purposes: KOREAN_PURPOSES,
    });
    await createCustomer(shop, 'choi', 'KR');
    const choi = await customerSession(t, shop, 'choi');
    for (const granted of [true, false, true]) {
      await giveConsent(choi, {
        noticeId: notice.id,
        decisions: [
          { purpose: 'payment', granted: true },
          { purpose: 'marketing', granted },
        ],
      });
    }
    const chain = await receipts(choi);
    expect(chain.map((r) => r.previousHash)).toEqual([null, chain[0]!.hash, chain[1]!.hash]);

    const verify = t.gateway.commands.get('privacy verify-receipts')!;
    const run = async () => {
      const lines: string[] = [];
      const code = await verify.run({
        em: t.gateway.database.em.fork(),
        out: (l) => lines.push(l),
        flags: {},
      });
      return { code, lines };
    };
    expect((await run()).code).toBe(0);

    const em = t.gateway.database.em.fork();
    await expect(
      query(em, `update consent_receipt set method = 'api' where id = ?`, [chain[1]!.id]),
    ).rejects.toThrow(/append-only/);
    await query(em, 'alter table consent_receipt disable trigger consent_receipt_append_only');
    await query(
      em,
      `update consent_receipt set decisions = jsonb_set(decisions, '{1,state}', '"granted"') where id = ?`,
      [chain[1]!.id],
    );
    await query(em, 'alter table consent_receipt enable trigger consent_receipt_append_only');
    const tampered = await run();
    expect(tampered.code).toBe(1);
    expect(tampered.lines.join('\n')).toContain(`receipt 2 (${chain[1]!.id}): hash does not match`);
  });
});

describe('the subject hooks', () => {
  test('export lists the receipts; erasure keeps them, and a shredded key leaves them pseudonymous and verifiable', async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'ko',
      territories: ['KR'],
      purposes: KOREAN_PURPOSES,
    });
    await createCustomer(shop, 'yoon', 'KR');
    const yoon = await customerSession(t, shop, 'yoon');
    await giveConsent(yoon, {
      noticeId: notice.id,
      decisions: KOREAN_PURPOSES.map((p) => ({ purpose: p.id, granted: true })),
    });
    const em = t.gateway.database.em.fork();
    const subject = { merchantId, customerRef: 'yoon' };

    const sections = await t.gateway.services.privacy.exportSubject(em, subject);
    const section = sections.find((s) => s.name === 'consent.receipts')!;
    const records = [];
    for await (const record of section.records) records.push(record);
    expect(records).toMatchObject([
      { sequence: 1, jurisdiction: 'KR', notice: { key: 'checkout', version: 1 } },
    ]);

    const subjectId = (await t.gateway.services.privacy.keys.findSubjectId(em, subject))!;
    // The erasure shreds the subject's key itself, in its transaction.
    const erasure = await t.gateway.services.privacy.eraseSubject(em, subject);
    expect(erasure.find((e) => e.plugin === 'consent')).toMatchObject({
      erased: [],
      kept: [{ what: 'ConsentReceipt' }],
    });
    expect(await t.gateway.services.privacy.keys.findSubjectId(em, subject)).toBeNull();
    const [row] = await query<{ personal_sealed: string }>(
      em,
      'select personal_sealed from consent_receipt where subject_id = ?',
      [subjectId],
    );
    expect(
      await t.gateway.services.privacy.keys.open(
        em,
        row!.personal_sealed,
        `ConsentReceipt.personalSealed:${(await receiptIds(subjectId))[0]}`,
      ),
    ).toBeNull();
    // Its chain still verifies (another test of this file breaks a chain of its own).
    const lines: string[] = [];
    await t.gateway.commands
      .get('privacy verify-receipts')!
      .run({ em, out: (l) => lines.push(l), flags: {} });
    expect(lines.filter((l) => l.includes(subjectId))).toEqual([]);
  });
});

async function receiptIds(subjectId: string): Promise<string[]> {
  const rows = await query<{ id: string }>(
    t.gateway.database.em.fork(),
    'select id from consent_receipt where subject_id = ? order by sequence',
    [subjectId],
  );
  return rows.map((r) => r.id);
}

describe('notices', () => {
  test('a notice must say, for each purpose, its items, retention and what refusing means', async () => {
    const { client: shop } = await t.createMerchant();
    const { publishConsentNotice } = await shop.data<{
      publishConsentNotice: { __typename: string; field?: string };
    }>(
      `mutation { publishConsentNotice(input: { key: "checkout", language: "ko", territories: ["KR"], title: "t", purposes: [
        { id: "marketing", description: "offers", mandatory: false, items: [], retention: "1 year", refusalConsequence: "none" }
      ] }) { __typename ... on ValidationError { field } } }`,
    );
    expect(publishConsentNotice).toEqual({ __typename: 'ValidationError', field: 'purposes' });
    const { consentNotices } = await shop.data<{ consentNotices: unknown[] }>('{ consentNotices { id } }');
    expect(consentNotices).toEqual([]);
  });

  test('a refused decision records nothing, not even the GPC signal it carried', async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'en',
      territories: ['US-CA'],
      purposes: [{ id: 'sharing', mandatory: false, items: ['email'], sellsOrShares: true }],
    });
    await createCustomer(shop, 'sam', 'US-CA');
    const sam = await customerSession(t, shop, 'sam');
    await giveConsent(sam, { noticeId: notice.id, decisions: [{ purpose: 'sharing', granted: true }] });
    const bad = await giveConsent(sam, { noticeId: notice.id, decisions: [] }, GPC);
    expect(bad).toMatchObject({ __typename: 'ValidationError', field: 'decisions' });
    expect(await receipts(sam)).toHaveLength(1);
  });
});

describe('tenancy', () => {
  test('a merchant sees neither another merchant’s notices nor its customers’ receipts; a session acts only for itself', async () => {
    const a = await t.createMerchant();
    const b = await t.createMerchant();
    const notice = await publishNotice(a.client, {
      language: 'ko',
      territories: ['KR'],
      purposes: KOREAN_PURPOSES,
    });
    await createCustomer(a.client, 'jung', 'KR');
    await createCustomer(a.client, 'han', 'KR');
    const jung = await customerSession(t, a.client, 'jung');
    await giveConsent(jung, {
      noticeId: notice.id,
      decisions: KOREAN_PURPOSES.map((p) => ({ purpose: p.id, granted: true })),
    });

    const { consentNotice } = await b.client.data<{ consentNotice: { __typename: string } }>(
      'query($id: ID!) { consentNotice(id: $id) { __typename } }',
      { id: notice.id },
    );
    expect(consentNotice.__typename).toBe('NotFoundError');
    expect(await b.client.data('{ consentNotices { id } }')).toEqual({ consentNotices: [] });
    expect(await receipts(b.client, 'jung')).toEqual([]);
    expect(await allows(t, b.merchantId, 'jung', 'marketing')).toBe(false);
    // Through B's notice id space, A's notice cannot be decided on either.
    const onB = await giveConsent(b.client, {
      customerRef: 'jung',
      noticeId: notice.id,
      decisions: KOREAN_PURPOSES.map((p) => ({ purpose: p.id, granted: true })),
    });
    expect(onB.__typename).toBe('NotFoundError');

    const other = await giveConsent(jung, {
      customerRef: 'han',
      noticeId: notice.id,
      decisions: KOREAN_PURPOSES.map((p) => ({ purpose: p.id, granted: true })),
    });
    expect(other).toMatchObject({ __typename: 'ValidationError', field: 'customerRef' });
    expect(await receipts(a.client, 'han')).toEqual([]);
  });
});
