import { EEA_COUNTRIES, type RegulationPack } from '../../core/plugin-api.ts';

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
    // A member state may lower the age to 13 (Art. 8(1) second subparagraph): a national row goes here.
    children: [{ below: 16, covers: 'every-purpose', consentBy: 'guardian', article: 'GDPR Art. 8(1)' }],
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
