import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../core/plugin-api.ts';
import { ConsentNotice } from './consent-notice.entity.ts';
import type { ConsentMethod, GpcConflict, ReceiptDecision } from './consent-state.ts';

const ConsentReceiptSchema = defineEntity({
  name: 'ConsentReceipt',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchant: () => p.manyToOne(Merchant),
    /** The kernel's pseudonymous subject id (`privacy_subject`): whose receipt. */
    subjectId: p.uuid(),
    /** 1, 2, 3... per subject: the order of the chain. */
    sequence: p.integer(),
    notice: () => p.manyToOne(ConsentNotice),
    noticeKey: p.string().length(100),
    noticeVersion: p.integer(),
    noticeHash: p.string().length(64),
    language: p.string().length(16),
    decisions: p.json<ReceiptDecision[]>(),
    method: p.string().length(20).$type<ConsentMethod>(),
    collectionPoint: p.string().length(200),
    /** `{ jurisdiction, guardian }` as JSON, sealed under the subject's key. */
    personalSealed: p.text(),
    /** How the guardian was verified (`phone`, `card`...); null unless `method` is `guardian`. */
    guardianVerification: p.string().length(40).nullable(),
    /** `api-key:<id>` or `customer-session:<id>`: who recorded the decision. */
    recordedBy: p.string().length(100),
    recordedAt: p.datetime(),
    /** A GPC signal that overrode an earlier opt-in: the merchant may ask again (11 CCR 7025). */
    conflict: p.json<GpcConflict>().nullable(),
    previousHash: p.string().length(64).nullable(),
    hash: p.string().length(64),
  },
  uniques: [{ name: 'consent_receipt_subject_id_sequence_unique', properties: ['subjectId', 'sequence'] }],
});

/** One consent decision: append-only, chained to the subject's previous receipt by its hash. */
export class ConsentReceipt extends ConsentReceiptSchema.class {}
ConsentReceiptSchema.setClass(ConsentReceipt);

export { ConsentReceiptSchema };
