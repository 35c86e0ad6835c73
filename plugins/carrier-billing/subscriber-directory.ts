import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { query, type SecretBox } from '../../core/plugin-api.ts';
import type { CarrierKeyring } from './carrier-keyring.ts';
import type { Carrier } from './phone-number.ts';
import { CarrierSubscriber } from './subscriber.entity.ts';

const PHONE_PURPOSE = 'carrier-billing:phone';

/** Phone lines, found by blind index and stored encrypted: the number is never in clear at rest. */
export class SubscriberDirectory {
  readonly #keyring: CarrierKeyring;
  readonly #secrets: SecretBox;

  constructor(keyring: CarrierKeyring, secrets: SecretBox) {
    this.#keyring = keyring;
    this.#secrets = secrets;
  }

  /** The subscriber of a normalized phone number, created on first sight (once, even when raced). */
  async enrol(em: EntityManager, phone: string, carrier: Carrier): Promise<CarrierSubscriber> {
    await this.#keyring.load();
    const id = randomUUID();
    const phoneIndex = this.#keyring.phoneIndex(phone);
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
    await this.#keyring.load();
    return em.findOne(CarrierSubscriber, { phoneIndex: this.#keyring.phoneIndex(phone) });
  }

  phoneOf(subscriber: CarrierSubscriber): string {
    return this.#secrets.openString(PHONE_PURPOSE, subscriber.phoneSealed, subscriber.id);
  }
}
