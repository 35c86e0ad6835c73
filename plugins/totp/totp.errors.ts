/** Wrong, outside the accepted window, malformed, or already used (replay). */
export class InvalidTotpCode extends GatewayError {
  readonly attemptsRemaining: number;

  constructor(attemptsRemaining: number) {
    super('INVALID_TOTP_CODE', 'The code is not valid: it is wrong, expired or already used');
    this.attemptsRemaining = attemptsRemaining;
  }
}

export class TotpLocked extends GatewayError {
  readonly retryAt: Date;

  constructor(retryAt: Date) {
    super('TOTP_LOCKED', `Too many failed attempts: try again after ${retryAt.toISOString()}`);
    this.retryAt = retryAt;
  }
}

export class TotpNotEnrolled extends GatewayError {
  constructor(pending: boolean) {
    super(
      'TOTP_NOT_ENROLLED',
      pending
        ? 'TOTP enrollment is not confirmed yet: confirm it with a code from the authenticator'
        : 'No TOTP factor is enrolled for this caller',
    );
  }
}

export class TotpAlreadyEnrolled extends GatewayError {
  constructor() {
    super('TOTP_ALREADY_ENROLLED', 'A TOTP factor is already active: disable it before enrolling again');
  }
}

import { GatewayError } from '../../core/plugin-api.ts';
