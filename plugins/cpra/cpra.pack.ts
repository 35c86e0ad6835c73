import { type HolidayCalendar, type RegulationPack, SHARED_SENSITIVE_TERMS } from '../../core/plugin-api.ts';

/**
 * 11 CCR 7001: a business day is Monday to Friday except state holidays, counted where the
 * consumer is (California's state holidays, from date-holidays `US`/`CA`).
 */
const CALIFORNIA: HolidayCalendar = { country: 'US', region: 'CA', timeZone: 'America/Los_Angeles' };

/** How a notice item names a s.1798.140(ae) category (listed for operators). */
const SENSITIVE_TERMS: readonly string[] = [
  'social security',
  'ssn',
  'driver’s licence',
  'driver’s license',
  'passport',
  'password',
  'security code',
  'cvc',
  'precise geolocation',
  'precise location',
  ...SHARED_SENSITIVE_TERMS.en,
];

/**
 * The CCPA as amended by the CPRA, with its regulations (11 CCR), as typed data
 * (shared/REFERENCE.md). It protects California residents (Civ. Code s.1798.140(i)), wherever
 * the business is.
 */
export const CPRA: RegulationPack = {
  title: 'CCPA/CPRA (Cal. Civ. Code s.1798.100 ff., 11 CCR 7000 ff.)',
  territories: ['US-CA'],
  followsEstablishment: false,
  rules: {
    consent: {
      // The gateway's `allows` is stricter than the law: nothing optional without a yes.
      model: 'opt-out',
      separatePerPurpose: false,
      refusalKeepsService: true,
      withdrawalAsEasyAsConsent: true,
      article: 'Cal. Civ. Code s.1798.120, s.1798.125; 11 CCR 7026',
    },
    children: [
      {
        below: 16,
        covers: 'sale-or-sharing',
        consentBy: 'subject-opt-in',
        article: 'Cal. Civ. Code s.1798.120(c)',
      },
      {
        below: 13,
        covers: 'sale-or-sharing',
        consentBy: 'guardian',
        article: 'Cal. Civ. Code s.1798.120(c)',
      },
    ],
    requests: [
      {
        kinds: ['access', 'erasure', 'correction'],
        acknowledgeWithin: { amount: 10, unit: 'business-days', calendar: CALIFORNIA },
        answerWithin: { amount: 45, unit: 'days' },
        extension: { amount: 45, unit: 'days' },
        article: 'Cal. Civ. Code s.1798.130(a)(2); 11 CCR 7021; business days: 11 CCR 7001',
      },
      {
        kinds: ['opt-out'],
        acknowledgeWithin: null,
        answerWithin: { amount: 15, unit: 'business-days', calendar: CALIFORNIA },
        extension: null,
        // "A request to opt-out of sale/sharing need not be a verifiable consumer request."
        verification: false,
        article: '11 CCR 7026(d) and (f); business days: 11 CCR 7001',
      },
    ],
    retentionHolds: [],
    gpc: { optOutOf: 'sale-or-sharing', article: '11 CCR 7025' },
    // The statute asks for the regulations in s.1798.185(a)(16) ((a)(15) is risk assessments);
    // the CPPA's ADMT articles (11 CCR 7200 ff., in force 2026, ADMT duties from 2027) give a
    // pre-use notice, an opt-out, or a human appeal in its place, and access to the logic.
    automatedDecisions: {
      rights: ['opt-out', 'human-review', 'explanation'],
      article:
        'Cal. Civ. Code s.1798.185(a)(16); 11 CCR 7200 (significant decisions), 7220 (pre-use notice), 7221 (opt-out or human appeal), 7222 (access)',
    },
    sensitive: {
      categories: [
        'government identifiers (SSN, driver’s licence, passport)',
        'account log-in with its password',
        'card number with its security code',
        'precise geolocation',
        'racial or ethnic origin, religion, union membership',
        'contents of mail, email and texts',
        'genetic, biometric and health data',
        'sex life or sexual orientation',
      ],
      terms: SENSITIVE_TERMS,
      // A right to limit the use (s.1798.121), not a consent: nothing to refuse in a notice.
      separateConsent: null,
      article: 'Cal. Civ. Code s.1798.140(ae); right to limit s.1798.121',
    },
    breach: [
      {
        notify: 'subjects',
        to: 'the affected California residents',
        within: null,
        article: 'Cal. Civ. Code s.1798.82(a)',
      },
      {
        notify: 'authority',
        to: 'the California Attorney General, when more than 500 residents are notified',
        within: null,
        article: 'Cal. Civ. Code s.1798.82(f)',
      },
    ],
  },
};
