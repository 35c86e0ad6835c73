/**
 * Current consent, derived from a subject's receipts and from nothing else: the receipts are the
 * record, this fold is the only reading of them (the cache holds its result, the API shows it).
 */

/** How a decision was made (ISO/IEC TS 27560 "consent type" / Kantara "collection method"). */
export const CONSENT_METHODS = ['explicit', 'api', 'gpc', 'guardian'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export const DECISION_STATES = ['granted', 'refused', 'withdrawn'] as const;
export type DecisionState = (typeof DECISION_STATES)[number];

/** One purpose of one receipt, with what the notice said of it: each item listed separately. */
export interface ReceiptDecision {
  readonly purpose: string;
  readonly mandatory: boolean;
  readonly sellsOrShares: boolean;
  readonly items: readonly string[];
  readonly retention: string;
  readonly state: DecisionState;
}

/** A GPC opt-out that overrode earlier opt-ins, kept on its receipt for the merchant to see. */
export interface GpcConflict {
  readonly purposes: readonly string[];
  /** The receipts whose opt-ins it overrode. */
  readonly overrode: readonly string[];
}

export interface ReceiptFacts {
  readonly id: string;
  readonly sequence: number;
  readonly method: ConsentMethod;
  readonly noticeId: string;
  readonly noticeKey: string;
  readonly noticeVersion: number;
  readonly recordedAt: Date;
  readonly decisions: readonly ReceiptDecision[];
}

export interface PurposeState {
  readonly purpose: string;
  readonly granted: boolean;
  readonly state: DecisionState;
  readonly method: ConsentMethod;
  readonly sellsOrShares: boolean;
  readonly receiptId: string;
  readonly noticeId: string;
  readonly noticeKey: string;
  readonly noticeVersion: number;
  readonly decidedAt: Date;
  /** Refused by a GPC signal over an opt-in: the merchant may ask again (11 CCR 7025(c)(3)). */
  readonly gpcConflict: boolean;
  /** Granted by the subject's own action after a GPC opt-out: a later signal does not undo it. */
  readonly reaskedAfterGpc: boolean;
}

/** The last decision on each purpose wins; receipts are applied in chain order. */
export function consentState(receipts: readonly ReceiptFacts[]): ReadonlyMap<string, PurposeState> {
  const state = new Map<string, PurposeState>();
  for (const receipt of [...receipts].sort((a, b) => a.sequence - b.sequence)) {
    for (const decision of receipt.decisions) {
      const before = state.get(decision.purpose);
      const granted = decision.state === 'granted';
      state.set(decision.purpose, {
        purpose: decision.purpose,
        granted,
        state: decision.state,
        method: receipt.method,
        sellsOrShares: decision.sellsOrShares,
        receiptId: receipt.id,
        noticeId: receipt.noticeId,
        noticeKey: receipt.noticeKey,
        noticeVersion: receipt.noticeVersion,
        decidedAt: receipt.recordedAt,
        gpcConflict: receipt.method === 'gpc' && before?.granted === true,
        reaskedAfterGpc:
          granted &&
          (receipt.method === 'explicit' || receipt.method === 'guardian') &&
          (before?.method === 'gpc' || before?.reaskedAfterGpc === true),
      });
    }
  }
  return state;
}

/** The purposes a GPC signal opts out of now: granted sale or sharing not re-asked since a signal. */
export function gpcTargets(state: ReadonlyMap<string, PurposeState>): PurposeState[] {
  return [...state.values()].filter((s) => s.sellsOrShares && s.granted && !s.reaskedAfterGpc);
}

/** The purposes the subject allows now. */
export function allowedPurposes(state: ReadonlyMap<string, PurposeState>): ReadonlySet<string> {
  return new Set([...state.values()].filter((s) => s.granted).map((s) => s.purpose));
}
