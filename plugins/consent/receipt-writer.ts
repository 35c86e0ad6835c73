import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { announceChange, type GatewayServices, query } from '../../core/plugin-api.ts';
import { CONSENT_CHANNEL, changeNotice } from './consent-cache.ts';
import { CONSENT_CHANGED } from './consent-event-types.ts';
import type { ConsentNotice } from './consent-notice.entity.ts';
import { ConsentReceipt } from './consent-receipt.entity.ts';
import type { ConsentMethod, GpcConflict, ReceiptDecision } from './consent-state.ts';
import { receiptHash } from './receipt-chain.ts';

/** Who the guardian is, sealed with the receipt under the child's key. */
export interface GuardianIdentity {
  readonly name: string;
  readonly relationship: string;
  readonly contact: string | null;
}

/** What a receipt holds of personal data, sealed as one value under the subject's key. */
export interface ReceiptPersonal {
  readonly jurisdiction: string | null;
  readonly guardian: GuardianIdentity | null;
}

export interface NewReceipt {
  readonly merchantId: string;
  readonly subjectId: string;
  /** The payments customer, named in the event for partners; null when the merchant has none. */
  readonly customerId: string | null;
  readonly notice: ConsentNotice;
  readonly decisions: readonly ReceiptDecision[];
  readonly method: ConsentMethod;
  readonly collectionPoint: string;
  readonly personal: ReceiptPersonal;
  readonly guardianVerification: string | null;
  readonly recordedBy: string;
  readonly conflict: GpcConflict | null;
}

export function personalBinding(receiptId: string): string {
  return `ConsentReceipt.personalSealed:${receiptId}`;
}

/**
 * Appends one receipt to its subject's chain inside `tx`, with the `consent.changed` event and
 * the change notice for every process's cache: all three commit together or not at all.
 */
export async function appendReceipt(
  tx: EntityManager,
  services: GatewayServices,
  input: NewReceipt,
): Promise<ConsentReceipt> {
  // One writer per subject: the sequence and the previous hash are read and extended atomically.
  await query(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`consent-receipt:${input.subjectId}`]);
  const [previous] = await query<{ sequence: number; hash: string }>(
    tx,
    'select sequence, hash from consent_receipt where subject_id = ? order by sequence desc limit 1',
    [input.subjectId],
  );
  const id = randomUUID();
  const personalSealed = await services.privacy.keys.seal(
    tx,
    input.subjectId,
    JSON.stringify(input.personal),
    personalBinding(id),
  );
  const fields = {
    id,
    merchantId: input.merchantId,
    subjectId: input.subjectId,
    sequence: (previous?.sequence ?? 0) + 1,
    noticeId: input.notice.id,
    noticeKey: input.notice.key,
    noticeVersion: input.notice.version,
    noticeHash: input.notice.contentHash,
    language: input.notice.language,
    decisions: input.decisions,
    method: input.method,
    collectionPoint: input.collectionPoint,
    personalSealed,
    guardianVerification: input.guardianVerification,
    recordedBy: input.recordedBy,
    recordedAt: new Date(),
    conflict: input.conflict,
    previousHash: previous?.hash ?? null,
  };
  const { merchantId, noticeId, ...stored } = fields;
  const receipt = tx.create(ConsentReceipt, {
    ...stored,
    merchant: merchantId,
    notice: noticeId,
    decisions: [...input.decisions],
    hash: receiptHash(fields),
  });
  await tx.flush();
  await services.events.publish(tx, {
    type: CONSENT_CHANGED,
    merchantId,
    payload: {
      receiptId: id,
      subjectId: input.subjectId,
      customerId: input.customerId,
      method: input.method,
      purposes: input.decisions.map((d) => ({ purpose: d.purpose, granted: d.state === 'granted' })),
    },
  });
  await announceChange(tx, CONSENT_CHANNEL, changeNotice({ merchantId, subjectId: input.subjectId }));
  return receipt;
}
