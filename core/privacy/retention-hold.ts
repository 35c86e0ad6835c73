import { deadline } from './deadline.ts';
import type { DeclaredRegulationPack, RecordType } from './regulation-pack.ts';
import type { RetainedRecord } from './subject-hooks.ts';

/** Why a record outlives its subject's erasure, and until when. */
export interface HeldUntil {
  /** The pack that asks the longest (`pipa`). */
  readonly law: string;
  /** The record type of the winning rule. */
  readonly recordType: RecordType;
  readonly article: string;
  /** The record's date plus the rule's period, in UTC: the purge date. */
  readonly until: Date;
}

/**
 * The retention hold on a record of the given types (a payment is a `payment` record and an
 * `aml` record) dated `recordDate`, under the packs that apply to its subject: every rule of
 * those packs for those types, each counted from the record's date by `deadline` (UTC, months by
 * Regulation 1182/71), and the latest purge date wins, so no applicable law's hold is cut short.
 * Ties go to the first pack in plugin order. Null when no pack holds such records.
 */
export function retentionHold(
  packs: readonly DeclaredRegulationPack[],
  recordTypes: readonly RecordType[],
  recordDate: Date,
): HeldUntil | null {
  let longest: HeldUntil | null = null;
  for (const pack of packs) {
    for (const hold of pack.rules.retentionHolds) {
      if (!recordTypes.includes(hold.recordType)) continue;
      const until = deadline(recordDate, hold.keep);
      if (longest === null || until.getTime() > longest.until.getTime()) {
        longest = { law: pack.name, recordType: hold.recordType, article: hold.article, until };
      }
    }
  }
  return longest;
}

/** The rule as an erasure answer cites it: `pipa: E-Commerce Act Art. 6(1) ...`. */
/**
 * What an erasure keeps that no key opens any more: amounts and dates that describe nobody once
 * the subject key and any hold key are gone (GDPR Recital 26), kept for the books (`keptFor`).
 */
export const anonymousRecord = (what: string, keptFor: string): RetainedRecord => ({
  what,
  rule: `no longer personal data once the subject key and any hold key are destroyed (GDPR Recital 26): kept for ${keptFor}`,
  until: null,
});

export const citedRule = (hold: Pick<HeldUntil, 'law' | 'article'>) => `${hold.law}: ${hold.article}`;
