import type { EntityManager } from '@mikro-orm/core';
import { query } from '../db/sql.ts';
import type { HookRunner } from '../hooks.ts';
import type { BlindIndex } from './blind-index.ts';
import type { HoldPurgeJob } from './hold-purge-job.ts';
import type { ProfilePurposes } from './profile-purposes.ts';
import type { ProcessingEntry } from './record-of-processing.ts';
import type { Regulations } from './regulations.ts';
import type { SubjectHolds } from './subject-holds.ts';
import type { DataSubject, SubjectErasure, SubjectSection } from './subject-hooks.ts';
import type { SubjectKeys } from './subject-keys.ts';

/** One plugin's section of a subject's data, with the plugin that gave it. */
export interface PluginSection extends SubjectSection {
  readonly plugin: string;
}

/** One plugin's answer to an erasure, with the plugin that gave it. */
export interface PluginErasure extends SubjectErasure {
  readonly plugin: string;
}

/**
 * Runs the data-subject hooks across every plugin: the subject-requests plugin (and tests) ask
 * here, so no plugin needs to know which others store something about a subject.
 */
export class PrivacyService {
  readonly #export: HookRunner<'subject.export', readonly PluginSection[]>;
  readonly #erase: HookRunner<'subject.erase', readonly PluginErasure[]>;
  /** Per-subject keys: seal a personal value under its subject's key, open it, shred the key. */
  readonly keys: SubjectKeys;
  /** Keyed hashes to find a row by a personal value without storing the value. */
  readonly blindIndex: BlindIndex;
  /** The regulation packs: which laws apply to a subject, and their rules. */
  readonly regulations: Regulations;
  /** Which profile fields a merchant may collect: those the purposes enabled for it need. */
  readonly purposes: ProfilePurposes;
  /** Retention holds: what an erasure keeps because a law says so, apart, until its purge date. */
  readonly holds: SubjectHolds;
  /** Purges held records when their holds end; runs hourly in every process (`run(now)` in tests). */
  readonly holdPurge: HoldPurgeJob;
  /** The record of processing (GDPR Art. 30): every installed plugin's data map, flattened. */
  readonly record: readonly ProcessingEntry[];

  constructor(
    exportRunner: HookRunner<'subject.export', readonly PluginSection[]>,
    eraseRunner: HookRunner<'subject.erase', readonly PluginErasure[]>,
    keys: SubjectKeys,
    blindIndex: BlindIndex,
    regulations: Regulations,
    purposes: ProfilePurposes,
    holds: SubjectHolds,
    holdPurge: HoldPurgeJob,
    record: readonly ProcessingEntry[],
  ) {
    this.record = record;
    this.purposes = purposes;
    this.holds = holds;
    this.holdPurge = holdPurge;
    this.#export = exportRunner;
    this.#erase = eraseRunner;
    this.keys = keys;
    this.blindIndex = blindIndex;
    this.regulations = regulations;
  }

  /** Every plugin's sections, in plugin dependency order; records are read as the caller iterates. */
  exportSubject(em: EntityManager, subject: DataSubject): Promise<readonly PluginSection[]> {
    return this.#export.run({ em, subject });
  }

  /**
   * Erases the subject across every plugin in one transaction: all of it happens, or none.
   * Each plugin's `subject.erase` destroys what it keeps, or moves it under a retention hold
   * (`holds.keep`); then the kernel keeps the subject's identity under the hold key if anything
   * is held, shreds the subject's key and records the answer (`erasureOf`). The subject's row is
   * locked first, so two erasures of one subject run one after the other.
   *
   * Idempotent: once done, the subject has no live key, so a second call finds nothing to erase
   * and answers each plugin with empty lists (or, when it raced the first, the first's stored
   * answer). A caller resuming after a crash reads the first answer with `erasureOf(subjectId)`,
   * the id it got from `keys.findSubjectId` before erasing.
   */
  eraseSubject(em: EntityManager, subject: DataSubject): Promise<readonly PluginErasure[]> {
    return em.transactional(async (tx) => {
      const found = await this.keys.findSubjectId(tx, subject);
      if (found) {
        await query(tx, `select "id" from "privacy_subject" where "id" = ? for update`, [found]);
        if ((await this.keys.findSubjectId(tx, subject)) !== found) {
          // Another erasure of this subject committed while this one waited for the lock.
          return (await this.erasureOf(tx, found)) ?? this.#erase.run({ em: tx, subject });
        }
      }
      const answers = await this.#erase.run({ em: tx, subject });
      if (found) {
        await this.holds.keepIdentity(tx, found);
        await this.keys.shred(tx, found);
        await query(
          tx,
          `insert into "privacy_erasure" ("subject_id", "merchant_id", "erased_at", "answer") values (?, ?, now(), ?)`,
          [found, subject.merchantId, JSON.stringify(answers)],
        );
      }
      return answers;
    });
  }

  /** The answer of the subject's completed erasure, or null when it was never erased. */
  async erasureOf(em: EntityManager, subjectId: string): Promise<readonly PluginErasure[] | null> {
    const [row] = await query<{ answer: unknown }>(
      em,
      `select "answer" from "privacy_erasure" where "subject_id" = ?`,
      [subjectId],
    );
    if (!row) return null;
    const answer = (typeof row.answer === 'string' ? JSON.parse(row.answer) : row.answer) as PluginErasure[];
    return answer.map((a) => ({
      ...a,
      kept: a.kept.map((k) => ({ ...k, until: k.until === null ? null : new Date(k.until) })),
    }));
  }
}
