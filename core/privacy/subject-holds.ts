import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { SecretBox } from '../crypto/secret-box.ts';
import { query } from '../db/sql.ts';
import type { RecordType } from './regulation-pack.ts';
import type { Regulations } from './regulations.ts';
import { citedRule, type HeldUntil, retentionHold } from './retention-hold.ts';
import type { RetainedRecord } from './subject-hooks.ts';
import type { SubjectKeys } from './subject-keys.ts';

const KEY_PURPOSE = 'privacy:hold-key';
const RECORD_PURPOSE = 'privacy:held-record';
const IDENTITY_PURPOSE = 'privacy:held-identity';
/** Rows per insert of held records: a page of a long history at a time. */
const INSERT_BATCH = 500;

/** Where a subject is, for the packs: the same facts consent reads (payments' `profileFacts`). */
export interface HoldFacts {
  readonly merchantId: string;
  /** The subject's country of residence, else its jurisdiction. */
  readonly jurisdiction: string | null;
  /** Where the merchant is established. */
  readonly establishment: string | null;
}

/** One record a plugin keeps under a hold, with its personal fields to move apart (null: none). */
export interface HeldRecordInput {
  readonly recordId: string;
  readonly hold: HeldUntil;
  readonly payload: Readonly<Record<string, unknown>> | null;
}

/** A hold in the register, as operators and the subject-requests plugin read it. */
export interface HoldView {
  readonly id: string;
  readonly plugin: string;
  readonly what: string;
  readonly law: string;
  readonly article: string;
  readonly until: Date;
  readonly purgedAt: Date | null;
}

export interface PurgeReport {
  /** Held records whose own hold ended: their personal fields deleted. */
  readonly records: number;
  /** Holds whose every record ended. */
  readonly holds: number;
  /** Hold keys destroyed: the subject's last hold ended, so its held identity is gone. */
  readonly keys: number;
}

/**
 * Retention holds: what an erasure must keep because a law says so (Korean payment records,
 * EU AML records), restricted rather than erased. A plugin's `subject.erase` asks `holdFor` for
 * each record and hands `keep` the records still held, with their personal fields; `keep` moves
 * those fields out of the plugin's table into `privacy_held_record`, sealed under the subject's
 * hold key, and registers the hold (what, for whom, the cited rule, until when). The erasure then
 * shreds the subject's own key; the hold key opens only what the law holds, only through
 * `openHeld` and `heldIdentity`, and the purge job (`purgeDue`) deletes each record's fields on
 * its own purge date and destroys the key with the subject's last hold. See README.md here.
 */
export class SubjectHolds {
  readonly #secrets: SecretBox;
  readonly #keys: SubjectKeys;
  readonly #regulations: Regulations;

  constructor(secrets: SecretBox, keys: SubjectKeys, regulations: Regulations) {
    this.#secrets = secrets;
    this.#keys = keys;
    this.#regulations = regulations;
  }

  /**
   * The hold on a record of these types dated `recordDate`, under every pack that applies to the
   * subject, switched on for the merchant or not: a switch decides what consent enforces, and a
   * record destroyed against a law cannot come back, while one kept a pack's period too long is
   * the safe error (as for breach notices). The longest hold wins; null when none applies or when
   * it has already ended at `now` (the erasure then erases the record like any other): the one
   * question every `subject.erase` asks of each record it might keep.
   */
  holdFor(
    facts: HoldFacts,
    recordTypes: readonly RecordType[],
    recordDate: Date,
    now: Date,
  ): HeldUntil | null {
    const packs = this.#regulations
      .applying({ jurisdiction: facts.jurisdiction, establishment: facts.establishment }, null)
      .map((a) => a.pack);
    const hold = retentionHold(packs, recordTypes, recordDate);
    return hold && hold.until > now ? hold : null;
  }

