import { type RegulationPack, SHARED_SENSITIVE_TERMS } from '../../core/plugin-api.ts';

/** How a notice item names an Art. 23 category (consent's notice check), in English and Korean. */
const SENSITIVE_TERMS: readonly string[] = [
  ...SHARED_SENSITIVE_TERMS.en,
  'criminal',
  'criminal record',
  ...SHARED_SENSITIVE_TERMS.ko,
  '범죄',
  '전과',
];

/**
 * Korea's Personal Information Protection Act (PIPA) with the sector laws a payment gateway meets,
 * as typed data (shared/REFERENCE.md). It protects subjects in Korea and every subject of a
 * personal information controller established there (Art. 2(5), Art. 3).
 */
export const PIPA: RegulationPack = {
  title: 'PIPA (Personal Information Protection Act, Republic of Korea)',
  territories: ['KR'],
  followsEstablishment: true,
  rules: {
    consent: {
      model: 'opt-in',
      separatePerPurpose: true,
      refusalKeepsService: true,
      withdrawalAsEasyAsConsent: true,
      article: 'PIPA Art. 15(2), Art. 22(1), Art. 22(5), Art. 37(1)',
    },
    children: [{ below: 14, covers: 'every-purpose', consentBy: 'guardian', article: 'PIPA Art. 22-2(1)' }],
    requests: [
      {
        kinds: ['access', 'portability'],
        acknowledgeWithin: null,
        answerWithin: { amount: 10, unit: 'days' },
        extension: null,
        article: 'PIPA Art. 35(3), Art. 35-2; Enforcement Decree Art. 41(4)',
      },
      {
        kinds: ['correction', 'erasure'],
        acknowledgeWithin: null,
        answerWithin: { amount: 10, unit: 'days' },
        extension: null,
        article: 'PIPA Art. 36(2); Enforcement Decree Art. 43(3)',
      },
      {
        kinds: ['restriction'],
        acknowledgeWithin: null,
        answerWithin: { amount: 10, unit: 'days' },
        extension: null,
        article: 'PIPA Art. 37; Enforcement Decree Art. 44',
      },
    ],
    retentionHolds: [
      {
        recordType: 'payment',
        keep: { amount: 5, unit: 'years' },
        article:
          'Act on Consumer Protection in Electronic Commerce Art. 6(1) with its Enforcement Decree Art. 6(1)3 (payment and supply, 5 years); PIPA Art. 21(1)',
      },
    ],
    gpc: null,
    automatedDecisions: {
      rights: ['opt-out', 'explanation', 'human-review'],
      article: 'PIPA Art. 37-2',
    },
    sensitive: {
      categories: [
        'ideology or belief',
        'trade union or political party membership',
        'political views',
        'health or sex life',
        'genetic information',
        'criminal records',
        'biometric data to identify a person',
        'race or ethnicity',
        'resident registration numbers (only where a law requires them, Art. 24-2)',
      ],
      terms: SENSITIVE_TERMS,
      separateConsent: { article: 'PIPA Art. 23(1)1' },
      article: 'PIPA Art. 23; Enforcement Decree Art. 18',
    },
    breach: [
      {
        notify: 'subjects',
        to: 'the data subjects',
        within: { amount: 72, unit: 'hours' },
        article: 'PIPA Art. 34(1); Enforcement Decree Art. 39',
      },
      {
        notify: 'authority',
        to: 'the PIPC or KISA',
        within: { amount: 72, unit: 'hours' },
        article: 'PIPA Art. 34(3); Enforcement Decree Art. 40',
      },
    ],
  },
};
