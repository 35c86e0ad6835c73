import {
  type ChildRule,
  EEA_COUNTRIES,
  type RegulationPack,
  SHARED_SENSITIVE_TERMS,
} from '../../core/plugin-api.ts';

/**
 * A member state's own age for a child's consent to an information society service (GDPR
 * Art. 8(1) second subparagraph: no lower than 13). States that kept 16 (DE, HR, HU, IE, LI,
 * LU, NL, PL, RO, SK) need no row. The national article is cited with Art. 8(1); the list was
 * checked against the Bird & Bird GDPR tracker (children) where it covers the state, and should
 * be re-checked against the national texts when one changes (README, "National ages").
 */
function nationalAge(country: string, below: number, law: string): ChildRule {
  return {
    below,
    covers: 'every-purpose',
    consentBy: 'guardian',
    territories: [country],
    article: `GDPR Art. 8(1); ${law}`,
  };
}

/** How a notice item names an Art. 9(1) category (consent's notice check), in English and Korean. */
const SPECIAL_CATEGORY_TERMS: readonly string[] = [
  ...SHARED_SENSITIVE_TERMS.en,
  ...SHARED_SENSITIVE_TERMS.ko,
];

/** Sorted by country code; the README table follows this order. */
const NATIONAL_AGES: readonly ChildRule[] = [
  nationalAge('AT', 14, 'AT Datenschutzgesetz s.4(4)'),
  nationalAge(
    'BE',
    13,
    'BE Law of 30 July 2018 on the protection of natural persons (data protection) Art. 7',
  ),
  nationalAge('BG', 14, 'BG Personal Data Protection Act Art. 25c'),
  nationalAge('CY', 14, 'CY Law 125(I)/2018 s.8'),
  nationalAge('CZ', 15, 'CZ Act No. 110/2019 Coll. s.7'),
  nationalAge('DK', 13, 'DK Data Protection Act (databeskyttelsesloven) s.6'),
  nationalAge('EE', 13, 'EE Personal Data Protection Act s.8'),
  nationalAge('ES', 14, 'ES Organic Law 3/2018 (LOPDGDD) Art. 7'),
  nationalAge('FI', 13, 'FI Data Protection Act 1050/2018 s.5'),
  nationalAge('FR', 15, 'FR Loi 78-17 Informatique et Libertés Art. 45 (Art. 7-1 before 2019)'),
  nationalAge('GR', 15, 'GR Law 4624/2019 Art. 21'),
  nationalAge('IS', 13, 'IS Act 90/2018 Art. 10'),
  nationalAge('IT', 14, 'IT Personal Data Protection Code (Legislative Decree 196/2003) Art. 2-quinquies'),
  nationalAge('LT', 14, 'LT Law on the Legal Protection of Personal Data Art. 6'),
  nationalAge('LV', 13, 'LV Personal Data Processing Law s.33'),
  nationalAge(
    'MT',
    13,
    'MT Subsidiary Legislation 586.11 (child’s data and information society services) reg. 3',
  ),
  nationalAge('NO', 13, 'NO Personal Data Act (personopplysningsloven) s.5'),
  nationalAge('PT', 13, 'PT Law 58/2019 Art. 16'),
  nationalAge('SE', 13, 'SE Data Protection Act (2018:218) ch. 2 s.4'),
  nationalAge('SI', 15, 'SI Personal Data Protection Act (ZVOP-2) Art. 8'),
];

/**
 * The GDPR as typed data (shared/REFERENCE.md). It protects subjects in the EEA (Art. 3(2), with
 * the EEA Agreement) and every subject of a controller established there (Art. 3(1)).
 */
export const GDPR: RegulationPack = {
  title: 'GDPR (Regulation (EU) 2016/679)',
  territories: EEA_COUNTRIES,
  followsEstablishment: true,
  rules: {
    consent: {
      model: 'opt-in',
      separatePerPurpose: true,
      refusalKeepsService: true,
      withdrawalAsEasyAsConsent: true,
      article: 'GDPR Art. 7(2)-(4), Recital 43',
    },
    // 16 unless the subject's member state set a lower age (childRulesFor picks by residence).
    children: [
      { below: 16, covers: 'every-purpose', consentBy: 'guardian', article: 'GDPR Art. 8(1)' },
      ...NATIONAL_AGES,
    ],
    requests: [
      {
        kinds: ['access', 'erasure', 'correction', 'portability', 'restriction', 'objection'],
        acknowledgeWithin: null,
        answerWithin: { amount: 1, unit: 'months' },
        extension: { amount: 2, unit: 'months' },
        // "The controller shall inform the data subject of any such extension within one month
        // of receipt of the request, together with the reasons for the delay."
        extensionNoticeWithin: { amount: 1, unit: 'months' },
        article:
          'GDPR Art. 12(3) (Art. 15 to 18, 20 and 21); months counted by Regulation 1182/71 Art. 3(2)(c)',
      },
    ],
    retentionHolds: [
      {
        recordType: 'aml',
        keep: { amount: 5, unit: 'years' },
        article: 'GDPR Art. 17(3)(b); Directive (EU) 2015/849 Art. 40(1)',
      },
    ],
    gpc: null,
    automatedDecisions: {
      rights: ['human-review', 'contest', 'explanation'],
      article: 'GDPR Art. 22(3), Art. 15(1)(h)',
      // Art. 12(3): action on a request under Articles 15 to 22 within one month.
      answerWithin: { amount: 1, unit: 'months', article: 'GDPR Art. 12(3)' },
    },
    sensitive: {
      categories: [
        'racial or ethnic origin',
        'political opinions',
        'religious or philosophical beliefs',
        'trade union membership',
        'genetic data',
        'biometric data to identify a person',
        'health',
        'sex life or sexual orientation',
      ],
      terms: SPECIAL_CATEGORY_TERMS,
      separateConsent: { article: 'GDPR Art. 9(2)(a)' },
      article: 'GDPR Art. 9(1)',
    },
    breach: [
      {
        notify: 'authority',
        to: 'the lead supervisory authority',
        within: { amount: 72, unit: 'hours' },
        article: 'GDPR Art. 33(1)',
      },
      {
        notify: 'subjects',
        to: 'the data subjects, where the breach is likely to result in a high risk',
        within: null,
        article: 'GDPR Art. 34(1)',
      },
    ],
  },
};
