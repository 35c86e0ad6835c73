import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addMonths } from 'date-fns';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { combined, readLabelled } from '../../../bench/fraud/stored-labels.ts';
import { trainModel } from '../../../bench/fraud/train-model.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { gdprPlugin } from '../../../plugins/gdpr/index.ts';
import { bootFraudGateway, card, customer, fraudMerchant, pay } from './support.ts';

/**
 * People in the loop through the API: the review queue of held payments, a person's approval
 * and decline, the override of a block, tenancy, the subject's request for review with its due
 * date and outcome, the events, and the labels training reads.
 */
let t: TestGateway;
let shop: Awaited<ReturnType<typeof fraudMerchant>>;
let other: Awaited<ReturnType<typeof fraudMerchant>>;

const REVIEW = `paymentId decision status held reasons subjectRequestedAt subjectStatement dueAt dueRule
  decidedAt decidedBy decisionReason retryAllowedUntil retryUsed label`;
const DECIDE = `mutation($p: ID!, $a: Boolean!, $r: String!) {
  decideFraudReview(paymentId: $p, approve: $a, reason: $r) {
    __typename
    ... on FraudReview { ${REVIEW} }
    ... on FraudReviewClosedError { code refusal }
    ... on Error { code message }
  }
}`;
const REQUEST = `mutation($p: ID!, $s: String) {
  requestFraudReview(paymentId: $p, statement: $s) {
    __typename
    ... on FraudReview { ${REVIEW} }
    ... on FraudReviewClosedError { code refusal }
    ... on Error { code message }
  }
}`;

type Review = Record<string, unknown> & { __typename: string; paymentId: string };

const decideReview = async (
  client: HttpGraphQLClient,
  paymentId: string,
  approve: boolean,
  reason = 'checked',
) =>
  (await client.data<{ decideFraudReview: Review }>(DECIDE, { p: paymentId, a: approve, r: reason }))
    .decideFraudReview;
const queue = async (client: HttpGraphQLClient) =>
  (await client.data<{ fraudReviewQueue: Review[] }>(`{ fraudReviewQueue { ${REVIEW} } }`)).fraudReviewQueue;
const paymentStatus = async (client: HttpGraphQLClient, id: string) =>
  (
    await client.data<{ payment: { status: string } }>(
      'query($id: ID!) { payment(id: $id) { ... on Payment { status } } }',
      {
        id,
      },
    )
  ).payment.status;

/** Four identical gift cards: the fourth is held by the built-in rule. */
async function heldPayment(client: HttpGraphQLClient, ref: string, amount: number): Promise<string> {
  const buyer = await customer(client, ref);
  for (let i = 0; i < 3; i++) await pay(client, card(buyer, amount));
  const held = await pay(client, card(buyer, amount));
  expect(held).toMatchObject({ status: 'authorized', review: { status: 'pending' } });
  return held.id!;
}

async function session(client: HttpGraphQLClient, ref: string): Promise<HttpGraphQLClient> {
  const { createCustomerSession } = await client.data<{ createCustomerSession: { token: string } }>(
    'mutation($r: String!) { createCustomerSession(customerRef: $r) { ... on CreatedCustomerSession { token } } }',
    { r: ref },
  );
  return client.withToken(createCustomerSession.token);
}

beforeAll(async () => {
  t = await bootFraudGateway({}, [gdprPlugin]);
  shop = await fraudMerchant(t, 'gift_card');
  other = await fraudMerchant(t, 'gift_card', 'Other shop');
  // Amounts ending in 777 are blocked at this shop only: a refusal to override.
  const { createFraudRule } = await t.operator.data<{ createFraudRule: { __typename: string } }>(
    `mutation($input: FraudRuleInput!) { createFraudRule(input: $input) { __typename } }`,
    {
      input: {
        merchantId: shop.merchantId,
        name: 'odd amounts',
        action: 'block',
        expression: 'amount % 1000 == 777',
        reason: 'an amount this shop never sells',
      },
    },
  );
  expect(createFraudRule.__typename).toBe('FraudRule');
});
afterAll(() => t?.close());

