import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import {
  allows,
  birthDates,
  bornYearsAgo,
  createCustomer,
  customerSession,
  giveConsent,
  type PurposeInput,
  publishNotice,
} from '../consent/support.ts';
import { type LawView, packsGateway, pay, privacyRules } from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await packsGateway();
});
afterAll(() => t?.close());

/**
 * Every rule each pack declares: [id, a piece of its article, a piece of its statement]. The
 * listing test below compares privacyRules with this table, so removing a rule from a pack (or
 * changing its article) fails; the rules the gateway enforces today each have a behaviour test
 * in BEHAVIOUR, which fails when the rule's data is removed.
 */
const RULES: Record<string, { where: string; rules: [string, string, string][] }> = {
  gdpr: {
    // Germany kept Art. 8's 16; the member states' own ages: gdpr-national-ages.test.ts.
    where: 'DE',
    rules: [
      ['consent', 'GDPR Art. 7', 'withdrawal is one call'],
      ['children.under-16', 'GDPR Art. 8(1)', 'under 16: a guardian consents to every purpose'],
      [
        'requests.access-erasure-correction-portability-restriction-objection',
        'Art. 12(3)',
        'answer within 1 month, extendable once by 2 months with notice given within 1 month',
      ],
      ['retention.aml', '2015/849 Art. 40', 'aml records kept 5 years'],
      ['automated-decisions', 'GDPR Art. 22(3)', 'human-review, contest, explanation'],
      ['sensitive', 'GDPR Art. 9(1)', 'health'],
      ['breach.authority', 'GDPR Art. 33(1)', 'within 72 hours of discovery'],
      ['breach.subjects', 'GDPR Art. 34(1)', 'without undue delay'],
    ],
  },
  cpra: {
    where: 'US-CA',
    rules: [
      ['consent', 's.1798.120', 'opt-out'],
      ['children.under-16', 's.1798.120(c)', 'under 16: the subject must opt in to sale or sharing'],
      ['children.under-13', 's.1798.120(c)', 'under 13: a guardian consents to sale or sharing'],
      [
        'requests.access-erasure-correction',
        '11 CCR 7021',
        'acknowledge within 10 business days, answer within 45 days',
      ],
      [
        'requests.opt-out',
        '11 CCR 7026',
        'answer within 15 business days, no verification of the requester needed, business days exclude US-CA public holidays',
      ],
      ['gpc', '11 CCR 7025', 'Sec-GPC: 1 opts out of sale and sharing'],
      ['automated-decisions', 's.1798.185(a)(16); 11 CCR 7200', 'opt-out, human-review, explanation'],
      ['sensitive', 's.1798.140(ae)', 'precise geolocation'],
      ['breach.subjects', 's.1798.82(a)', 'without undue delay'],
      ['breach.authority', 's.1798.82(f)', 'Attorney General'],
    ],
  },
  pipa: {
    where: 'KR',
    rules: [
      ['consent', 'Art. 22(1)', 'refusing an optional purpose never denies the service'],
      ['children.under-14', 'PIPA Art. 22-2(1)', 'under 14: a guardian consents to every purpose'],
      ['requests.access-portability', 'PIPA Art. 35(3)', 'answer within 10 days'],
      ['requests.correction-erasure', 'PIPA Art. 36(2)', 'answer within 10 days'],
      ['requests.restriction', 'PIPA Art. 37', 'answer within 10 days'],
      ['retention.payment', 'Enforcement Decree Art. 6(1)3', 'payment records kept 5 years'],
      ['automated-decisions', 'PIPA Art. 37-2', 'explanation'],
      ['sensitive', 'PIPA Art. 23', 'resident registration numbers'],
      ['breach.subjects', 'PIPA Art. 34(1)', 'within 72 hours of discovery'],
      ['breach.authority', 'PIPA Art. 34(3)', 'PIPC'],
    ],
  },
};

async function lawAt(where: string, law: string, merchantId?: string): Promise<LawView> {
  const answer = await privacyRules(t.operator, { jurisdiction: where, merchantId });
  const found = answer.data?.find((l) => l.law === law);
  if (!found) throw new Error(`${law} does not apply at ${where}: ${JSON.stringify(answer)}`);
  return found;
}

