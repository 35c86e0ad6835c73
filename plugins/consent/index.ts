import { definePlugin, personal, technical } from '../../core/plugin-api.ts';
import { eraseReceipts, exportReceipts } from './consent.privacy.ts';
import { registerConsentSchema } from './consent.schema.ts';
import { ConsentService } from './consent.service.ts';
import { ConsentCache } from './consent-cache.ts';
import { CONSENT_EVENT_TYPES } from './consent-event-types.ts';
import { ConsentNoticeSchema } from './consent-notice.entity.ts';
import { ConsentReceiptSchema } from './consent-receipt.entity.ts';
import { Migration0001ConsentTables } from './migrations/0001-consent-tables.ts';
import { NoticeService } from './notice.service.ts';
import { readSubjectFacts, type SubjectFactsReader } from './subject-facts.ts';
import { verifyReceiptsCommand } from './verify-receipts-command.ts';
import './global-types.ts';

/** Receipts prove consent (GDPR Art. 7(1)); kept while the subject's relationship lasts and after, to answer a claim. */
const PROOF = 'legal-obligation' as const;

/**
 * The consent plugin, reading subject facts through `facts` (see subject-facts.ts: it reads
 * the customer profile). Operators install `consentPlugin`; tests may pass another reader.
 */
export function consentPluginWith(facts: SubjectFactsReader) {
  return definePlugin({
    name: 'consent',
    version: '1.0.0',
    description: 'Versioned consent notices, hash-chained receipts, consent.allows, GPC and guardian consent',
    requires: ['payments', 'events'],
    // Minimization: with consent installed a merchant may store its customers' birth dates, and
    // their name, email and phone only for a customer that has said yes to `marketing` (the
    // notice purpose id): a consent-based purpose collects nothing before the consent.
    purposes: {
      marketing: {
        description:
          'contact the customer with offers by email, text message or post, once it has consented to the notice purpose "marketing"',
        basis: 'consent',
        profile: ['name', 'email', 'phone'],
      },
      'age-of-consent': {
        description:
          'tell a minor from an adult before recording their consent (the guardian ages of each law)',
        basis: 'legal-obligation',
        profile: ['birthDate'],
      },
    },
    entities: [ConsentNoticeSchema, ConsentReceiptSchema],
    migrations: [{ name: '0001-consent-tables', class: Migration0001ConsentTables }],
    dataMap: {
      ConsentNotice: {
        id: technical('identify the notice version receipts quote'),
        merchant: technical('whose notice'),
        key: technical('name the notice across versions'),
        version: technical('tell versions apart; old ones are the proof of what was shown'),
        language: technical('show the notice in the subject’s language'),
        territories: technical('show the notice to the subjects it is for'),
        content: technical('what the subject is told: purposes, items, retention, refusal'),
        contentHash: technical('prove which text a receipt refers to'),
        publishedBy: technical('audit: the API key that published it'),
        publishedAt: technical('audit'),
      },
      ConsentReceipt: {
        id: technical('identify the receipt'),
        merchant: technical('whose customer decided (the controller)'),
        subjectId: technical('whose decision: the pseudonymous subject'),
        sequence: technical('order of the subject’s chain'),
        notice: technical('the notice version shown'),
        noticeKey: technical('the notice version shown'),
        noticeVersion: technical('the notice version shown'),
        noticeHash: technical('the notice version shown'),
        language: technical('the language it was shown in'),
        decisions: personal('prove consent and answer allows: each purpose granted, refused or withdrawn', {
          retention: 'P5Y',
          basis: PROOF,
          source: 'provided',
          recipients: ['the merchant through the API', 'partners through the consent.changed event'],
        }),
        method: technical('how the decision was made'),
        collectionPoint: technical('where the decision was collected'),
        personalSealed: personal(
          'prove consent: the subject’s jurisdiction and a guardian’s identity (sealed)',
          {
            retention: 'P5Y',
            basis: PROOF,
            source: 'provided',
            recipients: ['the merchant through the API'],
          },
        ),
        guardianVerification: technical('prove how a guardian was verified'),
        recordedBy: technical('audit: the key or session that recorded it'),
        recordedAt: technical('when the decision was made'),
        conflict: technical('show the merchant a GPC signal that overrode an opt-in'),
        previousHash: technical('chain the subject’s receipts so a change is detected'),
        hash: technical('chain the subject’s receipts so a change is detected'),
      },
    },
    setup: (plugin) => {
      const notices = new NoticeService(plugin.services.privacy.regulations);
      let service: ConsentService | undefined;
      const cache = new ConsentCache(plugin.orm, plugin.log, (em, subject) =>
        service!.loadAllowed(em, subject),
      );
      service = new ConsentService(plugin.services, cache, facts, notices);
      const consent = service;
      return {
        services: consent,
        schema: (builder) => registerConsentSchema(builder, consent),
        commands: { 'privacy verify-receipts': verifyReceiptsCommand },
        hooks: { 'subject.export': exportReceipts(plugin.services), 'subject.erase': eraseReceipts },
        eventTypes: CONSENT_EVENT_TYPES,
        onReady: () => cache.start(),
        onClose: () => cache.close(),
      };
    },
  });
}

export const consentPlugin = consentPluginWith(readSubjectFacts);
