import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { setPluginEnabled } from '../../core/enablement/support.ts';
import { bootFraudGateway, card, customer, fraudMerchant, pay } from './support.ts';

/**
 * The fraud plugin through the API: decisions on the card and wallet paths, the built-in
 * cash-out rules, the stored decision and its event, the risk context, tenancy.
 */
let t: TestGateway;
let shop: Awaited<ReturnType<typeof fraudMerchant>>;

beforeAll(async () => {
  t = await bootFraudGateway();
  shop = await fraudMerchant(t, 'gift_card');
});
afterAll(() => t?.close());

const rows = (sql: string, params: unknown[] = []) => query(t.gateway.database.orm.em.fork(), sql, params);

describe('decisions', () => {
  test('an ordinary payment is allowed; the decision is stored with the payment and emitted', async () => {
    const buyer = await customer(shop.client);
    const paid = await pay(shop.client, card(buyer, 10_000, { deviceId: 'phone-1' }));
    expect(paid).toMatchObject({
      status: 'captured',
      fraudDecision: { decision: 'allow', score: 0, reasons: [], rules: [] },
    });
    const { events } = await shop.client.data<{
      events: { events: { type: string; payload: Record<string, unknown> }[] };
    }>('{ events(types: ["fraud.decided"]) { events { type payload } } }');
    expect(events.events.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ paymentId: paid.id, customerId: buyer, decision: 'allow', score: 0 }),
    );
    // The IP defaults to the request's; device and IP are stored only as keyed indexes.
    const [row] = await rows(
      'select device_index, ip_index, features from fraud_attempt where payment_id = ?',
      [paid.id],
    );
    expect(row).toMatchObject({ device_index: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(row!.ip_index).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain('phone-1');
  });

  test('the same gift card amount again and again is held for a person (built-in rule)', async () => {
    const buyer = await customer(shop.client, 'repeat-buyer');
    for (let i = 0; i < 3; i++)
      expect(await pay(shop.client, card(buyer, 50_000))).toMatchObject({ status: 'captured' });
    const fourth = await pay(shop.client, card(buyer, 50_000));
    expect(fourth).toMatchObject({
      status: 'authorized',
      captureMethod: 'manual',
      review: { status: 'pending' },
      fraudDecision: {
        decision: 'review',
        score: 70,
        reasons: ['the same amount bought 4 or more times today at a gift card or game merchant'],
      },
    });
    // The payer reads the decision's main reasons on their own payment (GDPR Art. 22, PIPA Art. 37-2).
    const { createCustomerSession } = await shop.client.data<{ createCustomerSession: { token: string } }>(
      'mutation { createCustomerSession(customerRef: "repeat-buyer") { ... on CreatedCustomerSession { token } } }',
    );
    const { payment } = await shop.client
      .withToken(createCustomerSession.token)
      .data<{ payment: { fraudDecision: { decision: string; reasons: string[] } } }>(
        'query($id: ID!) { payment(id: $id) { ... on Payment { fraudDecision { decision reasons } } } }',
        { id: fourth.id },
      );
    expect(payment.fraudDecision).toEqual({ decision: 'review', reasons: fourth.fraudDecision!.reasons });
  });

  test('a burst of small gift card purchases asks for a step-up, which a fresh proof passes', async () => {
    const buyer = await customer(shop.client);
    const amounts = [1_000, 2_000, 3_000, 4_000];
    for (const amount of amounts)
      expect(await pay(shop.client, card(buyer, amount))).toMatchObject({ status: 'captured' });
    expect(await pay(shop.client, card(buyer, 5_000))).toEqual({
      __typename: 'GraphQLError',
      code: 'STEP_UP_REQUIRED',
    });
    await shop.client.data('mutation { proveFakeFactor { expiresAt } }');
    expect(await pay(shop.client, card(buyer, 6_000))).toMatchObject({
      status: 'captured',
      fraudDecision: {
        decision: 'challenge',
        reasons: ['5 or more gift card or game purchases in 10 minutes'],
      },
    });
  });

  test('one recipient receiving gift cards from five payers is blocked; the recipient is sealed', async () => {
    const recipient = '+821055501234';
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await pay(shop.client, card(await customer(shop.client), 30_000 + i, { recipient })));
    }
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([
      'captured',
      'captured',
      'captured',
      'captured',
    ]);
    expect(answers[4]).toMatchObject({
      __typename: 'PaymentBlockedError',
      code: 'PAYMENT_BLOCKED',
      score: 90,
      reasons: ['the recipient of this gift card received cash equivalents from 5 or more payers this week'],
    });
    const sealed = await rows(
      'select recipient_sealed, recipient_index from fraud_attempt where recipient_index is not null',
    );
    expect(sealed).toHaveLength(5);
    for (const row of sealed) {
      expect(row.recipient_sealed).toMatch(/^p1\./);
      expect(JSON.stringify(row)).not.toContain('55501234');
    }
    // The blocked attempt is kept, without a payment: merchants list it.
    const { fraudDecisions } = await shop.client.data<{
      fraudDecisions: { decision: string; reasons: string[] }[];
    }>('{ fraudDecisions(decision: block) { decision reasons } }');
    expect(fraudDecisions).toHaveLength(1);
  });

  test('a wallet payment on the batched path is decided too', async () => {
    const buyer = await customer(shop.client);
    const { createWallet } = await shop.client.data<{ createWallet: { id: string } }>(
      'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
      { c: buyer },
    );
    await shop.client.data(
      'mutation($w: ID!) { topUpWallet(input: { walletId: $w, method: "test-card", sourceId: "approve", amount: { amount: "100000", currency: "KRW" } }) { __typename } }',
      { w: createWallet.id },
    );
    const paid = await pay(shop.client, {
      customerId: buyer,
      method: 'wallet',
      sourceId: createWallet.id,
      amount: { amount: '7000', currency: 'KRW' },
    });
    // The top-up was an attempt of the same customer: two cash-equivalent attempts so far.
    expect(paid).toMatchObject({ status: 'captured', fraudDecision: { decision: 'allow' } });
    const [row] = await rows('select features from fraud_attempt where payment_id = ?', [paid.id]);
    expect(row!.features).toMatchObject({
      customer: { count_10m: '2', cash_pct_10m: '100' },
      method: 'wallet',
    });
  });

  test('a malformed risk context is a typed error and changes nothing', async () => {
    const buyer = await customer(shop.client);
    const before = await rows('select count(*)::int as n from fraud_attempt');
    expect(await pay(shop.client, card(buyer, 1_000, { ip: 'not an ip' }))).toMatchObject({
      __typename: 'ValidationError',
      field: 'risk.ip',
    });
    expect(await pay(shop.client, card(buyer, 1_000, { recipient: '010-1234' }))).toMatchObject({
      __typename: 'ValidationError',
      field: 'risk.recipient',
    });
    expect(await rows('select count(*)::int as n from fraud_attempt')).toEqual(before);
  });
});

