import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import { definePlugin } from '../../../core/plugin.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import {
  bootPayments,
  CAPTURE,
  createCustomer,
  fundedWallet,
  ledgerIsSound,
  mutate,
  PAYMENT_FIELDS,
  type PaymentView,
} from './support.ts';
import { ALLOW, BLOCKED_FIELDS, forAmount, verdictPlugin } from './verdict-plugins.ts';

/**
 * `payment.beforeAuthorize` through the API: two handler plugins (one switchable per merchant),
 * every decision, on every method, and the review of a held payment.
 */
const network = createFakeAcquirer();
const rules = verdictPlugin('risk-rules', { perMerchant: true });
const limits = verdictPlugin('spend-limits');

/** A second factor the test hands out: merchants in `holders` have one (step-up.test.ts's pattern). */
const holders = new Set<string>();
const fakeFactor = definePlugin({
  name: 'fake-factor',
  version: '1.0.0',
  setup: (runtime) => {
    runtime.services.stepUp.registerFactor({
      name: 'fake',
      requiredFor: [],
      isEnrolled: async (ctx) => ctx.principal.kind === 'merchant' && holders.has(ctx.principal.merchantId),
    });
    return {
      schema: (builder) => {
        builder.mutationField('proveFakeFactor', (t) =>
          t.withAuth({ authenticated: true }).field({
            type: 'StepUpGrant',
            resolve: (_root, _args, ctx) => runtime.services.stepUp.grant(ctx, 'fake', 60),
          }),
        );
      },
    };
  },
});

const REVIEWED = `${PAYMENT_FIELDS} ${BLOCKED_FIELDS}
  ... on Payment { review { status score reasons decidedAt } }`;
const CREATE = `mutation($input: CreatePaymentInput!, $key: String) {
  createPayment(input: $input, idempotencyKey: $key) { ${REVIEWED} }
}`;
const DECIDE = `mutation($id: ID!, $approve: Boolean!, $reason: String!) {
  decidePaymentReview(paymentId: $id, approve: $approve, reason: $reason) { ${REVIEWED} }
}`;

interface Answer extends PaymentView {
  captureMethod?: string;
  score?: number;
  reasons?: string[];
  review?: { status: string; score: number; reasons: string[]; decidedAt: string | null } | null;
}

let t: TestGateway;
let shop: { merchantId: string; client: HttpGraphQLClient };
let customerId: string;

beforeAll(async () => {
  t = await bootPayments([
    network.plugin,
    sandboxCardPlugin,
    walletPlugin,
    fakeFactor,
    rules.plugin,
    limits.plugin,
  ]);
  shop = await t.createMerchant('Reviewed shop');
  customerId = await createCustomer(shop.client, 'buyer-1');
});
afterAll(() => t?.close());
afterEach(() => {
  rules.decide = () => ALLOW;
  limits.decide = () => ALLOW;
});

const card = (amount: bigint, extra: Record<string, unknown> = {}) => ({
  customerId,
  method: 'test-card',
  sourceId: 'approve',
  amount: { amount: amount.toString(), currency: 'KRW' },
  ...extra,
});
const pay = (client: HttpGraphQLClient, input: Record<string, unknown>, key?: string) =>
  mutate(client, CREATE, { input, key }) as Promise<Answer>;
const paymentRows = async () => {
  const [row] = await query(
    t.gateway.database.orm.em.fork(),
    'select count(*)::int as n from payment_intent',
  );
  return Number(row?.n);
};

