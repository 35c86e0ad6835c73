import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EEA_COUNTRIES } from '../../../core/plugin-api.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { birthDates, bornYearsAgo, createCustomer, giveConsent, publishNotice } from '../consent/support.ts';
import { packsGateway, privacyRules } from './support.ts';

// GDPR Art. 8(1): a child consents alone from 16, unless its member state set a lower age, no
// lower than 13. This table is written independently of the pack (a state missing from the pack,
// or with another age, fails both the listing and the behaviour below); the citation pieces are
// the national law each row must name.
const NATIONAL: Record<string, [age: number, law: string]> = {
  AT: [14, 'Datenschutzgesetz s.4(4)'],
  BE: [13, 'Law of 30 July 2018'],
  BG: [14, 'Art. 25c'],
  CY: [14, '125(I)/2018'],
  CZ: [15, '110/2019'],
  DK: [13, 'databeskyttelsesloven'],
  EE: [13, 'Personal Data Protection Act s.8'],
  ES: [14, 'LOPDGDD'],
  FI: [13, '1050/2018'],
  FR: [15, 'Art. 45'],
  GR: [15, '4624/2019 Art. 21'],
  IS: [13, 'Act 90/2018'],
  IT: [14, '2-quinquies'],
  LT: [14, 'Legal Protection of Personal Data Art. 6'],
  LV: [13, 's.33'],
  MT: [13, '586.11'],
  NO: [13, 'personopplysningsloven'],
  PT: [13, '58/2019 Art. 16'],
  SE: [13, '2018:218'],
  SI: [15, 'ZVOP-2'],
};
const ageIn = (country: string) => NATIONAL[country]?.[0] ?? 16;

let t: TestGateway;
beforeAll(async () => {
  t = await packsGateway();
});
afterAll(() => t?.close());

const NOTICE = [
  { id: 'payment', mandatory: true, items: ['payment record'] },
  { id: 'analytics', mandatory: false, items: ['purchase history'] },
];

describe('member states’ ages for a child’s consent (GDPR Art. 8(1))', () => {
  test('privacyRules shows each EEA country its own age, citing its national law; the README lists each', async () => {
    const readme = readFileSync(new URL('../../../plugins/gdpr/README.md', import.meta.url), 'utf8');
    for (const country of EEA_COUNTRIES) {
      const answer = await privacyRules(t.operator, { jurisdiction: country });
      const gdpr = answer.data?.find((l) => l.law === 'gdpr');
      const children = gdpr?.rules.filter((r) => r.kind === 'children');
      const national = NATIONAL[country];
      if (!national) {
        expect(children, country).toEqual([
          expect.objectContaining({ id: 'children.under-16', article: 'GDPR Art. 8(1)' }),
        ]);
        continue;
      }
      const id = `children.under-${national[0]}.${country}`;
      expect(children, country).toEqual([
        {
          id,
          kind: 'children',
          statement: `under ${national[0]} in ${country}: a guardian consents to every purpose`,
          article: expect.stringContaining(national[1]),
        },
      ]);
      expect(children?.[0]?.article).toContain('GDPR Art. 8(1)');
      expect(readme, `README lists ${id}`).toContain(`\`${id}\``);
    }
  });

  test('a subdivision takes its country’s age; a subject reached through the establishment gets 16', async () => {
    const children = async (jurisdiction: string, establishment?: string) =>
      (await privacyRules(t.operator, { jurisdiction, establishment })).data
        ?.find((l) => l.law === 'gdpr')
        ?.rules.filter((r) => r.kind === 'children')
        .map((r) => r.id);
    expect(await children('FR-75')).toEqual(['children.under-15.FR']);
    expect(await children('US-NY', 'BE')).toEqual(['children.under-16']);
  });

  test('one year under the country’s age needs a guardian; at the age the child consents alone', async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, {
      language: 'en',
      territories: [...EEA_COUNTRIES],
      purposes: NOTICE,
    });
    // The edge the age is counted on: the day before the birthday that reaches it, and the birthday.
    const decide = async (ref: string, country: string, birthday: boolean) => {
      await createCustomer(shop, ref, country);
      birthDates.set(ref, bornYearsAgo(ageIn(country), birthday ? 0 : -1));
      return giveConsent(shop, {
        customerRef: ref,
        noticeId: notice.id,
        decisions: NOTICE.map((p) => ({ purpose: p.id, granted: true })),
      });
    };
    // Countries side by side (each its own customers); 60 customers on a shared machine.
    await Promise.all(
      EEA_COUNTRIES.map(async (country) => {
        const age = ageIn(country);
        expect(await decide(`${country}-under`, country, false), country).toMatchObject({
          code: 'GUARDIAN_CONSENT_REQUIRED',
          law: 'gdpr',
          minimumAge: age,
        });
        expect(await decide(`${country}-at`, country, true), country).toMatchObject({
          __typename: 'ConsentReceipt',
        });
      }),
    );
  }, 120_000);

  test('the same 13-year-old: alone in Belgium, with a guardian in Germany', async () => {
    const { client: shop } = await t.createMerchant();
    const notice = await publishNotice(shop, { language: 'en', territories: ['BE', 'DE'], purposes: NOTICE });
    const decisions = NOTICE.map((p) => ({ purpose: p.id, granted: true }));
    for (const [ref, country] of [
      ['teen-be', 'BE'],
      ['teen-de', 'DE'],
    ] as const) {
      await createCustomer(shop, ref, country);
      birthDates.set(ref, bornYearsAgo(13));
    }
    expect(await giveConsent(shop, { customerRef: 'teen-be', noticeId: notice.id, decisions })).toMatchObject(
      {
        __typename: 'ConsentReceipt',
      },
    );
    expect(await giveConsent(shop, { customerRef: 'teen-de', noticeId: notice.id, decisions })).toMatchObject(
      {
        code: 'GUARDIAN_CONSENT_REQUIRED',
        minimumAge: 16,
      },
    );
  });
});