  /**
   * Registers the records a plugin keeps for an erased subject, one hold per cited rule, and
   * moves each record's personal fields apart, sealed under the subject's hold key. Records are
   * read as they come (an async generator paging a long history). Answers what the erasure
   * reports as kept: one entry per rule, until the latest of its records' purge dates.
   * Call it inside the erasure, before the subject's key is shredded.
   */
  async keep(
    em: EntityManager,
    owner: { subjectId: string; merchantId: string; plugin: string; what: string },
    records: AsyncIterable<HeldRecordInput> | Iterable<HeldRecordInput>,
  ): Promise<RetainedRecord[]> {
    const groups = new Map<string, { id: string; hold: HeldUntil; until: Date }>();
    let box: SecretBox | undefined;
    let pending: unknown[][] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      await query(
        em,
        `insert into "privacy_held_record" ("id", "hold_id", "record_id", "purge_after", "sealed") values ${pending
          .map(() => '(?, ?, ?, ?, ?)')
          .join(', ')}`,
        pending.flat(),
      );
      pending = [];
    };
    for await (const record of records) {
      const rule = citedRule(record.hold);
      let group = groups.get(rule);
      if (!group) {
        group = { id: randomUUID(), hold: record.hold, until: record.hold.until };
        groups.set(rule, group);
        await query(
          em,
          `insert into "privacy_hold" ("id", "subject_id", "merchant_id", "plugin", "what", "law", "article", "until", "created_at")
           values (?, ?, ?, ?, ?, ?, ?, ?, now())`,
          [
            group.id,
            owner.subjectId,
            owner.merchantId,
            owner.plugin,
            owner.what,
            record.hold.law,
            record.hold.article,
            record.hold.until,
          ],
        );
      } else if (record.hold.until > group.until) {
        group.until = record.hold.until;
      }
      if (record.payload === null) continue;
      box ??= await this.#holdKey(em, owner.subjectId, owner.merchantId, group.until);
      pending.push([
        randomUUID(),
        group.id,
        record.recordId,
        record.hold.until,
        box.seal(RECORD_PURPOSE, JSON.stringify(record.payload), `${group.id}:${record.recordId}`),
      ]);
      if (pending.length === INSERT_BATCH) await flush();
    }
    await flush();
    const kept: RetainedRecord[] = [];
    for (const [rule, group] of groups) {
      await query(em, `update "privacy_hold" set "until" = ? where "id" = ?`, [group.until, group.id]);
      kept.push({ what: owner.what, rule, until: group.until });
    }
    const latest = [...groups.values()].reduce<Date | null>(
      (max, g) => (max === null || g.until > max ? g.until : max),
      null,
    );
    if (latest) await this.#holdKey(em, owner.subjectId, owner.merchantId, latest);
    return kept;
  }

  /**
   * Keeps who the held records are about: the merchant's reference of the subject, sealed under
   * the hold key (the subject's own copy goes with its key). Only when something is held. The
   * privacy service calls it in the erasure, just before the shred.
   */
  async keepIdentity(em: EntityManager, subjectId: string): Promise<boolean> {
    const [row] = await query<{ wrapped_key: string | null }>(
      em,
      `select "wrapped_key" from "privacy_hold_key" where "subject_id" = ?`,
      [subjectId],
    );
    if (!row?.wrapped_key) return false;
    const ref = await this.#keys.customerRef(em, subjectId);
    if (ref === null) return false;
    const sealed = this.#box(subjectId, row.wrapped_key).seal(IDENTITY_PURPOSE, ref, subjectId);
    await query(em, `update "privacy_hold_key" set "identity_sealed" = ? where "subject_id" = ?`, [
      sealed,
      subjectId,
    ]);
    return true;
  }

  /** Who held records are about (the merchant's reference), until the subject's last hold ends; then null. */
  async heldIdentity(em: EntityManager, subjectId: string): Promise<string | null> {
    const [row] = await query<{ wrapped_key: string | null; identity_sealed: string | null }>(
      em,
      `select "wrapped_key", "identity_sealed" from "privacy_hold_key" where "subject_id" = ?`,
      [subjectId],
    );
    if (!row?.wrapped_key || !row.identity_sealed) return null;
    return this.#box(subjectId, row.wrapped_key).openString(IDENTITY_PURPOSE, row.identity_sealed, subjectId);
  }

  /**
   * The held personal fields of one record, for the law's purpose only (a tax audit, a dispute):
   * nothing in the gateway reads them otherwise. Null once the record's hold has ended and the
   * purge job ran, or when nothing of it is held.
   */
  async openHeld(
    em: EntityManager,
    subjectId: string,
    recordId: string,
  ): Promise<Readonly<Record<string, unknown>> | null> {
    const [row] = await query<{ hold_id: string; sealed: string; wrapped_key: string | null }>(
      em,
      `select r."hold_id", r."sealed", k."wrapped_key" from "privacy_held_record" r
         join "privacy_hold" h on h."id" = r."hold_id"
         join "privacy_hold_key" k on k."subject_id" = h."subject_id"
        where h."subject_id" = ? and r."record_id" = ?`,
      [subjectId, recordId],
    );
    if (!row?.wrapped_key) return null;
    const box = this.#box(subjectId, row.wrapped_key);
    return JSON.parse(box.openString(RECORD_PURPOSE, row.sealed, `${row.hold_id}:${recordId}`));
  }

  /** The subject's holds, oldest rule first: the register's view of what an erasure kept. */
  async list(em: EntityManager, subjectId: string): Promise<HoldView[]> {
    const rows = await query<{
      id: string;
      plugin: string;
      what: string;
      law: string;
      article: string;
      until: Date | string;
      purged_at: Date | string | null;
    }>(
      em,
      `select "id", "plugin", "what", "law", "article", "until", "purged_at" from "privacy_hold"
        where "subject_id" = ? order by "created_at", "plugin", "what"`,
      [subjectId],
    );
    return rows.map((r) => ({
      id: r.id,
      plugin: r.plugin,
      what: r.what,
      law: r.law,
      article: r.article,
      until: new Date(r.until),
      purgedAt: r.purged_at === null ? null : new Date(r.purged_at),
    }));
  }

  /**
   * One batch of the purge, in the caller's transaction, at `now` (the database's clock when
   * omitted): deletes held records whose purge date has come, marks the holds with nothing left,
   * and destroys the hold keys of subjects whose last hold ended. Each step claims its rows with
   * `for update skip locked`, so gateway processes purging at once never wait on or repeat each
   * other's work, and every step is a no-op the second time.
   */
  async purgeDue(em: EntityManager, now: Date | null, limit: number): Promise<PurgeReport> {
    const records = await query(
      em,
      `delete from "privacy_held_record" r where r."id" in (
         select "id" from "privacy_held_record" where "purge_after" <= coalesce(?::timestamptz, now())
          order by "purge_after" limit ? for update skip locked)
       returning r."id"`,
      [now, limit],
    );
    const holds = await query(
      em,
      `update "privacy_hold" set "purged_at" = coalesce(?::timestamptz, now()) where "id" in (
         select h."id" from "privacy_hold" h
          where h."purged_at" is null and h."until" <= coalesce(?::timestamptz, now())
            and not exists (select 1 from "privacy_held_record" r where r."hold_id" = h."id")
          order by h."until" limit ? for update skip locked)
       returning "id"`,
      [now, now, limit],
    );
    const keys = await query(
      em,
      `update "privacy_hold_key" set "wrapped_key" = null, "identity_sealed" = null,
         "destroyed_at" = coalesce(?::timestamptz, now())
       where "subject_id" in (
         select k."subject_id" from "privacy_hold_key" k
          where k."destroyed_at" is null and k."purge_after" <= coalesce(?::timestamptz, now())
            and not exists (select 1 from "privacy_hold" h where h."subject_id" = k."subject_id" and h."purged_at" is null)
          order by k."purge_after" limit ? for update skip locked)
       returning "subject_id"`,
      [now, now, limit],
    );
    return { records: records.length, holds: holds.length, keys: keys.length };
  }

  /** The subject's hold key, created on first use; its purge date moves to the latest hold. */
  async #holdKey(em: EntityManager, subjectId: string, merchantId: string, until: Date): Promise<SecretBox> {
    await query(
      em,
      `insert into "privacy_hold_key" ("subject_id", "merchant_id", "wrapped_key", "purge_after", "created_at")
       values (?, ?, ?, ?, now())
       on conflict ("subject_id") do update set "purge_after" = greatest("privacy_hold_key"."purge_after", excluded."purge_after")`,
      [subjectId, merchantId, this.#secrets.seal(KEY_PURPOSE, randomBytes(32), subjectId), until],
    );
    const [row] = await query<{ wrapped_key: string | null }>(
      em,
      `select "wrapped_key" from "privacy_hold_key" where "subject_id" = ?`,
      [subjectId],
    );
    if (!row?.wrapped_key)
      throw new Error(`subject ${subjectId}'s holds were purged: nothing more can be held`);
    return this.#box(subjectId, row.wrapped_key);
  }

  #box(subjectId: string, wrappedKey: string): SecretBox {
    return new SecretBox(this.#secrets.open(KEY_PURPOSE, wrappedKey, subjectId));
  }
}