describe('combining', () => {
  test('the strictest answer wins (block over review), with the reasons of both; the key stays free', async () => {
    rules.decide = forAmount(701n, { decision: 'review', score: 40, reasons: ['new device'] });
    limits.decide = forAmount(701n, { decision: 'block', score: 90, reasons: ['daily limit reached'] });
    const calls = network.calls.length;
    const rows = await paymentRows();

    const blocked = await pay(shop.client, card(701n), 'k-701');
    expect(blocked).toMatchObject({
      __typename: 'PaymentBlockedError',
      code: 'PAYMENT_BLOCKED',
      score: 90,
      reasons: ['daily limit reached', 'new device'],
    });
    expect(network.calls.length).toBe(calls);
    expect(await paymentRows()).toBe(rows);
    expect(limits.asked.at(-1)).toMatchObject({
      merchantId: shop.merchantId,
      customerId,
      method: 'test-card',
      amount: { amount: 701n, currency: 'KRW' },
      captureMethod: 'automatic',
    });

    // Nothing was recorded under the key: a retry asks the handlers again, and now goes through.
    limits.decide = () => ALLOW;
    rules.decide = () => ALLOW;
    expect(await pay(shop.client, card(701n), 'k-701')).toMatchObject({ status: 'captured', review: null });
  });

  test('runs for every method: a sandbox card payment is blocked before the card network is called', async () => {
    const { tokenizeSandboxCard } = await shop.client.data<{ tokenizeSandboxCard: { id: string } }>(
      `mutation { tokenizeSandboxCard(input: { number: "4242424242424242", expMonth: 12, expYear: 2040, cvc: "123" }) {
        ... on SandboxCardToken { id } } }`,
    );
    const operations = async () => {
      const [row] = await query(
        t.gateway.database.orm.em.fork(),
        'select count(*)::int as n from sandbox_card_operation',
      );
      return Number(row?.n);
    };
    const before = await operations();
    limits.decide = (input) =>
      input.method === 'sandbox-card' ? { decision: 'block', score: 70, reasons: ['card testing'] } : ALLOW;
    const sandbox = { ...card(5_000n), method: 'sandbox-card', sourceId: tokenizeSandboxCard.id };
    expect(await pay(shop.client, sandbox)).toMatchObject({
      __typename: 'PaymentBlockedError',
      score: 70,
      reasons: ['card testing'],
    });
    expect(await operations()).toBe(before);
    limits.decide = () => ALLOW;
    expect(await pay(shop.client, sandbox)).toMatchObject({ status: 'captured' });
    expect(await operations()).toBeGreaterThan(before);
  });
});

describe('review', () => {
  const held = { decision: 'review', score: 55, reasons: ['unusual amount'] } as const;

  test('a held payment is authorized, its capture waits for approval, and approving captures it', async () => {
    rules.decide = forAmount(702n, held);
    const payment = await pay(shop.client, card(702n));
    expect(payment).toMatchObject({
      status: 'authorized',
      captureMethod: 'manual',
      review: { status: 'pending', score: 55, reasons: ['unusual amount'], decidedAt: null },
    });
    expect(await mutate(shop.client, CAPTURE, { id: payment.id })).toMatchObject({
      __typename: 'InvalidTransitionError',
      operation: 'capture',
    });

    const other = await t.createMerchant('Someone else');
    expect(
      await mutate(other.client, DECIDE, { id: payment.id, approve: true, reason: 'mine' }),
    ).toMatchObject({
      __typename: 'NotFoundError',
    });
    const { createCustomerSession } = await shop.client.data<{ createCustomerSession: { token: string } }>(
      'mutation { createCustomerSession(customerRef: "buyer-1") { ... on CreatedCustomerSession { token } } }',
    );
    const customer = shop.client.withToken(createCustomerSession.token);
    const byCustomer = await customer.request(DECIDE, { id: payment.id, approve: true, reason: 'me' });
    expect(byCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await mutate(shop.client, DECIDE, { id: payment.id, approve: true, reason: '' })).toMatchObject({
      __typename: 'ValidationError',
      field: 'reason',
    });

    const approved = (await mutate(shop.client, DECIDE, {
      id: payment.id,
      approve: true,
      reason: 'customer called to confirm',
    })) as Answer;
    expect(approved).toMatchObject({
      status: 'captured',
      capturedAmount: { amount: '702' },
      review: { status: 'approved', score: 55, reasons: ['unusual amount'] },
    });
    expect(approved.review?.decidedAt).toEqual(expect.any(String));
    const [row] = await query(
      t.gateway.database.orm.em.fork(),
      'select review from payment_intent where id = ?',
      [payment.id],
    );
    expect(row?.review).toMatchObject({
      decidedBy: { kind: 'merchant' },
      decisionReason: 'customer called to confirm',
    });
    // Decided once.
    expect(
      await mutate(t.operator, DECIDE, { id: payment.id, approve: false, reason: 'again' }),
    ).toMatchObject({
      __typename: 'InvalidTransitionError',
    });
  });

  test('declining voids the payment; an operator may decide', async () => {
    rules.decide = forAmount(703n, held);
    const payment = await pay(shop.client, card(703n));
    expect(payment).toMatchObject({ status: 'authorized', review: { status: 'pending' } });
    expect(
      await mutate(t.operator, DECIDE, { id: payment.id, approve: false, reason: 'stolen card reported' }),
    ).toMatchObject({ status: 'voided', review: { status: 'declined' } });
    expect(await mutate(shop.client, CAPTURE, { id: payment.id })).toMatchObject({
      __typename: 'InvalidTransitionError',
    });
  });

  test('a held wallet payment leaves the one-round-trip path: held in the ledger, then captured', async () => {
    const holder = await fundedWallet(shop.client, 1_000n);
    rules.decide = forAmount(704n, held);
    const payment = await pay(shop.client, {
      customerId: holder.customerId,
      method: 'wallet',
      sourceId: holder.walletId,
      amount: { amount: '704', currency: 'KRW' },
    });
    expect(payment).toMatchObject({
      status: 'authorized',
      captureMethod: 'manual',
      review: { status: 'pending' },
    });
    expect(await mutate(shop.client, DECIDE, { id: payment.id, approve: true, reason: 'ok' })).toMatchObject({
      status: 'captured',
    });
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });
});

