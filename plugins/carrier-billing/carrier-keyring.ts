import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { query, type SecretBox } from '../../core/plugin-api.ts';

const KEY_ID = 'hmac';
const PURPOSE = 'carrier-billing:hmac-key';

/**
 * Keyed hashes of one-time codes, so that a texted code is never stored. The root key is
 * generated once, stored wrapped by the master key, and loaded by every process. Finding a phone
 * line by its number is the kernel's blind index (`services.privacy.blindIndex`), not this key:
 * one keyed index for every personal lookup.
 */
export class CarrierKeyring {
  readonly #orm: MikroORM;
  readonly #secrets: SecretBox;
  #keys: { code: Buffer } | undefined;

  constructor(orm: MikroORM, secrets: SecretBox) {
    this.#orm = orm;
    this.#secrets = secrets;
  }

  /** Loads (or creates, once across processes) the root key; call before serving. */
  async load(): Promise<void> {
    if (this.#keys) return;
    const em = this.#orm.em.fork();
    const candidate = this.#secrets.seal(PURPOSE, randomBytes(32), KEY_ID);
    await query(
      em,
      `insert into "carrier_billing_key" ("id", "sealed_key", "created_at") values (?, ?, now()) on conflict ("id") do nothing`,
      [KEY_ID, candidate],
    );
    const [row] = await query<{ sealed_key: string }>(
      em,
      `select "sealed_key" from "carrier_billing_key" where "id" = ?`,
      [KEY_ID],
    );
    const root = this.#secrets.open(PURPOSE, row!.sealed_key, KEY_ID);
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, 32));
    this.#keys = { code: derive('one-time-code') };
  }

  #loaded(): { code: Buffer } {
    if (!this.#keys) throw new Error('carrier-billing keyring used before load()');
    return this.#keys;
  }

  /** A code's hash, bound to what it confirms so that it cannot confirm anything else. */
  codeHash(scope: string, code: string): string {
    return createHmac('sha256', this.#loaded().code).update(`${scope}:${code}`).digest('hex');
  }

  codeMatches(scope: string, code: string, hash: string): boolean {
    const given = Buffer.from(this.codeHash(scope, code), 'hex');
    const expected = Buffer.from(hash, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
