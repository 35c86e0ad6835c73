import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { query, type SubjectKeys } from '../../core/plugin-api.ts';
import type { Carrier } from './phone-number.ts';
import { CarrierSubscriber } from './subscriber.entity.ts';

/** The kernel blind index's kind for phone lines. */
export const PHONE_INDEX_KIND = 'carrier-phone';
/**
 * A phone line is the carrier's, shared by every merchant that bills it (one monthly cap per
 * line): its index belongs to no merchant.
 */
export const ANY_MERCHANT = '*';

/** The kernel's keyed index, as `services.privacy.blindIndex` offers it. */
export interface PhoneIndex {
  of(em: EntityManager, kind: string, merchantId: string, value: string): Promise<string>;
}

/** A row that keeps a phone number sealed under its owner's subject key. */
export interface PhoneHolder {
  readonly id: string;
  readonly phoneSealed?: string | null;
}

/** Where a number is stored: the binding that ties its ciphertext to one row of one table. */
export const phoneBinding = (entity: 'CarrierVerification' | 'CarrierBillingSource', id: string) =>
  `${entity}.phone:${id}`;

/**
 * Phone lines, found by blind index; their numbers sealed under the subject key of whoever
 * verified them. A line is shared (one cap per line, whoever bills it), so the number cannot
 * live on the line: a key per line would outlive every subject's erasure.
 */
export class SubscriberDirectory {
  readonly #index: PhoneIndex;
  readonly #keys: SubjectKeys;

  constructor(index: PhoneIndex, keys: SubjectKeys) {
    this.#index = index;
    this.#keys = keys;
  }

  /** The line's blind index: equal numbers, equal indexes, in every process. */
  indexOf(em: EntityManager, phone: string): Promise<string> {
    return this.#index.of(em, PHONE_INDEX_KIND, ANY_MERCHANT, phone);
  }

  /** The subscriber of a normalized phone number, created on first sight (once, even when raced). */
  async enrol(em: EntityManager, phone: string, carrier: Carrier): Promise<CarrierSubscriber> {
    const phoneIndex = await this.indexOf(em, phone);
    // A number can move to another carrier; the line, and so its monthly cap, stays the same.
    await query(
      em,
      `insert into "carrier_subscriber" ("id", "phone_index", "carrier", "created_at", "updated_at")
       values (?, ?, ?, now(), now())
       on conflict ("phone_index") do update set "carrier" = excluded."carrier", "updated_at" = excluded."updated_at"`,
      [randomUUID(), phoneIndex, carrier],
    );
    return em.findOneOrFail(CarrierSubscriber, { phoneIndex }, { refresh: true });
  }

  async find(em: EntityManager, phone: string): Promise<CarrierSubscriber | null> {
    return em.findOne(CarrierSubscriber, { phoneIndex: await this.indexOf(em, phone) });
  }

  /** Seals a number for one row under its owner's subject key. */
  seal(
    em: EntityManager,
    subjectId: string,
    phone: string,
    entity: 'CarrierVerification' | 'CarrierBillingSource',
    id: string,
  ): Promise<string> {
    return this.#keys.seal(em, subjectId, phone, phoneBinding(entity, id));
  }

  /** The number a row holds; null when it holds none or its subject's key is shredded. */
  async phoneOf(
    em: EntityManager,
    entity: 'CarrierVerification' | 'CarrierBillingSource',
    row: PhoneHolder,
  ): Promise<string | null> {
    if (!row.phoneSealed) return null;
    return this.#keys.open(em, row.phoneSealed, phoneBinding(entity, row.id));
  }
}
