import { GatewayError } from '../../core/plugin-api.ts';

const DONE: Record<string, string> = {
  verify: 'verified',
  claim: 'processed',
  complete: 'completed',
  refuse: 'refused',
  cancel: 'cancelled',
  extend: 'extended',
};

/** The request is not in a status the action starts from (answered, refused, already verified...). */
export class InvalidRequestTransition extends GatewayError {
  readonly status: string;
  readonly action: string;

  constructor(status: string, action: string) {
    super('INVALID_REQUEST_TRANSITION', `A ${status} request cannot be ${DONE[action] ?? action}`);
    this.status = status;
    this.action = action;
  }
}

/**
 * A correction would change a financial record (an amount, a currency, a payment): those are the
 * ledger's, kept under payment law, and a subject request never rewrites them.
 */
export class FinancialRecordCorrectionRefused extends GatewayError {
  readonly field: string;

  constructor(field: string) {
    super(
      'FINANCIAL_RECORD_CORRECTION_REFUSED',
      `"${field}" is part of a financial record: a correction changes personal profile fields only (name, email, phone, birthDate, countryOfResidence); a wrong payment is refunded or disputed, never rewritten`,
    );
    this.field = field;
  }
}

/** An extension the law does not allow: none for this kind, a second one, or told too late. */
export class ExtensionNotAllowed extends GatewayError {
  readonly reason: string;

  constructor(reason: string) {
    super('EXTENSION_NOT_ALLOWED', `The deadline cannot be extended: ${reason}`);
    this.reason = reason;
  }
}
