import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootFraudGateway, card, customer, fraudMerchant, pay } from './support.ts';

/** Operators' rules through the API: type-checked on save, versioned, per merchant, backtested. */
let t: TestGateway;
beforeAll(async () => {
  t = await bootFraudGateway();
});
afterAll(() => t?.close());

const RULE = `__typename
  ... on FraudRule { id version merchantId name action expression reason score enabled builtIn }
  ... on FraudRuleInvalidError { code message expression }
  ... on ValidationError { field message }
  ... on NotFoundError { code }`;
const CREATE = `mutation($input: FraudRuleInput!) { createFraudRule(input: $input) { ${RULE} } }`;
const UPDATE = `mutation($id: ID!, $input: FraudRuleInput!) { updateFraudRule(id: $id, input: $input) { ${RULE} } }`;

interface Rule {
  __typename: string;
  id: string;
  version: number;
  action: string;
  message: string;
  field?: string;
  builtIn: boolean;
}
const create = async (input: Record<string, unknown>) =>
  (await t.operator.data<{ createFraudRule: Rule }>(CREATE, { input })).createFraudRule;

test('the built-in cash-out rules are stored as version 1 of ordinary rules', async () => {
  const { fraudRules } = await t.operator.data<{ fraudRules: Rule[] }>(
    '{ fraudRules { id version builtIn action } }',
  );
  expect(fraudRules.filter((r) => r.builtIn)).toHaveLength(6);
  expect(new Set(fraudRules.map((r) => r.action))).toEqual(new Set(['block', 'review', 'challenge']));
});

test.each([
  ['amount >', /syntax/],
  ['amount > "10000"', /no matching overload/],
  ['customer.cout_10m > 3', /not found/],
  ['velocity > 3', /unresolved/],
  ['amount + 1', /bool/],
  // A branch a payment may never take is checked all the same.
  ['true || device.customers_24h > "many"', /no matching overload/],
])('a condition that is not valid is refused with a typed error: %s', async (expression, problem) => {
  const refused = await create({ name: 'bad', action: 'block', expression, reason: 'bad' });
  expect(refused).toMatchObject({ __typename: 'FraudRuleInvalidError', expression });
  expect(refused.message).toMatch(problem);
});

test('a rule is versioned on every save, and applies to its merchant only', async () => {
  const shop = await fraudMerchant(t, 'digital_content', 'Ebooks');
  const other = await fraudMerchant(t, 'digital_content', 'Comics');
  const rule = await create({
    merchantId: shop.merchantId,
    name: 'big ebook orders',
    action: 'review',
    expression: 'amount >= 200000',
    reason: 'an unusually large order',
  });
  expect(rule).toMatchObject({ __typename: 'FraudRule', version: 1, builtIn: false, score: 70 });
  const buyer = await customer(shop.client);
  expect((await pay(shop.client, card(buyer, 250_000))).fraudDecision).toMatchObject({
    decision: 'review',
    rules: [{ ruleId: rule.id, version: 1, action: 'review' }],
  });
  expect((await pay(other.client, card(await customer(other.client), 250_000))).fraudDecision).toMatchObject({
    decision: 'allow',
  });

  const v2 = (
    await t.operator.data<{ updateFraudRule: Rule }>(UPDATE, { id: rule.id, input: { action: 'block' } })
  ).updateFraudRule;
  expect(v2).toMatchObject({ version: 2, action: 'block', expression: 'amount >= 200000' });
  expect(await pay(shop.client, card(buyer, 250_000))).toMatchObject({ __typename: 'PaymentBlockedError' });
  const invalid = (
    await t.operator.data<{ updateFraudRule: Rule }>(UPDATE, { id: rule.id, input: { expression: 'amount' } })
  ).updateFraudRule;
  expect(invalid.__typename).toBe('FraudRuleInvalidError');

  await t.operator.data(UPDATE, { id: rule.id, input: { enabled: false } });
  expect((await pay(shop.client, card(buyer, 250_000))).fraudDecision).toMatchObject({ decision: 'allow' });
  const { fraudRuleVersions } = await t.operator.data<{ fraudRuleVersions: Rule[] }>(
    'query($id: ID!) { fraudRuleVersions(id: $id) { version action enabled } }',
    { id: rule.id },
  );
  expect(fraudRuleVersions).toEqual([
    { version: 1, action: 'review', enabled: true },
    { version: 2, action: 'block', enabled: true },
    { version: 3, action: 'block', enabled: false },
  ]);
});

test('an allow rule lets through what a block rule would stop (Radar order)', async () => {
  const shop = await fraudMerchant(t, 'game', 'Arcade');
  const block = await create({
    merchantId: shop.merchantId,
    name: 'no big top-ups',
    action: 'block',
    expression: 'amount > 90000',
    reason: 'too big',
  });
  await create({
    merchantId: shop.merchantId,
    name: 'known device',
    action: 'allow',
    expression: "has_device && device.count_7d >= 1 && amount < 200000 && method == 'test-card'",
    reason: 'a device we know',
  });
  const buyer = await customer(shop.client);
  expect(await pay(shop.client, card(buyer, 100_000))).toMatchObject({ __typename: 'PaymentBlockedError' });
  expect(await pay(shop.client, card(buyer, 100_000, { deviceId: 'tablet-9' }))).toMatchObject({
    status: 'captured',
    fraudDecision: { decision: 'allow', score: 90 },
  });
  expect(block.action).toBe('block');
});

test('a backtest runs a condition on the features past attempts were decided on', async () => {
  const BACKTEST = `mutation($e: String!, $m: ID) { backtestFraudRule(expression: $e, merchantId: $m, days: 7) {
    __typename ... on FraudBacktest { evaluated matched matchedAllowed matchedBlocked matchedReviewed samplePaymentIds }
    ... on FraudRuleInvalidError { message } } }`;
  const shop = await fraudMerchant(t, 'gift_card', 'Backtested');
  const buyer = await customer(shop.client);
  for (const amount of [10_000, 10_000, 10_000, 20_000]) await pay(shop.client, card(buyer, amount));
  const { backtestFraudRule } = await t.operator.data<{ backtestFraudRule: Record<string, unknown> }>(
    BACKTEST,
    {
      e: 'customer.same_amount_24h >= 2',
      m: shop.merchantId,
    },
  );
  expect(backtestFraudRule).toMatchObject({ evaluated: 4, matched: 2, matchedAllowed: 2, matchedBlocked: 0 });
  const invalid = await t.operator.data<{ backtestFraudRule: Record<string, unknown> }>(BACKTEST, {
    e: 'nope',
  });
  expect(invalid.backtestFraudRule.__typename).toBe('FraudRuleInvalidError');
});

test('a stored version that no longer compiles is skipped and logged, not a failure of every payment', async () => {
  await query(
    t.gateway.database.orm.em.fork(),
    `insert into fraud_rule_version (id, version, merchant_id, name, action, expression, reason, score, enabled,
       created_at, created_by) values (?, 1, null, 'legacy', 'block', 'amount >', 'legacy', 90, true, now(), 'test')`,
    [randomUUID()],
  );
  const shop = await fraudMerchant(t, 'physical_goods', 'Legacy rules');
  expect(await pay(shop.client, card(await customer(shop.client), 1_000))).toMatchObject({
    status: 'captured',
  });
  expect(t.logs.some((line) => line.includes('fraud rule does not compile'))).toBe(true);
});
