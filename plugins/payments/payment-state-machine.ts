import { InvalidTransitionError } from './payment-errors.ts';
import type { CaptureMethod, OperationKind, PaymentStatus } from './payment-status.ts';

type Action = OperationKind | 'expire';

/** Where each status may go. Anything else is a bug, refused with `InvalidTransitionError`. */
const NEXT: Record<PaymentStatus, readonly PaymentStatus[]> = {
  created: ['requires_action', 'processing', 'authorized', 'captured', 'declined', 'failed', 'unknown'],
  requires_action: [
    'requires_action',
    'processing',
    'authorized',
    'captured',
    'declined',
    'failed',
    'unknown',
    'voided',
    'expired',
  ],
  processing: [
    'requires_action',
    'processing',
    'authorized',
    'partially_captured',
    'captured',
    'partially_refunded',
    'refunded',
    'voided',
    'declined',
    'failed',
    'unknown',
  ],
  unknown: [
    'requires_action',
    'processing',
    'authorized',
    'partially_captured',
    'captured',
    'partially_refunded',
    'refunded',
    'voided',
    'declined',
    'failed',
    'unknown',
  ],
  authorized: ['partially_captured', 'captured', 'voided', 'expired', 'processing', 'unknown'],
  partially_captured: ['partially_captured', 'captured', 'processing', 'unknown'],
  captured: ['partially_refunded', 'refunded', 'processing', 'unknown'],
  partially_refunded: ['partially_refunded', 'refunded', 'processing', 'unknown'],
  refunded: [],
  voided: [],
  declined: [],
  failed: [],
  expired: [],
};

/** The statuses from which a caller may start each operation. */
const STARTS: Record<Action, readonly PaymentStatus[]> = {
  authorize: ['created'],
  confirm: ['requires_action'],
  capture: ['authorized', 'partially_captured'],
  void: ['requires_action', 'authorized', 'partially_captured'],
  refund: ['captured', 'partially_refunded'],
  expire: ['requires_action', 'authorized', 'partially_captured'],
};

export const TERMINAL_STATUSES: readonly PaymentStatus[] = Object.entries(NEXT)
  .filter(([, next]) => next.length === 0)
  .map(([status]) => status as PaymentStatus);

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return NEXT[from].includes(to);
}

export function assertTransition(from: PaymentStatus, to: PaymentStatus, action: Action): void {
  if (!canTransition(from, to)) {
    throw new InvalidTransitionError(from, action, `A ${from} payment cannot become ${to} (${action})`);
  }
}

export function canStart(action: Action, status: PaymentStatus): boolean {
  return STARTS[action].includes(status);
}

export function assertCanStart(action: Action, status: PaymentStatus): void {
  if (!canStart(action, status)) throw new InvalidTransitionError(status, action);
}

/**
 * An automatic-capture payment that is authorized with nothing captured: its capture is still to
 * come, from the request that authorized it or, when that request could not start it, from the
 * janitor.
 */
export function awaitsAutomaticCapture(payment: {
  status: PaymentStatus;
  captureMethod: CaptureMethod;
  capturedAmount: bigint;
}): boolean {
  return (
    payment.status === 'authorized' && payment.captureMethod === 'automatic' && payment.capturedAmount === 0n
  );
}

/**
 * Whether a payment is captured right after an operation: an automatic-capture payment that the
 * operation (`authorize`, or `confirm` after an action) has just authorized, with nothing captured.
 */
export function capturesAtOnce(
  payment: { status: PaymentStatus; captureMethod: CaptureMethod; capturedAmount: bigint },
  after: OperationKind,
): boolean {
  return (after === 'authorize' || after === 'confirm') && awaitsAutomaticCapture(payment);
}