describe('tenancy and enablement', () => {
  test('a merchant without the plugin enabled is not asked', async () => {
    const other = await t.createMerchant('Bakery');
    const paid = await pay(other.client, card(await customer(other.client), 1_000));
    expect(paid).toMatchObject({ status: 'captured', fraudDecision: null });
    const listed = await other.client.request('{ fraudDecisions { decision } }');
    expect(listed.errors?.[0]?.extensions?.code).toBe('PLUGIN_DISABLED');
    // Enabled, it lists its own decisions only: none of the gift shop's.
    await setPluginEnabled(t.operator, other.merchantId, 'fraud', true);
    const { fraudDecisions } = await other.client.data<{ fraudDecisions: unknown[] }>(
      '{ fraudDecisions { decision } }',
    );
    expect(fraudDecisions).toEqual([]);
  });

  test('rules and categories are the operators’: a merchant is refused', async () => {
    const refused = await shop.client.request('{ fraudRules { id } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const category = await shop.client.request(
      'mutation($m: ID!) { setMerchantCategory(merchantId: $m, category: other) { __typename } }',
      { m: shop.merchantId },
    );
    expect(category.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the subject’s rights', () => {
  test('an access export lists the decisions with their reasons; erasure unlinks, the decisions stay under the hold', async () => {
    const ref = 'subject-of-decisions';
    const buyer = await customer(shop.client, ref);
    await pay(
      shop.client,
      card(buyer, 9_000, { deviceId: 'erasable-phone', recipient: 'friend@example.com' }),
    );
    const { privacy } = t.gateway.services;
    const subject = { merchantId: shop.merchantId, customerRef: ref };
    const sections = await privacy.exportSubject(t.gateway.database.em.fork(), subject);
    const section = sections.find((s) => s.name === 'fraud.decisions')!;
    const records = [];
    for await (const record of section.records) records.push(record);
    expect(records).toEqual([
      expect.objectContaining({ decision: 'allow', score: 0, reasons: [], amount: '9000' }),
    ]);

    const erasure = await privacy.eraseSubject(t.gateway.database.em.fork(), subject);
    expect(erasure.find((e) => e.plugin === 'fraud')).toMatchObject({
      erased: expect.arrayContaining(['deviceIndex', 'recipientSealed']),
      kept: [
        expect.objectContaining({
          what: expect.stringContaining('fraud decisions'),
          rule: expect.stringContaining('pipa: Act on Consumer Protection in Electronic Commerce Art. 6(1)'),
          until: expect.any(Date),
        }),
      ],
    });
    const [row] = await rows(
      'select device_index, ip_index, instrument_index, recipient_index, recipient_sealed, features, decision from fraud_attempt where customer_id = ?',
      [buyer],
    );
    expect(row).toEqual({
      device_index: null,
      ip_index: null,
      instrument_index: null,
      recipient_index: null,
      recipient_sealed: null,
      features: null,
      decision: 'allow',
    });
  });
});
