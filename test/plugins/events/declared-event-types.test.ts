import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { fraudPlugin } from '../../../plugins/fraud/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { PAYMENT_STATUSES } from '../../../plugins/payments/payment-status.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { fakeFactor } from '../../core/enablement/fixtures/fake-factor.plugin.ts';
import { setPluginEnabled } from '../../core/enablement/support.ts';

// The partner guide promises every event type with its payload's JSON Schema. The gateway with
// the plugins of yoga.config.ts makes payments, refunds and payouts; every type it emits must be
// declared, and every payload must fit its declaration.

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({
    plugins: [
      totpPlugin,
      eventsPlugin,
      paymentsPlugin.with({ janitor: { intervalSeconds: 0 } }),
      walletPlugin,
      sandboxCardPlugin,
      carrierBillingPlugin,
      fraudPlugin,
      fakeFactor,
    ],
  });
  // Enabling a plugin for a merchant is a step-up action.
  await t.operator.data('mutation { proveFakeFactor { expiresAt } }');
});
afterAll(() => t?.close());

const PAYMENT = '__typename ... on Payment { id status } ... on Error { code message }';

async function card(client: TestGateway['operator'], number: string): Promise<string> {
  const { tokenizeSandboxCard } = await client.data<{ tokenizeSandboxCard: { id: string } }>(
    `mutation($n: String!) { tokenizeSandboxCard(input: { number: $n, expMonth: 12, expYear: 2040, cvc: "123" }) { ... on SandboxCardToken { id } } }`,
    { n: number },
  );
  return tokenizeSandboxCard.id;
}

async function makeEveryKindOfEvent(): Promise<void> {
  const shop = await t.createMerchant('Event types shop');
  // The fraud plugin decides on every payment of this merchant (fraud.decided).
  await setPluginEnabled(t.operator, shop.merchantId, 'fraud', true);
  const m = shop.client;
  const { createCustomer } = await m.data<{ createCustomer: { id: string } }>(
    'mutation { createCustomer(input: { externalRef: "types-1", jurisdiction: "KR" }) { ... on Customer { id } } }',
  );
  const customerId = createCustomer.id;
  const { createWallet } = await m.data<{ createWallet: { id: string } }>(
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
    { c: customerId },
  );
  const approve = await card(m, '4242424242424242');
  const pay = async (input: Record<string, unknown>) =>
    (
      await m.data<{ createPayment: { id: string; status: string } }>(
        `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { ${PAYMENT} } }`,
        { i: { customerId, amount: { amount: '1000', currency: 'KRW' }, ...input } },
      )
    ).createPayment;
  await m.data(
    `mutation($w: ID!, $s: String!) { topUpWallet(input: { walletId: $w, method: "sandbox-card", sourceId: $s, amount: { amount: "5000", currency: "KRW" } }) { ${PAYMENT} } }`,
    { w: createWallet.id, s: approve },
  );
  const fromWallet = await pay({ method: 'wallet', sourceId: createWallet.id });
  expect(fromWallet.status).toBe('captured');
  await m.data(
    `mutation($p: ID!) { refundPayment(paymentId: $p, amount: { amount: "400", currency: "KRW" }) { ${PAYMENT} } }`,
    {
      p: fromWallet.id,
    },
  );
  await m.data(`mutation($p: ID!) { refundPayment(paymentId: $p) { ${PAYMENT} } }`, { p: fromWallet.id });
  await pay({ method: 'wallet', sourceId: createWallet.id }); // kept: the merchant has a payout
  const held = await pay({ method: 'sandbox-card', sourceId: approve, captureMethod: 'manual' });
  expect(held.status).toBe('authorized');
  await m.data(`mutation($p: ID!) { voidPayment(paymentId: $p) { ${PAYMENT} } }`, { p: held.id });
  const declined = await pay({ method: 'sandbox-card', sourceId: await card(m, '4000000000000002') });
  expect(declined.status).toBe('declined');
  const threeDs = await pay({ method: 'sandbox-card', sourceId: await card(m, '4000000000003220') });
  expect(threeDs.status).toBe('requires_action');
  const { runSettlement } = await t.operator.data<{ runSettlement: { payouts: { id: string }[] } }>(
    'mutation($end: DateTime!) { runSettlement(periodEnd: $end) { ... on SettlementRun { payouts { id } } } }',
    { end: new Date().toISOString() },
  );
  for (const { id } of runSettlement.payouts) {
    await t.operator.data(
      'mutation($id: ID!) { markPayoutPaid(payoutId: $id, bankReference: "b-1") { __typename } }',
      { id },
    );
  }
}

test('every event the gateway emitted is a declared type, and its payload fits the declaration', async () => {
  await makeEveryKindOfEvent();
  await t.gateway.services.events.sync();
  const declared = new Map(t.gateway.services.events.eventTypes().map((d) => [d.type, d]));
  const seen = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const { events: page } = await t.operator.data<{
      events: { events: { type: string; payload: unknown }[]; endCursor: string; hasMore: boolean };
    }>(
      'query($after: String) { events(after: $after, first: 1000) { events { type payload } endCursor hasMore } }',
      {
        after,
      },
    );
    for (const event of page.events) {
      seen.add(event.type);
      const declaration = declared.get(event.type);
      expect(declaration, `${event.type} is emitted but not declared`).toBeDefined();
      const parsed = declaration!.payload.safeParse(event.payload);
      expect(parsed.success, `${event.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    if (!page.hasMore) break;
    after = page.endCursor;
  }
  // The flow reached every family: a wallet payment, a card top-up, refunds, a void, a decline, payouts.
  for (const type of [
    'payment.captured',
    'payment.voided',
    'payment.declined',
    'payment.requires_action',
    'payment.partially_refunded',
    'payment.refunded',
    'refund.created',
    'refund.succeeded',
    'payout.created',
    'payout.paid',
    'fraud.decided',
  ]) {
    expect(seen, type).toContain(type);
  }
});

test('eventTypes lists every payment status, refund and payout type with its JSON Schema', async () => {
  const { eventTypes } = await t.operator.data<{
    eventTypes: {
      type: string;
      description: string;
      payloadSchema: { properties: Record<string, unknown> };
    }[];
  }>('{ eventTypes { type description payloadSchema } }');
  const types = eventTypes.map((e) => e.type);
  for (const status of PAYMENT_STATUSES) expect(types).toContain(`payment.${status}`);
  expect(types).toEqual(
    expect.arrayContaining(['refund.created', 'refund.succeeded', 'payout.paid', 'plugin.switched']),
  );
  const captured = eventTypes.find((e) => e.type === 'payment.captured')!;
  expect(Object.keys(captured.payloadSchema.properties)).toContain('capturedAmount');
  expect(captured.description).not.toBe('');
});
