import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin } from '../../../core/plugin.ts';
import type {
  AuthorizeCall,
  MethodOperation,
  MethodOutcome,
  PaymentMethod,
  ReferenceCall,
} from '../../../plugins/payments/payment-method.ts';

/**
 * A card network for tests: what a `sourceId` does is in its name. Charges are kept per
 * operation key, as a real acquirer's idempotency keeps them, so `status` can tell what
 * happened to a call whose answer was lost.
 *   approve | decline | action | action-expired | pending-then-approve | pending-then-decline |
 *   slow-approve (charges, answers after the engine's timeout) | crash-after-charge (charges, then
 *   the connection drops) | charge-then-hang (charges, then never answers: the gateway "died";
 *   `releaseHung()` lets the call return at last) | capture-declines (approves; every capture of it
 *   is declined)
 */
export interface NetworkCall {
  operation: MethodOperation | 'confirm';
  operationKey: string;
  reference: string;
  amount: bigint;
}

export function createFakeAcquirer(options: { slowMs?: number } = {}) {
  const calls: NetworkCall[] = [];
  const settled = new Map<string, MethodOutcome>();
  const pendingFate = new Map<string, 'approved' | 'declined'>();
  const capturesDeclined = new Set<string>();
  const hung: (() => void)[] = [];
  /** While set, `status` calls wait for it: a process that dies in the middle of asking. */
  let statusHeld: Promise<void> | undefined;
  let counter = 0;
  const reference = () => `net_${++counter}`;

  const record = (operation: NetworkCall['operation'], call: ReferenceCall | AuthorizeCall, ref: string) =>
    calls.push({ operation, operationKey: call.operationKey, reference: ref, amount: call.amount.amount });

  const method: PaymentMethod = {
    id: 'test-card',
    displayName: 'Test card',
    internal: false,
    supports: (currency) => currency === 'KRW' || currency === 'USD',
    async authorize(call) {
      const ref = reference();
      switch (call.sourceId) {
        case 'decline':
          settled.set(call.operationKey, {
            status: 'declined',
            reason: 'insufficient_funds',
            message: 'Not enough on the card',
            reference: ref,
          });
          return settled.get(call.operationKey)!;
        case 'action':
          settled.set(call.operationKey, {
            status: 'action_required',
            reference: ref,
            action: {
              type: 'three_ds',
              hint: 'Approve in your bank app',
              expiresAt: new Date(Date.now() + 600_000),
            },
          });
          return settled.get(call.operationKey)!;
        case 'action-expired':
          return {
            status: 'action_required',
            reference: ref,
            action: {
              type: 'otp',
              hint: 'Enter the code sent to ***-****-5678',
              expiresAt: new Date(Date.now() - 1000),
            },
          };
        case 'pending-then-approve':
        case 'pending-then-decline':
          pendingFate.set(
            call.operationKey,
            call.sourceId === 'pending-then-approve' ? 'approved' : 'declined',
          );
          settled.set(call.operationKey, { status: 'pending', reference: ref });
          return { status: 'pending', reference: ref };
        case 'slow-approve':
          record('authorize', call, ref);
          settled.set(call.operationKey, { status: 'approved', reference: ref });
          await sleep(options.slowMs ?? 2000);
          return { status: 'approved', reference: ref };
        case 'charge-then-hang':
          record('authorize', call, ref);
          settled.set(call.operationKey, { status: 'approved', reference: ref });
          await new Promise<void>((resolve) => hung.push(resolve));
          return { status: 'approved', reference: ref };
        case 'capture-declines':
          capturesDeclined.add(ref);
          settled.set(call.operationKey, { status: 'approved', reference: ref });
          return { status: 'approved', reference: ref };
        case 'crash-after-charge':
          record('authorize', call, ref);
          settled.set(call.operationKey, { status: 'approved', reference: ref });
          throw new Error('socket hang up');
        default:
          record('authorize', call, ref);
          settled.set(call.operationKey, { status: 'approved', reference: ref });
          return { status: 'approved', reference: ref };
      }
    },
    async confirmAction(call, response) {
      if (response !== 'ok') {
        return { status: 'declined', reason: 'authentication_failed', message: 'The challenge failed' };
      }
      record('confirm', call, call.reference);
      return { status: 'approved', reference: call.reference };
    },
    async capture(call) {
      record('capture', call, call.reference);
      if (capturesDeclined.has(call.reference)) {
        const declined: MethodOutcome = {
          status: 'declined',
          reason: 'do_not_honor',
          message: 'The issuer refused the capture',
          reference: call.reference,
        };
        settled.set(call.operationKey, declined);
        return declined;
      }
      settled.set(call.operationKey, { status: 'approved', reference: call.reference });
      return { status: 'approved', reference: call.reference };
    },
    async void(call) {
      record('void', call, call.reference);
      return { status: 'approved', reference: call.reference };
    },
    async refund(call) {
      record('refund', call, call.reference);
      return { status: 'approved', reference: call.reference };
    },
    async status(call) {
      await statusHeld;
      const known = settled.get(call.operationKey);
      if (!known) return { status: 'unknown', detail: 'no such operation' };
      if (known.status === 'pending') {
        const final: MethodOutcome =
          pendingFate.get(call.operationKey) === 'approved'
            ? { status: 'approved', reference: known.reference }
            : {
                status: 'declined',
                reason: 'do_not_honor',
                message: 'Declined later',
                reference: known.reference,
              };
        if (final.status === 'approved') record('authorize', call, known.reference);
        settled.set(call.operationKey, final);
        return final;
      }
      return known;
    },
  };

  const plugin = definePlugin({
    name: 'test-acquirer',
    version: '1.0.0',
    requires: ['payments'],
    setup: (runtime) => {
      runtime.services.payments.methods.register(runtime.name, method);
      return {};
    },
  });
  /** Lets every call left hanging (`charge-then-hang`) return, so that the gateway can close. */
  const releaseHung = () => {
    for (const resolve of hung.splice(0)) resolve();
  };
  /** Holds every `status` call until the returned function is called. */
  const holdStatus = () => {
    let release = () => {};
    statusHeld = new Promise((resolve) => {
      release = () => {
        statusHeld = undefined;
        resolve();
      };
    });
    return release;
  };
  return { plugin, calls, method, releaseHung, holdStatus };
}