describe('privacyRules lists every rule of each pack with its article', () => {
  for (const [law, { where, rules }] of Object.entries(RULES)) {
    test(`${law} at ${where}`, async () => {
      const view = await lawAt(where, law);
      expect(view.because).toBe('residence');
      expect(view.rules.map((r) => r.id)).toEqual(rules.map(([id]) => id));
      for (const [id, article, statement] of rules) {
        const rule = view.rules.find((r) => r.id === id)!;
        expect(rule.article, id).toContain(article);
        expect(rule.statement, id).toContain(statement);
      }
      const readme = readFileSync(new URL(`../../../plugins/${law}/README.md`, import.meta.url), 'utf8');
      for (const rule of view.rules)
        expect(readme, `${law} README lists ${rule.id}`).toContain(`\`${rule.id}\``);
    });
  }
});

const FR_NOTICE: PurposeInput[] = [
  { id: 'payment', mandatory: true, items: ['name', 'email'] },
  { id: 'analytics', mandatory: false, items: ['purchase history'] },
];
const PUBLISH = `mutation($input: PublishConsentNoticeInput!) { publishConsentNotice(input: $input) {
  __typename ... on Error { code } ... on BundledConsent { law article purpose }
  ... on SensitiveConsentRequired { law article purpose item }
  ... on RegulationPackDisabled { law jurisdiction } } }`;

/** A notice purpose; its description defaults to `use for <id>`. */
type RawPurpose = PurposeInput & { description?: string };

async function publishRaw(shop: HttpGraphQLClient, territories: string[], purposes: RawPurpose[]) {
  const { publishConsentNotice } = await shop.data<{ publishConsentNotice: Record<string, string> }>(
    PUBLISH,
    {
      input: {
        key: `n${Math.random().toString(36).slice(2, 8)}`,
        language: 'en',
        territories,
        title: 'Personal information',
        purposes: purposes.map((p) => ({
          description: `use for ${p.id}`,
          ...p,
          retention: '1 year',
          refusalConsequence: p.mandatory ? 'no purchase' : 'nothing else changes',
        })),
      },
    },
  );
  return publishConsentNotice;
}

const BUNDLED: RawPurpose[][] = [
  [{ id: 'payment-and-marketing', mandatory: true, items: ['email'] }],
  [
    { id: 'payment', mandatory: true, items: ['email'] },
    { id: 'marketing-analytics', mandatory: false, items: ['email'] },
  ],
  [{ id: 'payment', mandatory: true, items: ['email'], sellsOrShares: true }],
  // A neutral id: the words the subject reads give the optional use away.
  [
    {
      id: 'service',
      mandatory: true,
      items: ['email'],
      description: 'process orders and send our newsletter',
    },
  ],
  [{ id: 'service', mandatory: true, items: ['phone'], description: '결제 처리 및 마케팅 정보 발송' }],
];

/**
 * Notices that ask for a sensitive item without a consent of its own, and one that asks right:
 * an optional purpose with the sensitive items only.
 */
const SENSITIVE_UNSEPARATED: PurposeInput[][] = [
  [{ id: 'payment', mandatory: true, items: ['email', 'health condition'] }],
  [
    { id: 'payment', mandatory: true, items: ['email'] },
    { id: 'wellness-offers', mandatory: false, items: ['email', 'health condition'] },
  ],
  [{ id: 'identity-check', mandatory: true, items: ['지문 정보'] }],
];
const SENSITIVE_SEPARATED: PurposeInput[] = [
  { id: 'payment', mandatory: true, items: ['email'] },
  { id: 'wellness-offers', mandatory: false, items: ['health condition', '건강 정보'] },
];

/** A pack that wants a consent of its own for sensitive items refuses each unseparated notice. */
async function sensitiveRefused(law: string, territory: string, article: string) {
  const { client: shop } = await t.createMerchant();
  for (const purposes of SENSITIVE_UNSEPARATED) {
    expect(await publishRaw(shop, [territory], purposes)).toMatchObject({
      __typename: 'SensitiveConsentRequired',
      law,
      article: expect.stringContaining(article),
    });
  }
  expect(await publishRaw(shop, [territory], SENSITIVE_SEPARATED)).toMatchObject({
    __typename: 'ConsentNotice',
  });
}

