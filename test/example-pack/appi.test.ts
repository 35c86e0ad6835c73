import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';
import { appiPlugin } from './appi/index.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [appiPlugin] });
});
afterAll(() => t?.close());

test('privacyRules shows the new pack for Japan, each rule with its article', async () => {
  const { privacyRules } = await t.operator.data<{ privacyRules: { data: unknown[] } }>(
    `{ privacyRules(jurisdiction: "JP") { ... on QueryPrivacyRulesSuccess {
      data { law because rules { id article } } } } }`,
  );
  expect(privacyRules.data).toEqual([
    {
      law: 'appi',
      because: 'residence',
      rules: [
        { id: 'consent', article: 'APPI Art. 18(1), Art. 27(1)' },
        { id: 'sensitive', article: 'APPI Art. 2(3)' },
        { id: 'breach.authority', article: 'APPI Art. 26(1); PPC Enforcement Rules Art. 8(2)' },
        { id: 'breach.subjects', article: 'APPI Art. 26(2)' },
      ],
    },
  ]);
});

test('a breach in Japan lists the report to the PPC, due 30 days after discovery', async () => {
  const { merchantId } = await t.createMerchant();
  const { recordPrivacyBreach } = await t.operator.data<{
    recordPrivacyBreach: { notifications: unknown[] };
  }>(
    `mutation($m: ID!) { recordPrivacyBreach(input: { merchantId: $m, discoveredAt: "2026-11-02T10:00:00Z",
      description: "misdirected e-mail", dataCategories: ["email"], affected: [{ jurisdiction: "JP", subjects: 2 }] }) {
      ... on PrivacyBreach { notifications { law notify dueAt } } } }`,
    { m: merchantId },
  );
  expect(recordPrivacyBreach.notifications).toEqual([
    { law: 'appi', notify: 'authority', dueAt: '2026-12-02T10:00:00.000Z' },
    { law: 'appi', notify: 'subjects', dueAt: null },
  ]);
});
