import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import type { MethodOutcome } from '../../../plugins/payments/payment-method.ts';
import { SandboxCardToken } from '../../../plugins/sandbox-card/card-token.entity.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { SandboxCardAuthorization } from '../../../plugins/sandbox-card/network-authorization.entity.ts';
import { SandboxAcquirer } from '../../../plugins/sandbox-card/sandbox-acquirer.ts';
import { SandboxCardMethod } from '../../../plugins/sandbox-card/sandbox-card.method.ts';
import { SANDBOX_3DS_ANSWER, TEST_CARDS } from '../../../plugins/sandbox-card/test-cards.ts';
import { everyRowAsText, krw, methodCall, TOKENIZE, type TokenResult } from './support.ts';

const payments = paymentsPlugin.with({ janitor: { intervalSeconds: 0 } });

let t: TestGateway;
let shop: Awaited<ReturnType<TestGateway['createMerchant']>>;
const method = () => t.gateway.services['sandbox-card'].method;

beforeAll(async () => {
  t = await createTestGateway({
    plugins: [payments, sandboxCardPlugin.with({ readTimeoutMs: 300, slowResponseMs: 20 })],
  });
  shop = await t.createMerchant('Card shop');
});
afterAll(() => t?.close());

async function tokenize(number: string, extra: Record<string, unknown> = {}): Promise<TokenResult> {
  const cvc = number.startsWith('3') ? '1234' : '123';
  const result = await shop.client.data<{ tokenizeSandboxCard: TokenResult }>(TOKENIZE, {
    input: { number, expMonth: 12, expYear: 2034, cvc, ...extra },
  });
  return result.tokenizeSandboxCard;
}

async function authorize(number: string, amount = 5000): Promise<{ outcome: MethodOutcome; key: string }> {
  const token = await tokenize(number);
  const call = { ...methodCall(t, shop.merchantId), sourceId: token.id!, amount: krw(amount) };
  return { outcome: await method().authorize(call), key: call.operationKey };
}

const follow = (reference: string, amount: number, operationKey?: string) => ({
  ...methodCall(t, shop.merchantId),
  ...(operationKey ? { operationKey } : {}),
  reference,
  amount: krw(amount),
});

const referenceOf = (outcome: MethodOutcome) => ('reference' in outcome ? outcome.reference : undefined)!;

