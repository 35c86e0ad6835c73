import type { RegulationPack } from '../../../core/plugin-api.ts';

/** Japan's Act on the Protection of Personal Information (APPI), the parts a payment gateway meets. */
export const APPI: RegulationPack = {
  title: 'APPI (Act on the Protection of Personal Information, Japan)',
  territories: ['JP'],
  followsEstablishment: true,
  rules: {
    consent: {
      model: 'opt-in',
      separatePerPurpose: false,
      refusalKeepsService: false,
      withdrawalAsEasyAsConsent: false,
      article: 'APPI Art. 18(1), Art. 27(1)',
    },
    children: [],
    requests: [],
    retentionHolds: [],
    gpc: null,
    automatedDecisions: null,
    sensitive: {
      categories: ['race', 'creed', 'social status', 'medical history', 'criminal record'],
      terms: ['race', 'creed', 'medical', 'criminal'],
      // Art. 20(2) asks for prior consent, not one of its own: nothing refused at publish.
      separateConsent: null,
      article: 'APPI Art. 2(3)',
    },
    breach: [
      {
        notify: 'authority',
        to: 'the Personal Information Protection Commission (final report)',
        within: { amount: 30, unit: 'days' },
        article: 'APPI Art. 26(1); PPC Enforcement Rules Art. 8(2)',
      },
      { notify: 'subjects', to: 'the affected persons', within: null, article: 'APPI Art. 26(2)' },
    ],
  },
};
