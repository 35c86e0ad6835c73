import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../auth/merchant.entity.ts';

const PrivacySubjectSchema = defineEntity({
  name: 'PrivacySubject',
  tableName: 'privacy_subject',
  indexes: [
    {
      name: 'privacy_subject_live_ref_unique',
      properties: ['merchant', 'refIndex'],
      expression:
        'create unique index "privacy_subject_live_ref_unique" on "privacy_subject" ("merchant_id", "ref_index") where "shredded_at" is null',
    },
  ],
  checks: [
    {
      name: 'privacy_subject_shredded_check',
      expression:
        '("shredded_at" is null) = ("wrapped_key" is not null and "ref_index" is not null and "ref_sealed" is not null)',
    },
  ],
  properties: {
    /** The pseudonymous id plugins may store instead of the merchant's customer reference. */
    id: p.uuid().primary(),
    merchant: () => p.manyToOne(Merchant),
    /** Keyed blind index of the customer reference; null once shredded. */
    refIndex: p.string().length(64).nullable(),
    /** The customer reference, sealed under the subject's own key; null once shredded. */
    refSealed: p.text().nullable(),
    /** The subject's data key, sealed under the master key; null once shredded. */
    wrappedKey: p.text().nullable(),
    createdAt: p.datetime(),
    shreddedAt: p.datetime().nullable(),
  },
});

/**
 * A data subject (a merchant's customer) and its own data key. Destroying the key (shredding)
 * makes every value sealed under it unreadable, wherever it is stored, backups included.
 */
export class PrivacySubject extends PrivacySubjectSchema.class {}
PrivacySubjectSchema.setClass(PrivacySubject);

const PrivacyIndexKeySchema = defineEntity({
  name: 'PrivacyIndexKey',
  tableName: 'privacy_index_key',
  properties: {
    id: p.string().length(20).primary(),
    sealedKey: p.text(),
    createdAt: p.datetime(),
  },
});

/** The blind index's root key, sealed under the master key: rotating the master re-seals it, indexes stay. */
export class PrivacyIndexKey extends PrivacyIndexKeySchema.class {}
PrivacyIndexKeySchema.setClass(PrivacyIndexKey);

export { PrivacyIndexKeySchema, PrivacySubjectSchema };
