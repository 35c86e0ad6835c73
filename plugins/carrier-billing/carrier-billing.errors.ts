export const VERIFICATION_FAILURES = [
  'wrong_code',
  'expired',
  'too_many_attempts',
  'already_used',
  'too_many_codes',
] as const;
export type VerificationFailure = (typeof VERIFICATION_FAILURES)[number];

const MESSAGES: Record<VerificationFailure, string> = {
  wrong_code: 'The code is wrong',
  expired: 'The code has expired; start a new verification',
  too_many_attempts: 'Too many wrong codes; start a new verification',
  already_used: 'This verification was already completed',
  too_many_codes: 'Too many codes were sent to this phone recently; try again later',
};

/** A phone verification that did not go through, and why. */
export class CarrierVerificationError extends GatewayError {
  readonly reason: VerificationFailure;
  readonly attemptsLeft: number;

  constructor(reason: VerificationFailure, attemptsLeft = 0) {
    super('CARRIER_VERIFICATION_FAILED', MESSAGES[reason]);
    this.reason = reason;
    this.attemptsLeft = attemptsLeft;
  }
}

import { GatewayError } from '../../core/plugin-api.ts';