describe('the review queue', () => {
  test('a held payment waits in its merchant’s queue only; approving captures it, once', async () => {
    const id = await heldPayment(shop.client, 'queue-approve', 30_000);
    expect(await queue(shop.client)).toContainEqual(
      expect.objectContaining({ paymentId: id, decision: 'review', status: 'open', held: true }),
    );
    expect((await queue(other.client)).map((r) => r.paymentId)).not.toContain(id);
    expect((await queue(t.operator)).map((r) => r.paymentId)).toContain(id);
    // Another merchant cannot decide it, nor see it.
    expect(await decideReview(other.client, id, true)).toMatchObject({ __typename: 'NotFoundError' });
    const { fraudReview } = await other.client.data<{ fraudReview: Review | null }>(
      'query($p: ID!) { fraudReview(paymentId: $p) { paymentId } }',
      { p: id },
    );
    expect(fraudReview).toBeNull();
    // A reason is required, and a refused call changes nothing.
    expect(await decideReview(shop.client, id, true, '  ')).toMatchObject({ __typename: 'ValidationError' });

    const approved = await decideReview(shop.client, id, true, 'known office buyer');
    expect(approved).toMatchObject({
      __typename: 'FraudReview',
      status: 'approved',
      held: false,
      decidedBy: 'merchant',
      decisionReason: 'known office buyer',
      label: 'legitimate',
      retryAllowedUntil: null,
    });
    expect(await paymentStatus(shop.client, id)).toBe('captured');
    expect((await queue(shop.client)).map((r) => r.paymentId)).not.toContain(id);
    expect(await decideReview(shop.client, id, false)).toMatchObject({
      __typename: 'FraudReviewClosedError',
      refusal: 'already-decided',
    });
    const { events } = await shop.client.data<{ events: { events: { payload: Record<string, unknown> }[] } }>(
      '{ events(types: ["fraud.review_decided"]) { events { payload } } }',
    );
    expect(events.events.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({
        paymentId: id,
        outcome: 'approved',
        label: 'legitimate',
        decidedBy: 'merchant',
      }),
    );
  });

  test('declining a held payment voids it and labels it fraud', async () => {
    const id = await heldPayment(shop.client, 'queue-decline', 40_000);
    expect(await decideReview(t.operator, id, false, 'ring: same phone as a known redeemer')).toMatchObject({
      status: 'declined',
      decidedBy: 'operator',
      label: 'fraud',
    });
    expect(await paymentStatus(shop.client, id)).toBe('voided');
  });

  test('a hold decided through decidePaymentReview is decided in the queue too', async () => {
    const id = await heldPayment(shop.client, 'queue-direct', 45_000);
    await shop.client.data(
      'mutation($p: ID!) { decidePaymentReview(paymentId: $p, approve: true, reason: "direct") { __typename } }',
      { p: id },
    );
    expect((await queue(shop.client)).map((r) => r.paymentId)).not.toContain(id);
    expect(await decideReview(shop.client, id, false)).toMatchObject({ refusal: 'already-decided' });
  });
});

describe('overriding a block', () => {
  test('approving a block lets the customer’s identical retry through once', async () => {
    const buyer = await customer(shop.client, 'blocked-buyer');
    expect(await pay(shop.client, card(buyer, 10_777))).toMatchObject({ __typename: 'PaymentBlockedError' });
    const { fraudDecisions } = await shop.client.data<{
      fraudDecisions: { paymentId: string; customerId: string }[];
    }>('{ fraudDecisions(decision: block) { paymentId customerId } }');
    const blocked = fraudDecisions.find((d) => d.customerId === buyer)!.paymentId;
    expect(await decideReview(other.client, blocked, true)).toMatchObject({ __typename: 'NotFoundError' });
    const overridden = await decideReview(shop.client, blocked, true, 'customer called: a real order');
    expect(overridden).toMatchObject({ status: 'approved', label: 'legitimate', retryUsed: false });
    expect(overridden.retryAllowedUntil).not.toBeNull();

    // A different amount is still refused; the identical one passes, once.
    expect(await pay(shop.client, card(buyer, 11_777))).toMatchObject({ __typename: 'PaymentBlockedError' });
    const retry = await pay(shop.client, card(buyer, 10_777));
    expect(retry).toMatchObject({
      status: 'captured',
      fraudDecision: {
        decision: 'allow',
        reasons: ['a person approved an identical earlier payment that was refused (override)'],
      },
    });
    expect(await pay(shop.client, card(buyer, 10_777))).toMatchObject({ __typename: 'PaymentBlockedError' });
    const { fraudReview } = await shop.client.data<{ fraudReview: Review }>(
      `query($p: ID!) { fraudReview(paymentId: $p) { ${REVIEW} } }`,
      { p: blocked },
    );
    expect(fraudReview).toMatchObject({ retryUsed: true });
  });
});

