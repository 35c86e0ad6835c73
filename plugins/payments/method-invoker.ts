import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { money, type RequestContext } from '../../core/plugin-api.ts';
import type { Customer } from './customer.entity.ts';
import type { PaymentIntent } from './payment-intent.entity.ts';
import type { MethodCall, MethodOutcome } from './payment-method.ts';
import { PaymentOperation } from './payment-operation.entity.ts';
import type { OperationKind } from './payment-status.ts';
import type { StartedOperation } from './started-operation.ts';

/**
 * Where an operation meets its payment method, the same way on every path: the operation's
 * record, written before the call so that a call that never returns is still on record for the
 * janitor, and the call made from that record.
 */
export function startOperation(
  tx: EntityManager,
  payment: PaymentIntent,
  kind: OperationKind,
  amount: bigint,
  methodTimeoutMs: number,
): PaymentOperation {
  const id = randomUUID();
  return tx.create(PaymentOperation, {
    id,
    payment,
    kind,
    amount,
    status: 'started',
    fromStatus: payment.status,
    operationKey: `${payment.id}:${kind}:${id}`,
    reference: null,
    declineReason: null,
    message: null,
    releasesRemainder: false,
    hold: null,
    checks: 0,
    // A call that never comes back (the process died) is asked about once the method had its time.
    nextCheckAt: new Date(Date.now() + methodTimeoutMs * 2),
    resolvedAt: null,
  });
}

/** What every call to a method carries; `em` is the payment's transaction only for internal methods. */
export function methodCall(
  em: EntityManager,
  ctx: RequestContext,
  payment: PaymentIntent,
  op: PaymentOperation,
  customer: Customer,
): MethodCall {
  return {
    paymentId: payment.id,
    merchantId: payment.merchant.id,
    subjectId: customer.subject.id,
    customerId: customer.id,
    operationKey: op.operationKey,
    em,
    log: ctx.log.child({ paymentId: payment.id, operation: op.kind }),
  };
}

export function invokeMethod(started: StartedOperation, call: MethodCall): Promise<MethodOutcome> {
  const { method, payment, op } = started;
  const amount = money(op.amount, payment.currency);
  const reference = payment.methodReference ?? '';
  switch (op.kind) {
    case 'authorize':
      return method.authorize({ ...call, amount, sourceId: payment.sourceId });
    case 'confirm':
      return method.confirmAction!({ ...call, reference, amount }, started.response!);
    case 'capture':
      return method.capture({ ...call, reference, amount });
    case 'void':
      return method.void({ ...call, reference, amount });
    case 'refund':
      return method.refund({ ...call, reference, amount });
  }
}