describe('tokenizing through GraphQL', () => {
  test('keeps brand, last 4 and expiry', async () => {
    expect(await tokenize('5555 5555 5555 4444', { expYear: 34 })).toMatchObject({
      __typename: 'SandboxCardToken',
      brand: 'mastercard',
      last4: '4444',
    });
  });

  test('bad input is a typed ValidationError naming the field, and stores nothing', async () => {
    const before = await t.gateway.database.em.fork().count(SandboxCardToken);
    for (const [input, field] of [
      [{ number: '4242424242424241' }, 'number'],
      [{ number: '4111111111111111' }, 'number'],
      [{ expMonth: 13 }, 'expMonth'],
      [{ expYear: 2020 }, 'expYear'],
      [{ cvc: '12' }, 'cvc'],
    ] as const) {
      const refused = await tokenize('4242424242424242', input);
      expect(refused).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', field });
    }
    expect(await t.gateway.database.em.fork().count(SandboxCardToken)).toBe(before);
  });

  test('a customer session tokenizes for its merchant; anonymous callers and operators cannot', async () => {
    const session = await shop.client.data<{ createCustomerSession: { token: string } }>(
      'mutation { createCustomerSession(customerRef: "ana") { ... on CreatedCustomerSession { token } } }',
    );
    const input = { number: '4242424242424242', expMonth: 1, expYear: 2031, cvc: '321' };
    const byCustomer = await t
      .http(session.createCustomerSession.token)
      .data<{ tokenizeSandboxCard: TokenResult }>(TOKENIZE, { input });
    expect(byCustomer.tokenizeSandboxCard).toMatchObject({ __typename: 'SandboxCardToken', last4: '4242' });
    const anonymous = await t.anonymous.request(TOKENIZE, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const operator = await t.operator.request(TOKENIZE, { input });
    expect(operator.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the test cards', () => {
  const simple = TEST_CARDS.filter((c) => !['three_ds', 'timeout', 'slow'].includes(c.behaviour));

  test.each(simple.map((c) => [c.number, c.behaviour] as const))('%s: %s', async (number, behaviour) => {
    const { outcome } = await authorize(number);
    if (behaviour === 'approve') expect(outcome).toMatchObject({ status: 'approved' });
    else expect(outcome).toMatchObject({ status: 'declined', reason: behaviour });
  });

  test('3-D Secure: the sandbox answer approves, any other declines with authentication_failed', async () => {
    const passed = await authorize('4000000000003220');
    expect(passed.outcome).toMatchObject({ status: 'action_required', action: { type: 'three_ds' } });
    const reference = referenceOf(passed.outcome);
    expect(await method().confirmAction!(follow(reference, 5000), SANDBOX_3DS_ANSWER)).toMatchObject({
      status: 'approved',
      reference,
    });
    expect(await method().capture(follow(reference, 5000))).toMatchObject({ status: 'approved' });

    const failed = await authorize('4000000000003220');
    const failedRef = referenceOf(failed.outcome);
    expect(await method().confirmAction!(follow(failedRef, 5000), '000000')).toMatchObject({
      status: 'declined',
      reason: 'authentication_failed',
    });
    // The network remembers: a later right answer cannot revive it, and status agrees.
    expect(await method().confirmAction!(follow(failedRef, 5000), SANDBOX_3DS_ANSWER)).toMatchObject({
      status: 'declined',
    });
    expect(
      await method().status({ ...follow(failedRef, 5000, failed.key), operation: 'authorize' }),
    ).toMatchObject({ status: 'declined', reason: 'authentication_failed' });
  });

  test('voiding a 3-D Secure payment before its challenge abandons it: status says declined, the challenge is closed', async () => {
    const pending = await authorize('4000000000003220');
    const reference = referenceOf(pending.outcome);
    expect(await method().void(follow(reference, 5000))).toMatchObject({ status: 'approved' });
    expect(
      await method().status({ ...follow(reference, 5000, pending.key), operation: 'authorize' }),
    ).toMatchObject({ status: 'declined', reason: 'authentication_failed' });
    expect(await method().confirmAction!(follow(reference, 5000), SANDBOX_3DS_ANSWER)).toMatchObject({
      status: 'declined',
    });
    expect(await method().capture(follow(reference, 5000))).toMatchObject({ status: 'declined' });
  });

  test('timeout: the network charges, the reply is lost; status says approved; a retry does not charge twice', async () => {
    const { outcome, key } = await authorize('4000000000000416');
    expect(outcome).toMatchObject({ status: 'unknown' });
    const reference = referenceOf(outcome);
    expect(reference).toBeTruthy();
    const asked = await method().status({ ...follow(reference, 5000, key), operation: 'authorize' });
    expect(asked).toEqual({ status: 'approved', reference });
    // The engine may have lost the reference too (a crash): the operation key finds the same charge.
    expect(await method().status({ ...follow('', 5000, key), operation: 'authorize' })).toEqual(asked);

    const charged = await t.gateway.database.em
      .fork()
      .findOneOrFail(SandboxCardAuthorization, { operationKey: key });
    const again = await method().authorize({
      ...methodCall(t, shop.merchantId),
      operationKey: key,
      sourceId: charged.token.id,
      amount: krw(5000),
    });
    expect(again).toEqual({ status: 'approved', reference });
    expect(await t.gateway.database.em.fork().count(SandboxCardAuthorization, { operationKey: key })).toBe(1);
  });

  test('status of an operation the network never received says so: not a guess, and not a decline', async () => {
    const outcome = await method().status({ ...follow('', 5000), operation: 'authorize' });
    expect(outcome).toEqual({
      status: 'not_received',
      message: 'The network never received this authorization',
    });
  });

  test('slow: approved once the late reply arrives within the read timeout, unknown after it', async () => {
    expect((await authorize('4000000000000424')).outcome).toMatchObject({ status: 'approved' });
    const impatient = new SandboxCardMethod(new SandboxAcquirer({ challengeTtlMs: 60_000 }), {
      readTimeoutMs: 10,
      slowResponseMs: 200,
    });
    const token = await tokenize('4000000000000424');
    const call = { ...methodCall(t, shop.merchantId), sourceId: token.id!, amount: krw(700) };
    const outcome = await impatient.authorize(call);
    expect(outcome).toMatchObject({ status: 'unknown' });
    expect(
      await impatient.status({
        ...follow(referenceOf(outcome), 700, call.operationKey),
        operation: 'authorize',
      }),
    ).toMatchObject({ status: 'approved' });
  });

  test('a card that expired since it was tokenized is declined expired_card', async () => {
    const token = await tokenize('4242424242424242');
    await t.gateway.database.em
      .fork()
      .execute('update sandbox_card_token set exp_year = 2020 where id = ?', [token.id]);
    const outcome = await method().authorize({
      ...methodCall(t, shop.merchantId),
      sourceId: token.id!,
      amount: krw(100),
    });
    expect(outcome).toMatchObject({ status: 'declined', reason: 'expired_card' });
  });

  test('a token of another merchant, or no token at all, is an invalid source', async () => {
    const token = await tokenize('4242424242424242');
    const other = await t.createMerchant('Other shop');
    for (const [merchantId, sourceId] of [
      [other.merchantId, token.id!],
      [shop.merchantId, 'not-a-token'],
      [shop.merchantId, '00000000-0000-4000-8000-000000000000'],
    ]) {
      const outcome = await method().authorize({
        ...methodCall(t, merchantId!),
        sourceId: sourceId!,
        amount: krw(1),
      });
      expect(outcome).toMatchObject({ status: 'declined', reason: 'invalid_source' });
    }
  });
});

describe('captures, voids and refunds at the network', () => {
  test('captures up to the authorization, refunds up to the capture; a repeated key is answered, not redone', async () => {
    const reference = referenceOf((await authorize('4242424242424242', 10_000)).outcome);
    const first = follow(reference, 6000);
    expect(await method().capture(first)).toMatchObject({ status: 'approved' });
    expect(await method().capture({ ...first, em: t.gateway.database.em.fork() })).toMatchObject({
      status: 'approved',
    });
    expect(await method().capture(follow(reference, 4001))).toMatchObject({ status: 'declined' });
    expect(await method().capture({ ...first, amount: krw(1) })).toMatchObject({
      status: 'declined',
      message: expect.stringMatching(/another request/),
    });
    expect(await method().capture(follow(reference, 4000))).toMatchObject({ status: 'approved' });
    expect(await method().refund(follow(reference, 7000))).toMatchObject({ status: 'approved' });
    expect(await method().refund(follow(reference, 3001))).toMatchObject({ status: 'declined' });
    expect(await method().refund(follow(reference, 3000))).toMatchObject({ status: 'approved' });
    const auth = await t.gateway.database.em
      .fork()
      .findOneOrFail(SandboxCardAuthorization, { id: reference });
    expect(auth).toMatchObject({ amount: 10_000n, captured: 10_000n, refunded: 10_000n });
  });

  test('a void releases the rest: no capture after it, refunds of what was captured still work', async () => {
    const reference = referenceOf((await authorize('4242424242424242', 10_000)).outcome);
    expect(await method().capture(follow(reference, 2500))).toMatchObject({ status: 'approved' });
    expect(await method().void(follow(reference, 10_000))).toMatchObject({ status: 'approved' });
    expect(await method().capture(follow(reference, 1))).toMatchObject({ status: 'declined' });
    expect(await method().refund(follow(reference, 2500))).toMatchObject({ status: 'approved' });
  });

  test('concurrent captures never exceed the authorization', async () => {
    const reference = referenceOf((await authorize('4242424242424242', 500)).outcome);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => method().capture(follow(reference, 100))),
    );
    expect(outcomes.filter((o) => o.status === 'approved')).toHaveLength(5);
    const auth = await t.gateway.database.em
      .fork()
      .findOneOrFail(SandboxCardAuthorization, { id: reference });
    expect(auth).toMatchObject({ captured: 500n });
  });

  test('status of a follow-up answers from the network record', async () => {
    const reference = referenceOf((await authorize('4242424242424242', 900)).outcome);
    const capture = follow(reference, 900);
    await method().capture(capture);
    expect(await method().status({ ...capture, operation: 'capture' })).toMatchObject({ status: 'approved' });
    // A refund it never received did not happen: said so, not declined.
    expect(await method().status({ ...follow(reference, 900), operation: 'refund' })).toEqual({
      status: 'not_received',
      message: 'The network never received this refund',
      reference,
    });
  });
});

test('no card number is stored in any table nor written to any log line', async () => {
  const stored = await everyRowAsText(t);
  const logged = t.logs.join('\n');
  expect(t.logs.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  expect(stored).toContain('4242');
  for (const { number } of TEST_CARDS) {
    expect(stored).not.toContain(number);
    expect(logged).not.toContain(number);
  }
});