/** The rules the gateway enforces today, each with the behaviour that fails when it is removed. */
const BEHAVIOUR: Record<string, () => Promise<void>> = {
  'pipa:consent': async () => {
    // Bundling refused at publish; refusing the optional item leaves the payment alone.
    const { client: shop, merchantId } = await t.createMerchant();
    for (const purposes of BUNDLED) {
      expect(await publishRaw(shop, ['KR'], purposes)).toMatchObject({
        __typename: 'BundledConsent',
        law: 'pipa',
        article: expect.stringContaining('Art. 22(1)'),
      });
    }
    const notice = await publishNotice(shop, {
      language: 'ko',
      territories: ['KR'],
      purposes: [
        { id: 'payment', mandatory: true, items: ['name', 'phone'] },
        { id: 'marketing', mandatory: false, items: ['email'] },
      ],
    });
    const customerId = await createCustomer(shop, 'kim', 'KR');
    const kim = await customerSession(t, shop, 'kim');
    await giveConsent(kim, {
      noticeId: notice.id,
      decisions: [
        { purpose: 'payment', granted: true },
        { purpose: 'marketing', granted: false },
      ],
    });
    expect(await pay(shop, customerId)).toMatchObject({ __typename: 'Payment', status: 'captured' });
    expect(await allows(t, merchantId, 'kim', 'marketing')).toBe(false);
  },
  'gdpr:consent': async () => {
    // Granular purposes at publish; withdrawal is one call and use stops at once.
    const { client: shop, merchantId } = await t.createMerchant();
    expect(await publishRaw(shop, ['FR'], BUNDLED[1]!)).toMatchObject({
      __typename: 'BundledConsent',
      law: 'gdpr',
      purpose: 'marketing-analytics',
    });
    expect(await publishRaw(shop, ['FR'], BUNDLED[3]!)).toMatchObject({
      __typename: 'BundledConsent',
      law: 'gdpr',
      purpose: 'service',
    });
    const notice = await publishNotice(shop, { language: 'en', territories: ['FR'], purposes: FR_NOTICE });
    await createCustomer(shop, 'anne', 'FR');
    const anne = await customerSession(t, shop, 'anne');
    await giveConsent(anne, {
      noticeId: notice.id,
      decisions: FR_NOTICE.map((p) => ({ purpose: p.id, granted: true })),
    });
    expect(await allows(t, merchantId, 'anne', 'analytics')).toBe(true);
    await anne.data(
      'mutation { withdrawConsent(input: { purposes: ["analytics"], collectionPoint: "privacy page" }) { __typename } }',
    );
    expect(await allows(t, merchantId, 'anne', 'analytics')).toBe(false);
  },
  'gdpr:sensitive': () => sensitiveRefused('gdpr', 'DE', 'GDPR Art. 9(2)(a)'),
  'pipa:sensitive': () => sensitiveRefused('pipa', 'KR', 'PIPA Art. 23(1)1'),
  'cpra:sensitive': async () => {
    // A right to limit (s.1798.121), not a consent: California alone refuses nothing at publish.
    const { client: shop } = await t.createMerchant();
    expect(await publishRaw(shop, ['US-CA'], SENSITIVE_UNSEPARATED[1]!)).toMatchObject({
      __typename: 'ConsentNotice',
    });
  },
  'cpra:consent': async () => {
    // No separate-consent rule in California: the same bundled notice publishes for US-CA only.
    const { client: shop } = await t.createMerchant();
    expect(await publishRaw(shop, ['US-CA'], BUNDLED[1]!)).toMatchObject({ __typename: 'ConsentNotice' });
    expect(await publishRaw(shop, ['US-CA', 'KR'], BUNDLED[1]!)).toMatchObject({
      __typename: 'BundledConsent',
    });
  },
  'pipa:children.under-14': async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, { language: 'ko', territories: ['KR'], purposes: FR_NOTICE });
    await createCustomer(shop, 'pipa-13', 'KR');
    birthDates.set('pipa-13', bornYearsAgo(13));
    const child = await customerSession(t, shop, 'pipa-13');
    expect(
      await giveConsent(child, {
        noticeId: notice.id,
        decisions: [
          { purpose: 'payment', granted: true },
          { purpose: 'analytics', granted: false },
        ],
      }),
    ).toMatchObject({ code: 'GUARDIAN_CONSENT_REQUIRED', law: 'pipa', minimumAge: 14 });
  },
  'gdpr:children.under-16': async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, { language: 'en', territories: ['DE'], purposes: FR_NOTICE });
    await createCustomer(shop, 'gdpr-15', 'DE');
    birthDates.set('gdpr-15', bornYearsAgo(15));
    const child = await customerSession(t, shop, 'gdpr-15');
    expect(
      await giveConsent(child, {
        noticeId: notice.id,
        decisions: [
          { purpose: 'payment', granted: true },
          { purpose: 'analytics', granted: false },
        ],
      }),
    ).toMatchObject({ code: 'GUARDIAN_CONSENT_REQUIRED', law: 'gdpr', minimumAge: 16 });
  },
  'cpra:children.under-16': async () => {
    // A 14-year-old Californian opts in to sharing in their own session; the merchant may not do it for them.
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'en',
      territories: ['US-CA'],
      purposes: [{ id: 'ad-sharing', mandatory: false, items: ['email'], sellsOrShares: true }],
    });
    await createCustomer(shop, 'cpra-14', 'US-CA');
    birthDates.set('cpra-14', bornYearsAgo(14));
    const decisions = [{ purpose: 'ad-sharing', granted: true }];
    expect(await giveConsent(shop, { noticeId: notice.id, customerRef: 'cpra-14', decisions })).toMatchObject(
      {
        code: 'MINOR_OPT_IN_REQUIRED',
        law: 'cpra',
        minimumAge: 16,
      },
    );
    const teen = await customerSession(t, shop, 'cpra-14');
    expect(await giveConsent(teen, { noticeId: notice.id, decisions })).toMatchObject({
      __typename: 'ConsentReceipt',
    });
  },
  'cpra:children.under-13': async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'en',
      territories: ['US-CA'],
      purposes: [{ id: 'ad-sharing', mandatory: false, items: ['email'], sellsOrShares: true }],
    });
    await createCustomer(shop, 'cpra-12', 'US-CA');
    birthDates.set('cpra-12', bornYearsAgo(12));
    const child = await customerSession(t, shop, 'cpra-12');
    expect(
      await giveConsent(child, {
        noticeId: notice.id,
        decisions: [{ purpose: 'ad-sharing', granted: true }],
      }),
    ).toMatchObject({ code: 'GUARDIAN_CONSENT_REQUIRED', law: 'cpra', minimumAge: 13 });
  },
  'cpra:gpc': async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'en',
      territories: ['US-CA'],
      purposes: [{ id: 'ad-sharing', mandatory: false, items: ['email'], sellsOrShares: true }],
    });
    await createCustomer(shop, 'cal', 'US-CA');
    const cal = await customerSession(t, shop, 'cal');
    await giveConsent(cal, { noticeId: notice.id, decisions: [{ purpose: 'ad-sharing', granted: true }] });
    expect(await allows(t, merchantId, 'cal', 'ad-sharing')).toBe(true);
    await cal.request('{ consentState { __typename } }', {}, { headers: { 'sec-gpc': '1' } });
    expect(await allows(t, merchantId, 'cal', 'ad-sharing')).toBe(false);
  },
};

