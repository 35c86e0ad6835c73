import { expect, test, vi } from 'vitest';
import type { RequestContext } from '../../../core/context.ts';
import type { CombinedVerdict } from '../../../plugins/payments/before-authorize.ts';
import type { CreatePaymentCommand } from '../../../plugins/payments/create-payment-command.ts';
import {
  type BeforeAuthorizeRunner,
  PaymentAuthorizationGate,
} from '../../../plugins/payments/payment-authorization-gate.ts';
import { MerchantSettingsBoard } from '../../../plugins/payments/settings/merchant-settings-board.ts';

// No plugin handles payment.beforeAuthorize: the gate must never run it.
const unhandled = {
  name: 'payment.beforeAuthorize',
  handled: false,
  handledFor: () => false,
  run: () => {
    throw new Error('run although no plugin handles the hook');
  },
} as BeforeAuthorizeRunner;
/** The gateway's thresholds, as a board without any merchant's own. */
const thresholds = (entries: [string, bigint][]) =>
  new MerchantSettingsBoard({ stepUpAtOrAbove: new Map(entries), authorizationHoldHours: 168 });

const gate = new PaymentAuthorizationGate(thresholds([['KRW', 100_000n]]), unhandled);
const MERCHANT = '00000000-0000-4000-8000-00000000000a';
const PAYMENT_ID = '00000000-0000-4000-8000-0000000000b1';
const command = (amount: bigint, currency: string): CreatePaymentCommand => ({
  customerId: '00000000-0000-4000-8000-000000000000',
  method: 'wallet',
  sourceId: '00000000-0000-4000-8000-000000000001',
  amount: { amount, currency },
  captureMethod: 'automatic',
});
const context = () => {
  const require = vi.fn(() => Promise.resolve());
  return {
    require,
    ctx: { services: { stepUp: { require } }, log: { info: vi.fn() } } as unknown as RequestContext,
  };
};

test('below the threshold, or in a currency without one, the gate gives nothing to wait for', () => {
  const { require, ctx } = context();
  // Undefined, not a resolved promise: the one-round-trip path neither allocates nor yields here.
  expect(gate.beforeAuthorize(ctx, MERCHANT, PAYMENT_ID, command(99_999n, 'KRW'))).toBeUndefined();
  expect(gate.beforeAuthorize(ctx, MERCHANT, PAYMENT_ID, command(10_000_000n, 'USD'))).toBeUndefined();
  expect(require).not.toHaveBeenCalled();
});

test('at or above the threshold the caller is asked for a step-up for payment.create', async () => {
  const { require, ctx } = context();
  await gate.beforeAuthorize(ctx, MERCHANT, PAYMENT_ID, command(100_000n, 'KRW'));
  expect(require).toHaveBeenCalledWith(ctx, 'payment.create');
});

const answering = (verdict: Omit<CombinedVerdict, 'by'>) =>
  ({
    name: 'payment.beforeAuthorize',
    handled: true,
    handledFor: () => true,
    run: vi.fn(() => Promise.resolve({ ...verdict, by: [] })),
  }) as unknown as BeforeAuthorizeRunner;

test('with a handler, a block rejects with its score and reasons', async () => {
  const { ctx } = context();
  const blocking = new PaymentAuthorizationGate(
    thresholds([]),
    answering({ decision: 'block', score: 80, reasons: ['too fast'] }),
  );
  await expect(
    blocking.beforeAuthorize(ctx, MERCHANT, PAYMENT_ID, command(10n, 'KRW')),
  ).rejects.toMatchObject({
    code: 'PAYMENT_BLOCKED',
    score: 80,
    reasons: ['too fast'],
  });
});

test('a challenge over the threshold asks for the step-up once; a review answers what to hold', async () => {
  const { require, ctx } = context();
  const challenging = new PaymentAuthorizationGate(
    thresholds([['KRW', 100n]]),
    answering({ decision: 'challenge', score: 20, reasons: ['new'] }),
  );
  expect(await challenging.beforeAuthorize(ctx, MERCHANT, PAYMENT_ID, command(100n, 'KRW'))).toBeUndefined();
  expect(require).toHaveBeenCalledTimes(1);

  const reviewing = new PaymentAuthorizationGate(
    thresholds([]),
    answering({ decision: 'review', score: 50, reasons: ['odd'] }),
  );
  expect(await reviewing.beforeAuthorize(ctx, MERCHANT, PAYMENT_ID, command(10n, 'KRW'))).toEqual({
    status: 'pending',
    score: 50,
    reasons: ['odd'],
    captureOnApproval: true,
  });
});
