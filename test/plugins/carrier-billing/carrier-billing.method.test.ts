import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { LimitExceededError } from '../../../plugins/payments/payment-errors.ts';
import type { MethodOutcome } from '../../../plugins/payments/payment-method.ts';
import {
  CONFIRM,
  codeFor,
  everyRowAsText,
  krw,
  methodCall,
  newPhoneNumber,
  OUTBOX,
  outbox,
  PHONE_HOLDER,
  referenceOf,
  START,
  usageRow,
  verifiedSource,
} from './support.ts';

const payments = paymentsPlugin.with({ janitor: { intervalSeconds: 0 } });

let t: TestGateway;
let shop: Awaited<ReturnType<TestGateway['createMerchant']>>;
const method = () => t.gateway.services['carrier-billing'].method;
const phonesUsed: string[] = [];
const codesUsed: string[] = [];

beforeAll(async () => {
  t = await createTestGateway({ plugins: [payments, carrierBillingPlugin] });
  shop = await t.createMerchant('게임 상점');
});
afterAll(() => t?.close());

async function source(): Promise<{ sourceId: string; phone: string }> {
  const verified = await verifiedSource(t, shop.client);
  phonesUsed.push(verified.phone);
  return verified;
}

async function authorize(sourceId: string, amount: number) {
  const call = { ...methodCall(t, shop.merchantId), sourceId, amount: krw(amount) };
  return { outcome: await method().authorize(call), key: call.operationKey };
}

const follow = (reference: string, amount: number) => ({
  ...methodCall(t, shop.merchantId),
  reference,
  amount: krw(amount),
});

/** Authorize, then type the texted code: a payment as the customer goes through it. */
async function charge(
  phone: string,
  sourceId: string,
  amount: number,
): Promise<MethodOutcome & { reference?: string }> {
  const { outcome } = await authorize(sourceId, amount);
  if (outcome.status !== 'action_required') return outcome;
  const code = await codeFor(t, phone, outcome.reference);
  codesUsed.push(code);
  return method().confirmAction!(follow(outcome.reference, amount), code);
}

