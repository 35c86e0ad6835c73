import {
  type DataMap,
  type PersonalProcessing,
  paymentRecord,
  personal,
  technical,
} from '../../core/plugin-api.ts';

/**
 * Fraud prevention rests on legitimate interest (GDPR Art. 6(1)(f) and recital 47; PIPA Art.
 * 15(1)(6); CPRA s.1798.140(e)(2) security and integrity), and the decision records on legal
 * obligation where payment law requires fraud monitoring and keeping records (Korea's EFTA
 * Art. 21 and 22; PSD2 Art. 68 and 96 in the EU). A subject's restriction or objection does not
 * stop this use (GDPR Art. 21(1) compelling grounds; Art. 17(3)(b),(e)); no other use is made.
 *
 * The personal values are kept only as keyed indexes (HMAC-SHA256, core/privacy/blind-index.ts),
 * which tell equal values apart and nothing else, and the recipient also sealed under the
 * payer's key for a reviewer; velocity needs 7 days, backtests and the model a year.
 */
const velocity = (source: PersonalProcessing['source']): PersonalProcessing => ({
  retention: 'P1Y',
  basis: 'legitimate-interest',
  source,
});

export const fraudDataMap: DataMap = {
  FraudAttempt: {
    id: technical('identify the attempt'),
    paymentId: technical('the payment the decision is about (or would have been)'),
    merchantId: technical('scope to a tenant'),
    customerId: paymentRecord('who tried to pay: velocity per customer'),
    method: paymentRecord('how'),
    amount: paymentRecord('velocity sums and repeated amounts'),
    currency: paymentRecord('velocity sums and repeated amounts'),
    category: technical('the merchant’s category at the time'),
    cashEquivalent: technical('the share of cash-equivalent purchases'),
    deviceIndex: personal(
      'fraud prevention: link attempts from one device (keyed index of the device id)',
      velocity('observed'),
    ),
    ipIndex: personal(
      'fraud prevention: link attempts from one IP address (keyed index)',
      velocity('observed'),
    ),
    instrumentIndex: personal(
      'fraud prevention: link attempts with one card token, phone line or wallet (keyed index)',
      velocity('provided'),
    ),
    recipientIndex: personal(
      'fraud prevention: link payers who send gift cards to one recipient (keyed index of the phone or email)',
      velocity('provided'),
    ),
    recipientSealed: personal('show a reviewer who received what was bought (sealed under the payer’s key)', {
      retention: 'P1Y',
      basis: 'legitimate-interest',
      source: 'provided',
    }),
    decision: personal(
      'the automated decision on the payment, its review and the payer’s right to an explanation',
      {
        retention: 'P5Y',
        basis: 'legal-obligation',
        source: 'inferred',
        recipients: ['the merchant, through the API and events', 'the payer, through the API'],
      },
    ),
    score: personal('the automated decision’s risk score', {
      retention: 'P5Y',
      basis: 'legal-obligation',
      source: 'inferred',
      recipients: ['the merchant, through the API and events', 'the payer, through the API'],
    }),
    reasons: personal('the automated decision’s main reasons in plain words', {
      retention: 'P5Y',
      basis: 'legal-obligation',
      source: 'inferred',
      recipients: ['the merchant, through the API and events', 'the payer, through the API'],
    }),
    matchedRules: technical('which rule versions made the decision'),
    features: personal('the velocity features the decision was made on: explanation and backtests', {
      retention: 'P1Y',
      basis: 'legitimate-interest',
      source: 'derived',
    }),
    createdAt: technical('velocity windows'),
    decidedAt: technical('audit'),
  },
  FraudReview: {
    attemptId: technical('the automated decision under review'),
    paymentId: technical('the payment the decision is about (or would have been)'),
    merchantId: technical('scope to a tenant: the merchant’s queue'),
    customerId: paymentRecord('whose decision: the subject reads its review'),
    status: personal(
      'a person’s review of an automated decision about the payer (GDPR Art. 22(3), PIPA Art. 37-2)',
      {
        retention: 'P5Y',
        basis: 'legal-obligation',
        source: 'inferred',
        recipients: ['the merchant, through the API and events', 'the payer, through the API'],
      },
    ),
    subjectRequestedAt: personal('when the payer asked for a person’s review', {
      retention: 'P5Y',
      basis: 'legal-obligation',
      source: 'provided',
    }),
    subjectStatementSealed: personal(
      'the payer’s point of view for the reviewer (sealed under the payer’s key)',
      {
        retention: 'P5Y',
        basis: 'legal-obligation',
        source: 'provided',
        recipients: ['the merchant and operators reviewing it, through the API'],
      },
    ),
    dueAt: technical('when the law wants the answer'),
    dueRule: technical('the article the due date comes from'),
    decidedAt: technical('audit'),
    decidedByKind: technical('audit: operator or merchant'),
    decidedByKey: technical('audit: which API key decided'),
    decisionReason: personal('why a person decided so: audit, and shown to the payer', {
      retention: 'P5Y',
      basis: 'legal-obligation',
      source: 'inferred',
      recipients: ['the merchant, through the API', 'the payer, through the API'],
    }),
    allowUntil: technical('an override: the identical retry allowed until then'),
    allowUsedBy: technical('the attempt the override let through'),
    history: technical('audit of every request and decision (who, when, why)'),
    createdAt: technical('audit'),
    updatedAt: technical('audit'),
  },
  FraudMerchantProfile: {
    merchantId: technical('which merchant'),
    category: technical('what the merchant sells: cash-equivalent categories'),
    updatedAt: technical('audit'),
  },
  FraudRuleVersionRow: {
    id: technical('identify the rule'),
    version: technical('identify the version'),
    merchantId: technical('scope the rule to one merchant'),
    name: technical('name the rule'),
    action: technical('what a match does'),
    expression: technical('the rule’s condition'),
    reason: technical('what a match tells the payer and the reviewer'),
    score: technical('the risk a match stands for'),
    enabled: technical('whether it runs'),
    createdAt: technical('audit'),
    createdBy: technical('audit: which operator key saved the version'),
  },
};
