import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { query, type SecretBox } from '../../core/plugin-api.ts';
import type { Carrier } from './phone-number.ts';
import { CarrierSubscriber } from './subscriber.entity.ts';

const PHONE_PURPOSE = 'carrier-billing:phone';
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

/** Phone lines, found by blind index and stored encrypted: the number is never in clear at rest. */
export class SubscriberDirectory {
  readonly #index: PhoneIndex;
  readonly #secrets: SecretBox;

  constructor(index: PhoneIndex, secrets: SecretBox) {
    this.#index = index;
    this.#secrets = secrets;
  }

  /** The line's blind index: equal numbers, equal indexes, in every process. */
  indexOf(em: EntityManager, phone: string): Promise<string> {
    return this.#index.of(em, PHONE_INDEX_KIND, ANY_MERCHANT, phone);
  }

  /** The subscriber of a normalized phone number, created on first sight (once, even when raced). */
  async enrol(em: EntityManager, phone: string, carrier: Carrier): Promise<CarrierSubscriber> {
    const id = randomUUID();
    const phoneIndex = await this.indexOf(em, phone);
    // A number can move to another carrier; the line, and so its monthly cap, stays the same.
    await query(
      em,
      `insert into "carrier_subscriber" ("id", "phone_index", "phone_sealed", "carrier", "created_at", "updated_at")
       values (?, ?, ?, ?, now(), now())
       on conflict ("phone_index") do update set "carrier" = excluded."carrier", "updated_at" = excluded."updated_at"`,
      [id, phoneIndex, this.#secrets.seal(PHONE_PURPOSE, phone, id), carrier],
    );
    return em.findOneOrFail(CarrierSubscriber, { phoneIndex }, { refresh: true });
  }

  async find(em: EntityManager, phone: string): Promise<CarrierSubscriber | null> {
    return em.findOne(CarrierSubscriber, { phoneIndex: await this.indexOf(em, phone) });
  }

  phoneOf(subscriber: CarrierSubscriber): string {
    return this.#secrets.openString(PHONE_PURPOSE, subscriber.phoneSealed, subscriber.id);
  }
}
