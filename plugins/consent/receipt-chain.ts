import type { EntityManager } from '@mikro-orm/core';
import { query } from '../../core/plugin-api.ts';
import { canonicalJson, sha256Hex } from './notice-content.ts';

/** The stored fields a receipt's hash covers: all of them but the hash itself. */
export interface ChainedFields {
  readonly id: string;
  readonly merchantId: string;
  readonly subjectId: string;
  readonly sequence: number;
  readonly noticeId: string;
  readonly noticeKey: string;
  readonly noticeVersion: number;
  readonly noticeHash: string;
  readonly language: string;
  readonly decisions: unknown;
  readonly method: string;
  readonly collectionPoint: string;
  readonly personalSealed: string;
  readonly guardianVerification: string | null;
  readonly recordedBy: string;
  readonly recordedAt: Date;
  readonly conflict: unknown;
  readonly previousHash: string | null;
}

/**
 * SHA-256 over the canonical JSON of every field, the previous receipt's hash included: changing,
 * removing or reordering any receipt breaks the hash of every later one. Sealed values are
 * hashed as stored, so a shredded subject's chain still verifies.
 */
export function receiptHash(fields: ChainedFields): string {
  return sha256Hex(canonicalJson({ ...fields, recordedAt: fields.recordedAt.toISOString() }));
}

export interface ChainBreak {
  readonly subjectId: string;
  readonly sequence: number;
  readonly receiptId: string;
  readonly problem: string;
}

export interface ChainReport {
  readonly subjects: number;
  readonly receipts: number;
  readonly breaks: readonly ChainBreak[];
}

interface Row {
  id: string;
  merchant_id: string;
  subject_id: string;
  sequence: number;
  notice_id: string;
  notice_key: string;
  notice_version: number;
  notice_hash: string;
  language: string;
  decisions: unknown;
  method: string;
  collection_point: string;
  personal_sealed: string;
  guardian_verification: string | null;
  recorded_by: string;
  recorded_at: Date | string;
  conflict: unknown;
  previous_hash: string | null;
  hash: string;
}

const PAGE = 1000;

/** Checks every subject's chain, a page of receipts at a time, in (subject, sequence) order. */
export async function verifyChains(em: EntityManager): Promise<ChainReport> {
  const breaks: ChainBreak[] = [];
  let receipts = 0;
  let subjects = 0;
  let last: { subjectId: string; sequence: number; hash: string } | null = null;
  let after: [string, number] = ['00000000-0000-0000-0000-000000000000', 0];
  for (;;) {
    const rows = await query<Row>(
      em,
      `select * from consent_receipt where (subject_id, sequence) > (?::uuid, ?) order by subject_id, sequence limit ${PAGE}`,
      after,
    );
    for (const row of rows) {
      receipts += 1;
      const first = last?.subjectId !== row.subject_id;
      if (first) subjects += 1;
      const expected = first
        ? { sequence: 1, previousHash: null }
        : { sequence: last!.sequence + 1, previousHash: last!.hash };
      const problem =
        row.sequence !== expected.sequence
          ? `sequence ${row.sequence} where ${expected.sequence} was expected: a receipt is missing`
          : row.previous_hash !== expected.previousHash
            ? 'previous hash does not match the previous receipt: a receipt was changed, removed or inserted'
            : receiptHash(fieldsOf(row)) !== row.hash
              ? 'hash does not match its fields: the receipt was changed'
              : null;
      if (problem)
        breaks.push({ subjectId: row.subject_id, sequence: row.sequence, receiptId: row.id, problem });
      last = { subjectId: row.subject_id, sequence: row.sequence, hash: row.hash };
    }
    if (rows.length < PAGE) return { subjects, receipts, breaks };
    after = [last!.subjectId, last!.sequence];
  }
}

function fieldsOf(row: Row): ChainedFields {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    subjectId: row.subject_id,
    sequence: row.sequence,
    noticeId: row.notice_id,
    noticeKey: row.notice_key,
    noticeVersion: row.notice_version,
    noticeHash: row.notice_hash,
    language: row.language,
    decisions: typeof row.decisions === 'string' ? JSON.parse(row.decisions) : row.decisions,
    method: row.method,
    collectionPoint: row.collection_point,
    personalSealed: row.personal_sealed,
    guardianVerification: row.guardian_verification,
    recordedBy: row.recorded_by,
    recordedAt: new Date(row.recorded_at),
    conflict: typeof row.conflict === 'string' ? JSON.parse(row.conflict) : row.conflict,
    previousHash: row.previous_hash,
  };
}
