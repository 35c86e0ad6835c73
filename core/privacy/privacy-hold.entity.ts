import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../auth/merchant.entity.ts';
import { PrivacySubject } from './privacy-subject.entity.ts';

const PrivacyHoldKeySchema = defineEntity({
  name: 'PrivacyHoldKey',
  tableName: 'privacy_hold_key',
  checks: [
    {
      name: 'privacy_hold_key_destroyed_check',
      expression: '("destroyed_at" is null) = ("wrapped_key" is not null)',
    },
  ],
  properties: {
    /** One hold key per erased subject that a law still holds records of. */
    subject: () => p.manyToOne(PrivacySubject).primary(),
    merchant: () => p.manyToOne(Merchant),
    /** The hold key, sealed under the master key; null once destroyed. */
    wrappedKey: p.text().nullable(),
    /** The merchant's reference of the subject, sealed under the hold key: who the held records are about. */
    identitySealed: p.text().nullable(),
    /** When the last hold of the subject ends: the key is destroyed then. */
    purgeAfter: p.datetime(),
    createdAt: p.datetime(),
    destroyedAt: p.datetime().nullable(),
  },
  indexes: [
    {
      name: 'privacy_hold_key_purge_after_index',
      properties: ['purgeAfter'],
      where: '"destroyed_at" is null',
    },
  ],
});

/**
 * The key of what retention laws keep about an erased subject. Separate from the subject's own
 * key (shredded by the erasure), so what it opens is only what a law holds, and it dies on the
 * hold's purge date: see core/privacy/README.md.
 */
export class PrivacyHoldKey extends PrivacyHoldKeySchema.class {}
PrivacyHoldKeySchema.setClass(PrivacyHoldKey);

const PrivacyHoldSchema = defineEntity({
  name: 'PrivacyHold',
  tableName: 'privacy_hold',
  properties: {
    id: p.uuid().primary(),
    subject: () => p.manyToOne(PrivacySubject),
    merchant: () => p.manyToOne(Merchant),
    /** The plugin that keeps the records. */
    plugin: p.string().length(60),
    /** What is kept, in words (no personal data). */
    what: p.text(),
    /** The pack whose rule holds them (`pipa`) and the rule's article. */
    law: p.string().length(60),
    article: p.text(),
    /** When the latest of these records' holds ends. */
    until: p.datetime(),
    createdAt: p.datetime(),
    /** When the purge job found every record's hold over. */
    purgedAt: p.datetime().nullable(),
  },
  indexes: [
    { name: 'privacy_hold_subject_id_index', properties: ['subject'] },
    { name: 'privacy_hold_until_index', properties: ['until'], where: '"purged_at" is null' },
  ],
});

/** The register of holds: what an erasure kept, for whom (the subject's id), under which rule, until when. */
export class PrivacyHold extends PrivacyHoldSchema.class {}
PrivacyHoldSchema.setClass(PrivacyHold);

const PrivacyHeldRecordSchema = defineEntity({
  name: 'PrivacyHeldRecord',
  tableName: 'privacy_held_record',
  properties: {
    id: p.uuid().primary(),
    hold: () => p.manyToOne(PrivacyHold),
    /** The plugin's id of the record (a payment id). */
    recordId: p.string().length(100),
    /** The record's date plus its rule's period: the purge job deletes the row then. */
    purgeAfter: p.datetime(),
    /** The record's personal fields, moved out of the plugin's table and sealed under the hold key. */
    sealed: p.text(),
  },
  indexes: [
    { name: 'privacy_held_record_purge_after_index', properties: ['purgeAfter'] },
    { name: 'privacy_held_record_hold_id_record_id_index', properties: ['hold', 'recordId'] },
  ],
});

/** The personal part of one held record, kept apart from the plugin's tables until its own purge date. */
export class PrivacyHeldRecord extends PrivacyHeldRecordSchema.class {}
PrivacyHeldRecordSchema.setClass(PrivacyHeldRecord);

const PrivacyErasureSchema = defineEntity({
  name: 'PrivacyErasure',
  tableName: 'privacy_erasure',
  properties: {
    subject: () => p.manyToOne(PrivacySubject).primary(),
    merchant: () => p.manyToOne(Merchant),
    erasedAt: p.datetime(),
    /** Every plugin's answer: what it erased and what it kept, under which rule, until when. */
    answer: p.json<unknown>(),
  },
});

/** A completed erasure and its answer, in the erasure's own transaction: what a resumed request reads back. */
export class PrivacyErasure extends PrivacyErasureSchema.class {}
PrivacyErasureSchema.setClass(PrivacyErasure);

export { PrivacyErasureSchema, PrivacyHeldRecordSchema, PrivacyHoldKeySchema, PrivacyHoldSchema };