describe('challenge', () => {
  test('a merchant with a factor is asked for a fresh step-up, then the payment goes through', async () => {
    const enrolled = await t.createMerchant('Enrolled shop');
    holders.add(enrolled.merchantId);
    const buyer = await createCustomer(enrolled.client);
    rules.decide = forAmount(705n, { decision: 'challenge', score: 30, reasons: ['first payment'] });
    const input = { ...card(705n), customerId: buyer };
    const rows = await paymentRows();
    const refused = await enrolled.client.request(CREATE, { input });
    expect(refused.errors?.[0]?.extensions).toEqual({
      code: 'STEP_UP_REQUIRED',
      stepUp: { action: 'payment.create', factors: ['fake'], enrolled: true },
    });
    expect(await paymentRows()).toBe(rows);
    await enrolled.client.data('mutation { proveFakeFactor { expiresAt } }');
    expect(await pay(enrolled.client, input)).toMatchObject({ status: 'captured' });
  });

  test('a merchant with no factor at all is refused, not let through', async () => {
    rules.decide = forAmount(706n, { decision: 'challenge', score: 30, reasons: ['first payment'] });
    const refused = await shop.client.request(CREATE, { input: card(706n) });
    expect(refused.errors?.[0]?.extensions).toEqual({
      code: 'STEP_UP_REQUIRED',
      stepUp: { action: 'payment.create', factors: ['fake'], enrolled: false },
    });
  });
});

describe('per-merchant enablement', () => {
  test('the handler of a plugin switched off for a merchant is not run for its payments', async () => {
    const off = await t.createMerchant('Rules off');
    const offCustomer = await createCustomer(off.client);
    const { setPluginEnabled } = await t.operator.data<{ setPluginEnabled: { __typename: string } }>(
      `mutation($m: ID!) { setPluginEnabled(merchantId: $m, plugin: "risk-rules", enabled: false, reason: "pilot") {
        __typename } }`,
      { m: off.merchantId },
    );
    expect(setPluginEnabled.__typename).toBe('PluginSwitch');
    rules.decide = forAmount(707n, { decision: 'block', score: 99, reasons: ['blocked by rules'] });
    const asked = rules.asked.length;

    expect(await pay(off.client, { ...card(707n), customerId: offCustomer })).toMatchObject({
      status: 'captured',
    });
    expect(rules.asked.length).toBe(asked);
    expect(limits.asked.at(-1)?.merchantId).toBe(off.merchantId);
    expect(await pay(shop.client, card(707n))).toMatchObject({
      __typename: 'PaymentBlockedError',
      score: 99,
    });
    expect(rules.asked.length).toBe(asked + 1);
  });
});
