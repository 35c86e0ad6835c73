import { InvalidRequestTransition } from './subject-requests.errors.ts';

/**
 * A request's life, as data. Identity first: nothing leaves and nothing is destroyed before
 * `verified` (an opt-out of sale, which the CPRA lets through unverified, is filed `verified`).
 *
 * - `awaiting_verification`: filed; waits, visibly, for the subject to verify in its session.
 * - `verified`: the subject is who it says; processing may start (now, or by the scheduled pass).
 * - `processing`: claimed for processing and durable: a process that dies here leaves the
 *   request to the scheduled pass, which resumes it (the erasure itself is one transaction).
 * - `completed`: answered; the answer lists what was done, kept and why.
 * - `refused`: an operator or the merchant refused it, with the reason told to the subject.
 * - `cancelled`: withdrawn by the subject (or on its behalf) before it was answered.
 */
export const REQUEST_STATUSES = [
  'awaiting_verification',
  'verified',
  'processing',
  'completed',
  'refused',
  'cancelled',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** What moves a request: each action may start from the statuses listed, and leads to one. */
export const ACTIONS = {
  verify: { from: ['awaiting_verification'], to: 'verified' },
  claim: { from: ['verified', 'processing'], to: 'processing' },
  complete: { from: ['processing'], to: 'completed' },
  refuse: { from: ['awaiting_verification', 'verified'], to: 'refused' },
  // The processor refuses what it cannot carry out (a typed refusal, e.g. a correction for a
  // customer without a profile); the subject's history calls it a refusal like any other.
  giveUp: { from: ['processing'], to: 'refused' },
  cancel: { from: ['awaiting_verification', 'verified'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly RequestStatus[]; to: RequestStatus }>;
export type RequestAction = keyof typeof ACTIONS;

export const OPEN_STATUSES: readonly RequestStatus[] = ['awaiting_verification', 'verified', 'processing'];
export const TERMINAL_STATUSES: readonly RequestStatus[] = REQUEST_STATUSES.filter(
  (s) => !OPEN_STATUSES.includes(s),
);

export function canApply(action: RequestAction, status: RequestStatus): boolean {
  return (ACTIONS[action].from as readonly RequestStatus[]).includes(status);
}

/** The status `action` leads to from `status`; a typed refusal when it may not start there. */
export function next(action: RequestAction, status: RequestStatus): RequestStatus {
  if (!canApply(action, status)) throw new InvalidRequestTransition(status, action);
  return ACTIONS[action].to;
}
