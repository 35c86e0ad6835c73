import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { packsGateway } from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await packsGateway();
});
afterAll(() => t?.close());

const RECORD = `mutation($input: RecordPrivacyBreachInput!) { recordPrivacyBreach(input: $input) {
  __typename
  ... on PrivacyBreach { id discoveredAt affected { jurisdiction subjects }
    notifications { law notify to jurisdiction subjects dueAt article } }
  ... on ValidationError { field }
  ... on NotFoundError { resource }
} }`;

interface Notification {
  law: string;
  notify: string;
  jurisdiction: string;
  subjects: number;
  dueAt: string | null;
  article: string;
}

test('a breach lists, per jurisdiction, each notification the packs require with its deadline', async () => {
  const { merchantId } = await t.createMerchant();
  const discoveredAt = '2026-11-27T22:30:00.000Z';
  const { recordPrivacyBreach } = await t.operator.data<{
    recordPrivacyBreach: { __typename: string; notifications: Notification[] };
  }>(RECORD, {
    input: {
      merchantId,
      discoveredAt,
      description: 'a backup bucket was public for two hours',
      dataCategories: ['email', 'phone'],
      affected: [
        { jurisdiction: 'KR', subjects: 120 },
        { jurisdiction: 'FR-75', subjects: 3 },
        { jurisdiction: 'US-CA', subjects: 40 },
        { jurisdiction: 'US-NY', subjects: 7 },
      ],
    },
  });
  expect(recordPrivacyBreach.__typename).toBe('PrivacyBreach');
  const view = recordPrivacyBreach.notifications.map(({ law, notify, jurisdiction, subjects, dueAt }) => [
    law,
    notify,
    jurisdiction,
    subjects,
    dueAt,
  ]);
  const in72h = '2026-11-30T22:30:00.000Z';
  expect(view).toEqual([
    ['pipa', 'subjects', 'KR', 120, in72h],
    ['pipa', 'authority', 'KR', 120, in72h],
    ['gdpr', 'authority', 'FR-75', 3, in72h],
    ['gdpr', 'subjects', 'FR-75', 3, null],
    ['cpra', 'subjects', 'US-CA', 40, null],
    ['cpra', 'authority', 'US-CA', 40, null],
  ]);
  expect(recordPrivacyBreach.notifications.find((n) => n.law === 'gdpr')?.article).toBe('GDPR Art. 33(1)');

  const { privacyBreaches } = await t.operator.data<{
    privacyBreaches: { data: { notifications: unknown[] }[] };
  }>(
    'query($m: ID!) { privacyBreaches(merchantId: $m) { ... on QueryPrivacyBreachesSuccess { data { notifications { law } } } } }',
    { m: merchantId },
  );
  expect(privacyBreaches.data).toHaveLength(1);
  expect(privacyBreaches.data[0]!.notifications).toHaveLength(6);
});

test('bad input is a typed error and records nothing; merchants cannot record or read breaches', async () => {
  const shop = await t.createMerchant();
  const base = {
    merchantId: shop.merchantId,
    discoveredAt: '2026-11-01T00:00:00Z',
    description: 'lost laptop',
    dataCategories: ['email'],
    affected: [{ jurisdiction: 'KR', subjects: 1 }],
  };
  for (const [field, input] of [
    ['discoveredAt', { ...base, discoveredAt: '2999-01-01T00:00:00Z' }],
    ['affected', { ...base, affected: [{ jurisdiction: 'XX', subjects: 1 }] }],
    ['affected', { ...base, affected: [{ jurisdiction: 'KR', subjects: 0 }] }],
    ['affected', { ...base, affected: [] }],
    ['description', { ...base, description: ' ' }],
  ] as const) {
    const { recordPrivacyBreach } = await t.operator.data<{ recordPrivacyBreach: unknown }>(RECORD, {
      input,
    });
    expect(recordPrivacyBreach).toEqual({ __typename: 'ValidationError', field });
  }
  const { privacyBreaches } = await t.operator.data<{ privacyBreaches: { data: unknown[] } }>(
    'query($m: ID!) { privacyBreaches(merchantId: $m) { ... on QueryPrivacyBreachesSuccess { data { id } } } }',
    { m: shop.merchantId },
  );
  expect(privacyBreaches.data).toEqual([]);
  const refused = await shop.client.request(RECORD, { input: base });
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
