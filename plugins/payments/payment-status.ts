export const PAYMENT_STATUSES = [
  'created',
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
  'expired',
  'unknown',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const CAPTURE_METHODS = ['automatic', 'manual'] as const;
export type CaptureMethod = (typeof CAPTURE_METHODS)[number];

export const OPERATION_KINDS = ['authorize', 'confirm', 'capture', 'void', 'refund'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** started: the call is out; pending/unknown: the janitor asks the method later. */
export const OPERATION_STATUSES = ['started', 'succeeded', 'failed', 'pending', 'unknown'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export const UNRESOLVED_OPERATION_STATUSES: readonly OperationStatus[] = ['started', 'pending', 'unknown'];

export const ACTION_TYPES = ['otp', 'three_ds'] as const;
