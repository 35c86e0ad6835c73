import { isIP } from 'node:net';
import { isUuid, type Money, NotFoundError, ValidationError } from '../../core/plugin-api.ts';
import type { PaymentMethodRegistry } from './method-registry.ts';
import type { MetadataEntry } from './payment-intent.entity.ts';
import type { PaymentMethod } from './payment-method.ts';
import type { CaptureMethod } from './payment-status.ts';

export interface CreatePaymentCommand {
  customerId: string;
  method: string;
  sourceId: string;
  amount: Money;
  captureMethod: CaptureMethod;
  description?: string | null;
  metadata?: readonly MetadataEntry[] | null;
  /** What the caller tells for fraud checks; the IP defaults to the request's. */
  risk?: PaymentRiskInput | null;
}

/** The risk context as a caller gives it (see PaymentRiskContext). */
export interface PaymentRiskInput {
  deviceId?: string | null;
  ip?: string | null;
  recipient?: string | null;
}

/** A payment as asked: without a capture method, the merchant's default (its settings) applies. */
export type CreatePaymentRequest = Omit<CreatePaymentCommand, 'captureMethod'> & {
  captureMethod?: CaptureMethod | null;
};

/** Who receives a payment when it is not the merchant: a wallet being topped up. */
export interface Payee {
  accountId: string;
  purpose: 'top_up';
}

const MAX_METADATA = 20;

/**
 * The checks a new payment passes before anything is read or written, on either path; returns
 * the method that will charge it.
 */
export function validateCreatePayment(
  methods: PaymentMethodRegistry,
  command: CreatePaymentCommand,
): PaymentMethod {
  const method = methods.get(command.method);
  if (!method) throw new ValidationError('method', `no payment method "${command.method}" is installed`);
  if (command.amount.amount <= 0n) throw new ValidationError('amount', 'amount must be positive');
  if (!method.supports(command.amount.currency)) {
    throw new ValidationError('amount', `${method.id} cannot charge in ${command.amount.currency}`);
  }
  if (!isUuid(command.customerId)) throw new NotFoundError('Customer', command.customerId);
  if (command.sourceId.length === 0 || command.sourceId.length > 255) {
    throw new ValidationError('sourceId', 'sourceId must be 1 to 255 characters');
  }
  if ((command.description?.length ?? 0) > 500) {
    throw new ValidationError('description', 'description must be at most 500 characters');
  }
  const metadata = command.metadata ?? [];
  if (metadata.length > MAX_METADATA) {
    throw new ValidationError('metadata', `at most ${MAX_METADATA} metadata entries`);
  }
  for (const { key, value } of metadata) {
    if (key.length === 0 || key.length > 40 || value.length > 500) {
      throw new ValidationError('metadata', 'metadata keys are 1 to 40 characters, values at most 500');
    }
  }
  validateRisk(command.risk);
  return method;
}

// A phone in E.164 form, or an email address: enough to tell a recipient apart, not to verify it.
const PHONE = /^\+[1-9][0-9]{6,14}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{1,63}$/;

function validateRisk(risk: PaymentRiskInput | null | undefined): void {
  if (!risk) return;
  if (risk.deviceId != null && (risk.deviceId.length === 0 || risk.deviceId.length > 200)) {
    throw new ValidationError('risk.deviceId', 'deviceId must be 1 to 200 characters');
  }
  if (risk.ip != null && isIP(risk.ip) === 0) {
    throw new ValidationError('risk.ip', 'ip must be an IPv4 or IPv6 address');
  }
  if (risk.recipient != null && !PHONE.test(risk.recipient) && !EMAIL.test(risk.recipient)) {
    throw new ValidationError(
      'risk.recipient',
      'recipient must be a phone in E.164 form (+821012345678) or an email',
    );
  }
}