/** Kinds whose rules are enforced by code today; the others are data read by privacyRules (and the coming plugins). */
const ENFORCED_KINDS = new Set(['consent', 'children', 'gpc', 'sensitive']);

test('every enforced rule of every pack has a behaviour test', async () => {
  const enforced: string[] = [];
  for (const [law, { where }] of Object.entries(RULES)) {
    for (const rule of (await lawAt(where, law)).rules) {
      if (ENFORCED_KINDS.has(rule.kind)) enforced.push(`${law}:${rule.id}`);
    }
  }
  expect(enforced.sort()).toEqual(Object.keys(BEHAVIOUR).sort());
});

describe('each enforced rule holds', () => {
  for (const [rule, check] of Object.entries(BEHAVIOUR)) test(rule, check);
});

describe('which packs apply', () => {
  test.each([
    ['FR', undefined, ['gdpr']],
    ['NO', undefined, ['gdpr']],
    ['KR', undefined, ['pipa']],
    ['US-CA', undefined, ['cpra']],
    ['US-NY', undefined, []],
    ['US-NY', 'DE', ['gdpr']],
    ['US-CA', 'KR', ['cpra', 'pipa']],
  ])('a subject in %s of a merchant established in %s: %j', async (jurisdiction, establishment, laws) => {
    const answer = await privacyRules(t.operator, { jurisdiction, establishment });
    expect(answer.data?.map((l) => l.law)).toEqual(laws);
    expect(answer.data?.every((l) => l.enabled === null)).toBe(true);
  });

  test('a code that is not a jurisdiction is a typed error', async () => {
    for (const jurisdiction of ['XX', 'fr', 'EU']) {
      expect(await privacyRules(t.operator, { jurisdiction })).toMatchObject({
        __typename: 'ValidationError',
        field: 'jurisdiction',
      });
    }
  });

  test('a merchant reads its own switches; another merchant’s id is not found', async () => {
    const a = await t.createMerchant();
    const b = await t.createMerchant();
    expect((await privacyRules(a.client, { jurisdiction: 'KR' })).data).toMatchObject([
      { law: 'pipa', enabled: true },
    ]);
    expect(await privacyRules(a.client, { jurisdiction: 'KR', merchantId: b.merchantId })).toMatchObject({
      __typename: 'NotFoundError',
    });
  });
});