describe('the subject’s request for review (GDPR Art. 22(3), PIPA Art. 37-2)', () => {
  test('the payer contests a block with their view; it is due under GDPR Art. 12(3) and they read the outcome', async () => {
    const ref = 'contesting-buyer';
    const { createCustomer } = await shop.client.data<{ createCustomer: { id: string } }>(
      'mutation($r: String!) { createCustomer(input: { externalRef: $r, jurisdiction: "DE" }) { ... on Customer { id } } }',
      { r: ref },
    );
    expect(await pay(shop.client, card(createCustomer.id, 20_777))).toMatchObject({
      __typename: 'PaymentBlockedError',
    });
    const payer = await session(shop.client, ref);
    // The payer finds the refusal among the decisions about them.
    const { fraudDecisions } = await payer.data<{
      fraudDecisions: { paymentId: string; decision: string }[];
    }>('{ fraudDecisions { paymentId decision } }');
    expect(fraudDecisions).toEqual([expect.objectContaining({ decision: 'block' })]);
    const blocked = fraudDecisions[0]!.paymentId;

    const before = Date.now();
    const { requestFraudReview } = await payer.data<{ requestFraudReview: Review }>(REQUEST, {
      p: blocked,
      s: 'I buy these for my shop every month',
    });
    expect(requestFraudReview).toMatchObject({
      __typename: 'FraudReview',
      status: 'open',
      decision: 'block',
      subjectStatement: 'I buy these for my shop every month',
      dueRule: 'GDPR Art. 12(3)',
      label: null,
    });
    const requestedAt = new Date(String(requestFraudReview.subjectRequestedAt));
    expect(requestedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(String(requestFraudReview.dueAt)).getTime()).toBe(addMonths(requestedAt, 1).getTime());
    // Once per decision.
    expect(
      (await payer.data<{ requestFraudReview: Review }>(REQUEST, { p: blocked })).requestFraudReview,
    ).toMatchObject({ __typename: 'FraudReviewClosedError', refusal: 'already-requested' });

    // In the merchant's queue with the payer's view, not in another's; announced to partners.
    expect(await queue(shop.client)).toContainEqual(
      expect.objectContaining({
        paymentId: blocked,
        subjectStatement: 'I buy these for my shop every month',
      }),
    );
    expect((await queue(other.client)).map((r) => r.paymentId)).not.toContain(blocked);
    const { events } = await shop.client.data<{ events: { events: { payload: Record<string, unknown> }[] } }>(
      '{ events(types: ["fraud.review_requested"]) { events { payload } } }',
    );
    expect(events.events.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ paymentId: blocked, decision: 'block', dueAt: expect.any(String) }),
    );

    await decideReview(shop.client, blocked, false, 'three cards from one device this hour');
    const { fraudReview } = await payer.data<{ fraudReview: Review }>(
      `query($p: ID!) { fraudReview(paymentId: $p) { ${REVIEW} } }`,
      { p: blocked },
    );
    expect(fraudReview).toMatchObject({
      status: 'declined',
      decidedBy: 'merchant',
      decisionReason: 'three cards from one device this hour',
    });
    // The key that decided is for the audit, not for the payer.
    const keyRead = await payer.request('query($p: ID!) { fraudReview(paymentId: $p) { decidedByKeyId } }', {
      p: blocked,
    });
    expect(keyRead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // The access export carries the request with the payer's words and the outcome.
    const sections = await t.gateway.services.privacy.exportSubject(t.gateway.database.em.fork(), {
      merchantId: shop.merchantId,
      customerRef: ref,
    });
    const read = async (name: string) => {
      const out = [];
      for await (const r of sections.find((s) => s.name === name)!.records) out.push(r);
      return out;
    };
    expect(await read('fraud.review-requests')).toEqual([
      expect.objectContaining({ paymentId: blocked, statement: 'I buy these for my shop every month' }),
    ]);
    expect(await read('fraud.reviews')).toEqual([
      expect.objectContaining({ paymentId: blocked, status: 'declined', dueRule: 'GDPR Art. 12(3)' }),
    ]);
  });

  test('a held payment declined before the payer was heard reopens on their request', async () => {
    const ref = 'reopening-buyer';
    const id = await heldPayment(shop.client, ref, 35_000);
    await decideReview(shop.client, id, false, 'looks like cash-out');
    const payer = await session(shop.client, ref);
    const reopened = (
      await payer.data<{ requestFraudReview: Review }>(REQUEST, { p: id, s: 'gifts for my team' })
    ).requestFraudReview;
    // A Korean payer: PIPA is not installed here, and no pack sets a period: no due date.
    expect(reopened).toMatchObject({ status: 'open', decidedAt: null, dueAt: null, label: null });
    // The payment was voided: approving now lets the identical payment through instead.
    const approved = await decideReview(shop.client, id, true, 'confirmed with the payer');
    expect(approved).toMatchObject({ status: 'approved', label: 'legitimate' });
    expect(approved.retryAllowedUntil).not.toBeNull();
  });

  test('an allowed payment has nothing to review; another payer’s payment is not found', async () => {
    const ref = 'happy-buyer';
    const buyer = await customer(shop.client, ref);
    const paid = await pay(shop.client, card(buyer, 1_000));
    const payer = await session(shop.client, ref);
    expect(
      (await payer.data<{ requestFraudReview: Review }>(REQUEST, { p: paid.id })).requestFraudReview,
    ).toMatchObject({ __typename: 'FraudReviewClosedError', refusal: 'nothing-to-review' });
    const stranger = await pay(shop.client, card(await customer(shop.client), 2_777));
    expect(stranger.__typename).toBe('PaymentBlockedError');
    const { fraudDecisions } = await t.operator.data<{ fraudDecisions: { paymentId: string }[] }>(
      '{ fraudDecisions(decision: block, first: 1) { paymentId } }',
    );
    expect(
      (await payer.data<{ requestFraudReview: Review }>(REQUEST, { p: fraudDecisions[0]!.paymentId }))
        .requestFraudReview,
    ).toMatchObject({ __typename: 'NotFoundError' });
    // Merchants and operators do not file a subject's request.
    const asMerchant = await shop.client.request(REQUEST, { p: paid.id });
    expect(asMerchant.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('labels for training', () => {
  test('people’s outcomes are exported with their features and train the model', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fraud-labels-')), 'labelled.jsonl');
    const lines: string[] = [];
    const code = await t.gateway.commands
      .get('fraud labels')!
      .run({ em: t.gateway.database.em.fork(), out: (line) => lines.push(line), flags: { out } });
    expect(code).toBe(0);
    const labelled = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { fraud: boolean; kind: string; features: Record<string, unknown> });
    // Earlier tests: approvals (a hold, a direct decidePaymentReview, an override, a reopened hold) and declines.
    expect(labelled.filter((l) => l.fraud).length).toBeGreaterThanOrEqual(2);
    expect(labelled.filter((l) => !l.fraud).length).toBeGreaterThanOrEqual(3);
    expect(new Set(labelled.map((l) => l.kind))).toEqual(new Set(['review-approved', 'review-declined']));
    expect(lines.at(-1)).toMatch(/fraud and \d+ legitimate labels written/);

    // Backtests count the same outcomes: the override (approved) and the contested block (declined).
    const { backtestFraudRule } = await t.operator.data<{
      backtestFraudRule: { matchedApprovedOnReview: number; matchedDeclinedOnReview: number };
    }>(
      `mutation($m: ID!) { backtestFraudRule(expression: "amount % 1000 == 777", merchantId: $m, days: 1) {
        ... on FraudBacktest { matchedApprovedOnReview matchedDeclinedOnReview } } }`,
      { m: shop.merchantId },
    );
    expect(backtestFraudRule).toEqual({ matchedApprovedOnReview: 1, matchedDeclinedOnReview: 1 });

    const stored = readLabelled(out);
    expect(stored.labels).toHaveLength(labelled.length);
    const model = trainModel(
      combined(stored, { labels: [], inputs: new Float64Array(0), names: [] }, 1),
      'test',
    );
    expect(model.features).toEqual(stored.names);
    expect(model.weights.some((w) => w !== 0)).toBe(true);
  });
});
