import { GatewayError, ValidationError } from '../../../core/plugin-api.ts';

/** The message is longer than the operator allows (the `maxMessageLength` option). */
export class MessageTooLong extends ValidationError {
  readonly maxLength: number;

  constructor(maxLength: number) {
    super('message', `a message has at most ${maxLength} characters`);
    this.maxLength = maxLength;
  }
}

/** A `guestbook.beforeSign` handler refused the message. */
export class MessageRefused extends GatewayError {
  readonly reasons: readonly string[];

  constructor(reasons: readonly string[]) {
    super('MESSAGE_REFUSED', `the message was refused: ${reasons.join('; ')}`);
    this.reasons = reasons;
  }
}
