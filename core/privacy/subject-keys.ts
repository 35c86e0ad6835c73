import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { SecretBox } from '../crypto/secret-box.ts';
import { query } from '../db/sql.ts';
import { isUuid } from '../uuid.ts';
import type { BlindIndex } from './blind-index.ts';
import type { DataSubject } from './subject-hooks.ts';

const KEY_PURPOSE = 'privacy:subject-key';
const FIELD_PURPOSE = 'privacy:personal-field';
const REF_INDEX = 'customer-ref';
/** A value sealed under a subject's key: `p1.<subject id>.<SecretBox value>`. */
const PREFIX = 'p1';

/**
 * Per-subject data keys (envelope encryption). Each subject has a random key, sealed under the
 * master key; a personal value is sealed under its subject's key and names the subject, so
 * whoever reads it needs no other lookup. Shredding destroys the key: every value sealed under
 * it, in every table and every backup, can no longer be opened.
 *
 * Nothing is cached: opening reads the subject's sealed key each time, so a shred is effective
 * at once in every process. A cache would need the same eviction across processes.
 */
export class SubjectKeys {
  readonly #secrets: SecretBox;
  readonly #index: BlindIndex;
  readonly #onShred: (em: EntityManager, subjectId: string) => Promise<void>;

  /** `onShred` runs in the shredding transaction: the gateway ends the subject's sessions there. */
  constructor(
    secrets: SecretBox,
    index: BlindIndex,
    onShred: (em: EntityManager, subjectId: string) => Promise<void> = async () => {},
  ) {
    this.#secrets = secrets;
    this.#index = index;
    this.#onShred = onShred;
  }

  /** The subject's pseudonymous id, creating the subject and its key on first use. */
  async subjectId(em: EntityManager, subject: DataSubject): Promise<string> {
    const refIndex = await this.#refIndex(em, subject);
    const found = await this.#live(em, subject.merchantId, refIndex);
    if (found) return found;
    const id = randomUUID();
    const dataKey = randomBytes(32);
    await query(
      em,
      `insert into "privacy_subject" ("id", "merchant_id", "ref_index", "ref_sealed", "wrapped_key", "created_at")
       values (?, ?, ?, ?, ?, now())
       on conflict ("merchant_id", "ref_index") where "shredded_at" is null do nothing`,
      [
        id,
        subject.merchantId,
        refIndex,
        new SecretBox(dataKey).seal(FIELD_PURPOSE, subject.customerRef, `${id}:customerRef`),
        this.#secrets.seal(KEY_PURPOSE, dataKey, id),
      ],
    );
    // Another process may have won the race: its row is the subject.
    return (await this.#live(em, subject.merchantId, refIndex))!;
  }

  /** The subject's id if it has a live key, without creating one. */
  async findSubjectId(em: EntityManager, subject: DataSubject): Promise<string | null> {
    return this.#live(em, subject.merchantId, await this.#refIndex(em, subject));
  }

  /** Seals `value` under the subject's key, bound to `binding` (e.g. `TotpFactor.customerRef:<row id>`). */
  async seal(em: EntityManager, subjectId: string, value: string, binding: string): Promise<string> {
    const box = await this.#box(em, subjectId);
    if (!box) throw new Error(`subject ${subjectId} has no live key: nothing can be sealed for it`);
    return `${PREFIX}.${subjectId}.${box.seal(FIELD_PURPOSE, value, binding)}`;
  }

  /** The clear value, or null once its subject's key is shredded. A wrong binding throws. */
  async open(em: EntityManager, sealed: string, binding: string): Promise<string | null> {
    const [value] = await this.openAll(em, [{ sealed, binding }]);
    return value ?? null;
  }

  /**
   * Opens several values with one read of each subject's key (a customer's whole profile):
   * each clear value, or null when absent or once its subject is shredded.
   */
  async openAll(
    em: EntityManager,
    values: readonly { sealed: string | null; binding: string }[],
  ): Promise<(string | null)[]> {
    const boxes = new Map<string, Promise<SecretBox | null | undefined>>();
    return Promise.all(
      values.map(async ({ sealed, binding }) => {
        if (sealed === null) return null;
        const { subjectId, body } = parse(sealed);
        if (!boxes.has(subjectId)) boxes.set(subjectId, this.#box(em, subjectId));
        const box = await boxes.get(subjectId);
        if (box === undefined) throw new Error(`sealed under subject ${subjectId}, which does not exist`);
        return box ? box.openString(FIELD_PURPOSE, body, binding) : null;
      }),
    );
  }

  /** The merchant's own reference of the subject, or null once shredded. */
  async customerRef(em: EntityManager, subjectId: string): Promise<string | null> {
    const [row] = await query<{ ref_sealed: string | null; wrapped_key: string | null }>(
      em,
      `select "ref_sealed", "wrapped_key" from "privacy_subject" where "id" = ?`,
      [subjectId],
    );
    if (!row?.ref_sealed || !row.wrapped_key) return null;
    const box = new SecretBox(this.#secrets.open(KEY_PURPOSE, row.wrapped_key, subjectId));
    return box.openString(FIELD_PURPOSE, row.ref_sealed, `${subjectId}:customerRef`);
  }

  /**
   * Destroys the subject's key, index and sealed reference, and ends the subject's sessions;
   * the row stays as a tombstone.
   * True when a live key was shredded, false when there was none.
   */
  async shred(em: EntityManager, subjectId: string): Promise<boolean> {
    return em.transactional(async (tx) => {
      const rows = await query(
        tx,
        `update "privacy_subject" set "wrapped_key" = null, "ref_index" = null, "ref_sealed" = null, "shredded_at" = now()
         where "id" = ? and "shredded_at" is null returning "id"`,
        [subjectId],
      );
      if (rows.length === 0) return false;
      await this.#onShred(tx, subjectId);
      return true;
    });
  }

  #refIndex(em: EntityManager, subject: DataSubject): Promise<string> {
    return this.#index.of(em, REF_INDEX, subject.merchantId, subject.customerRef);
  }

  async #live(em: EntityManager, merchantId: string, refIndex: string): Promise<string | null> {
    const [row] = await query<{ id: string }>(
      em,
      `select "id" from "privacy_subject" where "merchant_id" = ? and "ref_index" = ? and "shredded_at" is null`,
      [merchantId, refIndex],
    );
    return row?.id ?? null;
  }

  /** The subject's key; null once shredded, undefined when there is no such subject. */
  async #box(em: EntityManager, subjectId: string): Promise<SecretBox | null | undefined> {
    const [row] = await query<{ wrapped_key: string | null }>(
      em,
      `select "wrapped_key" from "privacy_subject" where "id" = ?`,
      [subjectId],
    );
    if (!row) return undefined;
    if (!row.wrapped_key) return null;
    return new SecretBox(this.#secrets.open(KEY_PURPOSE, row.wrapped_key, subjectId));
  }
}

/** The subject a sealed value names, and the SecretBox value after it. */
function parse(sealed: string): { subjectId: string; body: string } {
  const [prefix, subjectId, ...rest] = sealed.split('.');
  if (prefix !== PREFIX || !subjectId || !isUuid(subjectId) || rest.length === 0) {
    throw new Error('not a value sealed under a subject key');
  }
  return { subjectId, body: rest.join('.') };
}
