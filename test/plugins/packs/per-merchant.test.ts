import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { SET_PLUGIN_ENABLED, setPluginEnabled } from '../../core/enablement/support.ts';
import { createCustomer, customerSession, giveConsent, publishNotice } from '../consent/support.ts';
import { packsGateway, pay, privacyRules } from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await packsGateway();
});
afterAll(() => t?.close());

const KOREAN = [
  { id: 'payment', mandatory: true, items: ['name', 'phone'] },
  { id: 'marketing', mandatory: false, items: ['email'] },
];
const AUDIT = `query($m: ID!) { pluginSwitchAudit(merchantId: $m, plugin: "pipa") {
  ... on QueryPluginSwitchAuditConnection { edges { node { plugin before after reason changedBy { kind keyId } } } }
} }`;
const PUBLISH_KR = `mutation { publishConsentNotice(input: {
  key: "checkout", language: "ko", territories: ["KR"], title: "개인정보",
  purposes: [{ id: "payment", description: "결제", mandatory: true, items: ["name"], retention: "5년",
    refusalConsequence: "결제 불가" }] }) {
  __typename ... on RegulationPackDisabled { code law jurisdiction } } }`;

test('an operator disables the PIPA pack for one merchant; another is unaffected; the audit shows who, and step-up was required', async () => {
  const off = await t.createMerchant('Seoul shop, PIPA off');
  const on = await t.createMerchant('Busan shop');
  const { createApiKey } = await t.operator.data<{
    createApiKey: { apiKey: { id: string }; secret: string };
  }>(
    'mutation { createApiKey(input: { kind: operator, label: "privacy officer" }) { ... on CreatedApiKey { apiKey { id } secret } } }',
  );
  const officer = t.http(createApiKey.secret);

  // Without a fresh second factor nothing changes.
  const refused = await officer.request(SET_PLUGIN_ENABLED, {
    m: off.merchantId,
    p: 'pipa',
    e: false,
    r: 'merchant left Korea',
  });
  expect(refused.errors?.[0]?.extensions).toMatchObject({
    code: 'STEP_UP_REQUIRED',
    stepUp: { action: 'plugin.enable' },
  });
  expect((await privacyRules(off.client, { jurisdiction: 'KR' })).data).toMatchObject([
    { law: 'pipa', enabled: true },
  ]);

  await officer.data('mutation { proveFakeFactor { expiresAt } }');
  expect(await setPluginEnabled(officer, off.merchantId, 'pipa', false, 'merchant left Korea')).toMatchObject(
    {
      plugin: 'pipa',
      enabled: false,
    },
  );

  // The switched-off merchant: refused where PIPA's rules would be needed, typed, naming the law.
  expect((await off.client.data<{ publishConsentNotice: unknown }>(PUBLISH_KR)).publishConsentNotice).toEqual(
    {
      __typename: 'RegulationPackDisabled',
      code: 'REGULATION_PACK_DISABLED',
      law: 'pipa',
      jurisdiction: 'KR',
    },
  );
  const everywhere = await publishNotice(off.client, { language: 'ko', territories: [], purposes: KOREAN });
  const kimId = await createCustomer(off.client, 'kim', 'KR');
  const kim = await customerSession(t, off.client, 'kim');
  expect(
    await giveConsent(kim, {
      noticeId: everywhere.id,
      decisions: KOREAN.map((p) => ({ purpose: p.id, granted: true })),
    }),
  ).toMatchObject({ __typename: 'RegulationPackDisabled', code: 'REGULATION_PACK_DISABLED' });
  // Payments never ask the packs.
  expect(await pay(off.client, kimId)).toMatchObject({ __typename: 'Payment', status: 'captured' });
  expect(
    (await privacyRules(t.operator, { jurisdiction: 'KR', merchantId: off.merchantId })).data,
  ).toMatchObject([{ law: 'pipa', enabled: false }]);

  // The other merchant: PIPA on, its Korean notice publishes and its customer consents.
  expect(
    (await on.client.data<{ publishConsentNotice: { __typename: string } }>(PUBLISH_KR)).publishConsentNotice,
  ).toMatchObject({ __typename: 'ConsentNotice' });
  const notice = await publishNotice(on.client, {
    key: 'shop',
    language: 'ko',
    territories: ['KR'],
    purposes: KOREAN,
  });
  await createCustomer(on.client, 'lee', 'KR');
  const lee = await customerSession(t, on.client, 'lee');
  expect(
    await giveConsent(lee, {
      noticeId: notice.id,
      decisions: KOREAN.map((p) => ({ purpose: p.id, granted: true })),
    }),
  ).toMatchObject({ __typename: 'ConsentReceipt' });
  expect((await privacyRules(on.client, { jurisdiction: 'KR' })).data).toMatchObject([
    { law: 'pipa', enabled: true },
  ]);

  // The audit: who, why, before and after; nothing for the other merchant.
  const audit = async (m: string) =>
    (await t.operator.data<{ pluginSwitchAudit: { edges: { node: unknown }[] } }>(AUDIT, { m }))
      .pluginSwitchAudit.edges;
  expect(await audit(off.merchantId)).toEqual([
    {
      node: {
        plugin: 'pipa',
        before: true,
        after: false,
        reason: 'merchant left Korea',
        changedBy: { kind: 'operator', keyId: createApiKey.apiKey.id },
      },
    },
  ]);
  expect(await audit(on.merchantId)).toEqual([]);
});
