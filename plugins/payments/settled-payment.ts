import type { EntityManager } from '@mikro-orm/core';
import { query } from '../../core/plugin-api.ts';
import type { StoredResult } from './idempotency-record.entity.ts';
import { awaitsAutomaticCapture } from './payment-state-machine.ts';
import type { CaptureMethod, PaymentStatus } from './payment-status.ts';

/**
 * Whether the payment a key's request recorded is its final answer, whoever finished it: no call
 * on it is still out (an operation `started`), and no automatic capture is still to come. The
 * request that made the call stores its answer itself; this is for the one that never came back
 * (a crash), whose payment the janitor settled: a retry of its key gets the payment at once
 * instead of `IDEMPOTENCY_IN_FLIGHT` until the key's lease ends.
 */
export async function settledPayment(em: EntityManager, result: StoredResult): Promise<boolean> {
  if (result.type !== 'Payment' || !result.id) return false;
  const [payment] = await query<{
    status: PaymentStatus;
    capture_method: CaptureMethod;
    captured_amount: string;
    calling: boolean;
  }>(
    em,
    `select status, capture_method, captured_amount::text as captured_amount,
        exists (select 1 from payment_operation o where o.payment_id = p.id and o.status = 'started') as calling
      from payment_intent p where id = ?`,
    [result.id],
  );
  if (!payment || payment.calling) return false;
  return !awaitsAutomaticCapture({
    status: payment.status,
    captureMethod: payment.capture_method,
    capturedAmount: BigInt(payment.captured_amount),
  });
}
