import { GatewayError, type Logger } from '../../core/plugin-api.ts';
import type { MethodOutcome } from './payment-method.ts';

/** What a call to a payment method came to: its outcome, or a typed error it raised. */
export type CallResult = { outcome: MethodOutcome } | { error: GatewayError };

/**
 * Calls an external method, never letting it hang the payment: past the timeout, or on any
 * failure that is not a typed refusal, the outcome is `unknown` (the call may have reached the
 * other side), to be settled by the janitor through `status`, never by calling again.
 */
export async function callExternal(
  invoke: () => Promise<MethodOutcome>,
  timeoutMs: number,
  log: Logger,
): Promise<CallResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CallResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ outcome: { status: 'unknown', detail: `no answer within ${timeoutMs} ms` } }),
      timeoutMs,
    );
  });
  const call = invoke().then(
    (outcome): CallResult => ({ outcome }),
    (error: unknown): CallResult => {
      if (error instanceof GatewayError) return { error };
      log.warn({ err: error }, 'payment method call failed; outcome unknown');
      return { outcome: { status: 'unknown', detail: 'the method call failed before it answered' } };
    },
  );
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
