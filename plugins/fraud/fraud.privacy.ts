import type { EntityManager } from '@mikro-orm/core';
import { type DataSubject, type HookHandler, query, type SubjectKeys } from '../../core/plugin-api.ts';

/** The subject's attempts: those of the merchant's customer of that privacy subject. */
const OF_SUBJECT = 'customer_id = (select c.id from customer c where c.merchant_id = ? and c.subject_id = ?)';

/** The customer reference is kept only on the subject, sealed: the blind index finds its id. */
async function ofSubject(keys: SubjectKeys, em: EntityManager, subject: DataSubject): Promise<string[]> {
  // A subject never seen, or shredded, matches no customer.
  const subjectId = await keys.findSubjectId(em, subject);
  return [subject.merchantId, subjectId ?? '00000000-0000-0000-0000-000000000000'];
}

/**
 * The automated decisions about the subject with their main reasons (GDPR Art. 15(1)(h) and 22,
 * PIPA Art. 37-2). The keyed indexes are left out: they say nothing without the key.
 */
export const exportDecisions =
  (keys: SubjectKeys): HookHandler<'subject.export'> =>
  ({ em, subject }) => {
    async function* records() {
      const rows = await query<Record<string, unknown>>(
        em,
        `select payment_id as "paymentId", created_at as "decidedAt", method, amount::text as amount, currency,
         category, decision, score, reasons
       from fraud_attempt where ${OF_SUBJECT} and decision is not null order by created_at, id`,
        await ofSubject(keys, em, subject),
      );
      yield* rows;
    }
    return [{ name: 'fraud.decisions', source: 'inferred', records: records() }];
  };

/**
 * Erases what links the subject's attempts to devices, addresses, instruments and recipients,
 * and the features; keeps the decisions themselves (decision, score, reasons, amount) as
 * payment records, which payment law requires (Korea EFTA Art. 22; AML in the EU: 5 years).
 */
export const eraseDecisions =
  (keys: SubjectKeys): HookHandler<'subject.erase'> =>
  async ({ em, subject }) => {
    await query(
      em,
      `update fraud_attempt set device_index = null, ip_index = null, instrument_index = null,
       recipient_index = null, recipient_sealed = null, features = null
     where ${OF_SUBJECT}`,
      await ofSubject(keys, em, subject),
    );
    return {
      erased: ['deviceIndex', 'ipIndex', 'instrumentIndex', 'recipientIndex', 'recipientSealed', 'features'],
      kept: [
        {
          what: 'fraud decisions on payments (decision, score, reasons, amount)',
          rule: 'payment records: Korea EFTA Art. 22 and E-Commerce Act Art. 6; GDPR Art. 17(3)(b) (AML, 5 years)',
          until: null,
        },
      ],
    };
  };