describe('verifying a phone', () => {
  test('a texted code proves the phone; the source shows only a masked number', async () => {
    const phone = newPhoneNumber();
    phonesUsed.push(phone);
    const started = await shop.client.data<{
      startCarrierVerification: { id: string; maskedPhoneNumber: string };
    }>(START, {
      input: {
        phoneNumber: `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`,
        carrier: 'KT',
        customerRef: PHONE_HOLDER,
      },
    });
    const { id, maskedPhoneNumber } = started.startCarrierVerification;
    expect(maskedPhoneNumber).toBe(`010-****-${phone.slice(-4)}`);
    const [text] = await outbox(t, phone);
    expect(text).toMatchObject({ purpose: 'verification', reference: id });
    expect(text!.text).toContain(`[${text!.code}]`);
    codesUsed.push(text!.code);

    const wrong = text!.code === '000000' ? '111111' : '000000';
    const refused = await shop.client.data<{ confirmCarrierVerification: unknown }>(CONFIRM, {
      id,
      code: wrong,
    });
    expect(refused.confirmCarrierVerification).toMatchObject({
      __typename: 'CarrierVerificationError',
      code: 'CARRIER_VERIFICATION_FAILED',
      reason: 'wrong_code',
      attemptsLeft: 4,
    });
    const confirmed = await shop.client.data<{ confirmCarrierVerification: unknown }>(CONFIRM, {
      id,
      code: text!.code,
    });
    expect(confirmed.confirmCarrierVerification).toMatchObject({
      __typename: 'CarrierBillingSource',
      carrier: 'KT',
      maskedPhoneNumber,
    });
    const again = await shop.client.data<{ confirmCarrierVerification: unknown }>(CONFIRM, {
      id,
      code: text!.code,
    });
    expect(again.confirmCarrierVerification).toMatchObject({ reason: 'already_used' });
  });

  test('five wrong codes lock the verification, even when guessed in parallel', async () => {
    const phone = newPhoneNumber();
    phonesUsed.push(phone);
    const started = await shop.client.data<{ startCarrierVerification: { id: string } }>(START, {
      input: { phoneNumber: phone, carrier: 'LGU', customerRef: PHONE_HOLDER },
    });
    const { id } = started.startCarrierVerification;
    const code = await codeFor(t, phone, id);
    const guesses = Array.from({ length: 12 }, (_, i) =>
      String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'),
    );
    const answers = await Promise.all(
      guesses.map((guess) =>
        shop.client.data<{ confirmCarrierVerification: { reason: string } }>(CONFIRM, { id, code: guess }),
      ),
    );
    const reasons = answers.map((a) => a.confirmCarrierVerification.reason);
    expect(reasons.filter((r) => r === 'wrong_code')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'too_many_attempts')).toHaveLength(7);
    const right = await shop.client.data<{ confirmCarrierVerification: { reason: string } }>(CONFIRM, {
      id,
      code,
    });
    expect(right.confirmCarrierVerification.reason).toBe('too_many_attempts');
  });

  test('bad input and strangers get typed errors; codes are texted at most five times in ten minutes', async () => {
    const bad = await shop.client.data<{ startCarrierVerification: unknown }>(START, {
      input: { phoneNumber: '02-123-4567', carrier: 'SKT', customerRef: PHONE_HOLDER },
    });
    expect(bad.startCarrierVerification).toMatchObject({
      __typename: 'ValidationError',
      field: 'phoneNumber',
    });
    // The number is the holder's: a merchant key that names no customer stores nothing.
    const unowned = newPhoneNumber();
    const nobody = await shop.client.data<{ startCarrierVerification: unknown }>(START, {
      input: { phoneNumber: unowned, carrier: 'SKT' },
    });
    expect(nobody.startCarrierVerification).toMatchObject({
      __typename: 'ValidationError',
      field: 'customerRef',
    });
    expect(await outbox(t, unowned)).toEqual([]);

    const phone = newPhoneNumber();
    phonesUsed.push(phone);
    const starts = [];
    for (let i = 0; i < 6; i++) {
      starts.push(
        (
          await shop.client.data<{
            startCarrierVerification: { __typename: string; id: string; reason?: string };
          }>(START, { input: { phoneNumber: phone, carrier: 'SKT', customerRef: PHONE_HOLDER } })
        ).startCarrierVerification,
      );
    }
    expect(starts.slice(0, 5).every((s) => s.__typename === 'CarrierVerification')).toBe(true);
    expect(starts[5]).toMatchObject({ __typename: 'CarrierVerificationError', reason: 'too_many_codes' });

    const other = await t.createMerchant('Other');
    const stranger = await other.client.data<{ confirmCarrierVerification: unknown }>(CONFIRM, {
      id: starts[0]!.id,
      code: await codeFor(t, phone, starts[0]!.id),
    });
    expect(stranger.confirmCarrierVerification).toMatchObject({ __typename: 'NotFoundError' });
  });

  test('a merchant reads no sandbox text it did not cause; anonymous callers are refused', async () => {
    // Merchants read the texts of their own verifications and charges (merchant-outbox.test.ts).
    const byMerchant = await shop.client.request<{ carrierSandboxOutbox: { messages: unknown[] } }>(OUTBOX, {
      phone: newPhoneNumber(),
    });
    expect(byMerchant.errors).toBeUndefined();
    expect(byMerchant.data?.carrierSandboxOutbox.messages).toEqual([]);
    const anonymous = await t.anonymous.request(START, {
      input: { phoneNumber: newPhoneNumber(), carrier: 'SKT' },
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('paying with a verified phone', () => {
  test('every payment needs the texted code before it is authorized', async () => {
    const { sourceId, phone } = await source();
    const { outcome } = await authorize(sourceId, 15_000);
    expect(outcome).toMatchObject({
      status: 'action_required',
      action: { type: 'otp', hint: `Enter the code sent to 010-****-${phone.slice(-4)}` },
    });
    const [text] = await outbox(t, phone, 1);
    expect(text).toMatchObject({ purpose: 'payment', reference: referenceOf(outcome) });
    expect(text!.text).toContain('게임 상점 15,000원');
    codesUsed.push(text!.code);
    expect(await usageRow(t, sourceId)).toEqual([]);
    expect(await method().confirmAction!(follow(referenceOf(outcome), 15_000), text!.code)).toMatchObject({
      status: 'approved',
    });
    expect((await usageRow(t, sourceId))[0]?.used).toBe(15_000n);
    expect(await method().capture(follow(referenceOf(outcome), 15_000))).toMatchObject({
      status: 'approved',
    });
  });

  test('a wrong or expired code declines with authentication_failed and takes nothing from the cap', async () => {
    const { sourceId, phone } = await source();
    const wrong = await authorize(sourceId, 1000);
    const code = await codeFor(t, phone, referenceOf(wrong.outcome));
    const other = code === '999999' ? '000000' : String(Number(code) + 1).padStart(6, '0');
    expect(await method().confirmAction!(follow(referenceOf(wrong.outcome), 1000), other)).toMatchObject({
      status: 'declined',
      reason: 'authentication_failed',
    });
    expect(await method().confirmAction!(follow(referenceOf(wrong.outcome), 1000), code)).toMatchObject({
      status: 'declined',
    });

    const late = await authorize(sourceId, 1000);
    await t.gateway.database.em
      .fork()
      .execute(`update carrier_charge set code_expires_at = now() - interval '1 second' where id = ?`, [
        referenceOf(late.outcome),
      ]);
    const lateCode = await codeFor(t, phone, referenceOf(late.outcome));
    expect(await method().confirmAction!(follow(referenceOf(late.outcome), 1000), lateCode)).toMatchObject({
      status: 'declined',
      reason: 'authentication_failed',
      message: expect.stringMatching(/expired/),
    });
    expect(await usageRow(t, sourceId)).toEqual([]);
  });

  test('status answers from the carrier record; a repeated key does not text or charge twice', async () => {
    const { sourceId, phone } = await source();
    const first = await authorize(sourceId, 2000);
    const repeat = await method().authorize({
      ...methodCall(t, shop.merchantId),
      operationKey: first.key,
      sourceId,
      amount: krw(2000),
    });
    expect(repeat).toEqual(first.outcome);
    expect((await outbox(t, phone)).filter((m) => m.purpose === 'payment')).toHaveLength(1);
    const asked = { ...follow('', 2000), operationKey: first.key, operation: 'authorize' as const };
    expect(await method().status(asked)).toMatchObject({ status: 'action_required' });
    const code = await codeFor(t, phone, referenceOf(first.outcome));
    await method().confirmAction!(follow(referenceOf(first.outcome), 2000), code);
    expect(await method().status(asked)).toEqual({
      status: 'approved',
      reference: referenceOf(first.outcome),
    });
  });

  test('a source of another merchant, or of another customer, is an invalid source', async () => {
    const { sourceId } = await source();
    const other = await t.createMerchant('Other');
    const foreign = await method().authorize({
      ...methodCall(t, other.merchantId),
      sourceId,
      amount: krw(100),
    });
    expect(foreign).toMatchObject({ status: 'declined', reason: 'invalid_source' });

    const session = await shop.client.data<{ createCustomerSession: { token: string } }>(
      'mutation { createCustomerSession(customerRef: "minji") { ... on CreatedCustomerSession { token } } }',
    );
    const own = await verifiedSource(t, t.http(session.createCustomerSession.token), undefined, null);
    phonesUsed.push(own.phone);
    const jisoo = await t.gateway.services.privacy.keys.subjectId(t.gateway.database.em.fork(), {
      merchantId: shop.merchantId,
      customerRef: 'jisoo',
    });
    const forSomeoneElse = await method().authorize({
      ...methodCall(t, shop.merchantId),
      subjectId: jisoo,
      sourceId: own.sourceId,
      amount: krw(100),
    });
    expect(forSomeoneElse).toMatchObject({ status: 'declined', reason: 'invalid_source' });
  });
});

describe('the monthly cap (KRW 1,000,000 per line)', () => {
  test('20 concurrent payments of KRW 100,000: exactly 10 go through and the usage is exactly the cap', async () => {
    const { sourceId, phone } = await source();
    const started = await Promise.all(Array.from({ length: 20 }, () => authorize(sourceId, 100_000)));
    expect(started.every((s) => s.outcome.status === 'action_required')).toBe(true);
    const texts = await outbox(t, phone);
    const confirmed = await Promise.allSettled(
      started.map(({ outcome }) => {
        const code = texts.find((m) => m.reference === referenceOf(outcome))!.code;
        return method().confirmAction!(follow(referenceOf(outcome), 100_000), code);
      }),
    );
    const approved = started
      .filter((_, i) => {
        const result = confirmed[i]!;
        return result.status === 'fulfilled' && result.value.status === 'approved';
      })
      .map((s) => referenceOf(s.outcome));
    const refused = confirmed.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(approved).toHaveLength(10);
    expect(refused).toHaveLength(10);
    for (const error of refused) {
      expect(error).toBeInstanceOf(LimitExceededError);
      expect(error).toMatchObject({ limit: krw(1_000_000) });
    }
    expect((await usageRow(t, sourceId))[0]?.used).toBe(1_000_000n);
    // The carrier recorded each refusal: status() tells the janitor the same.
    const refusedRef = referenceOf(started[confirmed.findIndex((r) => r.status === 'rejected')]!.outcome);
    expect(await method().status({ ...follow(refusedRef, 100_000), operation: 'authorize' })).toMatchObject({
      status: 'declined',
      reason: 'limit_exceeded',
    });

    // A full line is refused before a code is texted.
    await expect(authorize(sourceId, 1)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', remaining: krw(0) });

    // A refund gives the cap back; so does a void of what was not captured.
    const [first, second] = approved;
    await method().capture(follow(first!, 100_000));
    expect(await method().refund(follow(first!, 40_000))).toMatchObject({ status: 'approved' });
    await method().capture(follow(second!, 30_000));
    expect(await method().void(follow(second!, 100_000))).toMatchObject({ status: 'approved' });
    expect((await usageRow(t, sourceId))[0]?.used).toBe(1_000_000n - 40_000n - 70_000n);
    expect(await charge(phone, sourceId, 110_000)).toMatchObject({ status: 'approved' });
    await expect(charge(phone, sourceId, 1)).rejects.toBeInstanceOf(LimitExceededError);

    const source_ = await shop.client.data<{
      carrierBillingSource: {
        monthlyLimit: { cap: { amount: string }; used: { amount: string }; remaining: { amount: string } };
      };
    }>(
      'query($id: ID!) { carrierBillingSource(id: $id) { ... on CarrierBillingSource { monthlyLimit { cap { amount } used { amount } remaining { amount } } } } }',
      { id: sourceId },
    );
    expect(source_.carrierBillingSource.monthlyLimit).toEqual({
      cap: { amount: '1000000' },
      used: { amount: '1000000' },
      remaining: { amount: '0' },
    });
  });

  test('a new month starts from zero; a refund of last month’s charge goes back to last month', async () => {
    const { sourceId, phone } = await source();
    const full = await charge(phone, sourceId, 1_000_000);
    expect(full).toMatchObject({ status: 'approved' });
    await method().capture(follow(referenceOf(full), 1_000_000));
    await expect(charge(phone, sourceId, 1000)).rejects.toBeInstanceOf(LimitExceededError);

    // Time passes: the charge and its usage now belong to last month.
    const em = t.gateway.database.em.fork();
    await em.execute(`update carrier_charge set month = '2000-01' where id = ?`, [referenceOf(full)]);
    await em.execute(
      `update carrier_monthly_usage set month = '2000-01' where subscriber_id = (select subscriber_id from carrier_billing_source where id = ?)`,
      [sourceId],
    );
    expect(await charge(phone, sourceId, 300_000)).toMatchObject({ status: 'approved' });
    expect(await method().refund(follow(referenceOf(full), 250_000))).toMatchObject({ status: 'approved' });
    const rows = await usageRow(t, sourceId);
    expect(rows).toEqual([
      { month: '2000-01', used: 750_000n },
      { month: expect.stringMatching(/^\d{4}-\d{2}$/), used: 300_000n },
    ]);
  });

  test('a single charge above the cap is refused outright', async () => {
    const { sourceId } = await source();
    await expect(authorize(sourceId, 1_000_001)).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: krw(1_000_000),
      remaining: krw(1_000_000),
    });
  });
});

test('phone numbers are stored only encrypted; no number or code reaches a log line', async () => {
  const stored = await everyRowAsText(t);
  const logged = t.logs.join('\n');
  expect(t.logs.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  expect(phonesUsed.length).toBeGreaterThan(5);
  for (const phone of phonesUsed) {
    for (const form of [phone, `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`]) {
      expect(stored).not.toContain(form);
      expect(logged).not.toContain(form);
    }
  }
  for (const code of codesUsed) {
    expect(logged).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
  }
});
