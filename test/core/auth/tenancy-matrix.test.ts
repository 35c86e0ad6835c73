import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from '../../plugins/payments/fake-acquirer.ts';
import { bootPayments, createCustomer, type WalletHolder } from '../../plugins/payments/support.ts';

// Issue 17, hole 1, as a matrix: every list, and every field that takes a customer, a merchant
// or an owner argument, asked by every principal kind with someone else's ids. Whatever comes
// back (an error, an empty list, a NotFoundError), its data holds none of the ids the caller
// may not see, and it is never a 5xx. A customer session sees only itself, a merchant only its
// own, a partner only the merchants that granted it.

interface Tenant {
  merchantId: string;
  client: HttpGraphQLClient;
  alice: WalletHolder;
  bob: WalletHolder;
  payments: { alice: string; bob: string };
}

let t: TestGateway;
let home: Tenant;
let other: Tenant;
let partner: HttpGraphQLClient;
let aliceSession: HttpGraphQLClient;

const PAYMENTS = '{ payments(first: 100) { edges { node { id } } } }';

/** A customer with a KRW wallet, topped up with a card. */
async function holder(client: HttpGraphQLClient, customerRef: string): Promise<WalletHolder> {
  const customerId = await createCustomer(client, customerRef);
  const { createWallet } = await client.data<{ createWallet: { id: string } }>(
    'mutation($input: CreateWalletInput!) { createWallet(input: $input) { ... on Wallet { id } } }',
    { input: { customerId, currency: 'KRW' } },
  );
  const { topUpWallet } = await client.data<{ topUpWallet: { __typename: string } }>(
    'mutation($input: TopUpWalletInput!) { topUpWallet(input: $input) { __typename } }',
    {
      input: {
        walletId: createWallet.id,
        method: 'test-card',
        sourceId: 'approve',
        amount: { amount: '5000', currency: 'KRW' },
      },
    },
  );
  expect(topUpWallet.__typename).toBe('Payment');
  return { customerId, walletId: createWallet.id };
}

async function tenant(name: string): Promise<Tenant> {
  const { merchantId, client } = await t.createMerchant(name);
  const alice = await holder(client, 'alice');
  const bob = await holder(client, 'bob');
  const pay = async (who: WalletHolder) => {
    const { createPayment } = await client.data<{ createPayment: { id: string } }>(
      'mutation($input: CreatePaymentInput!) { createPayment(input: $input) { __typename ... on Payment { id } ... on Error { message } } }',
      {
        input: {
          customerId: who.customerId,
          method: 'wallet',
          sourceId: who.walletId,
          amount: { amount: '1000', currency: 'KRW' },
        },
      },
    );
    if (!createPayment.id) throw new Error(JSON.stringify(createPayment));
    return createPayment.id;
  };
  const [alicePayment, bobPayment] = [await pay(alice), await pay(bob)];
  return { merchantId, client, alice, bob, payments: { alice: alicePayment!, bob: bobPayment! } };
}

const idsOf = (x: Tenant) => [
  x.merchantId,
  x.alice.customerId,
  x.alice.walletId,
  x.bob.customerId,
  x.bob.walletId,
  x.payments.alice,
  x.payments.bob,
];
const bobsIds = (x: Tenant) => [x.bob.customerId, x.bob.walletId, x.payments.bob];

beforeAll(async () => {
  t = await bootPayments([createFakeAcquirer().plugin, walletPlugin, eventsPlugin]);
  home = await tenant('Home');
  other = await tenant('Other');
  const { createPartner } = await t.operator.data<{ createPartner: { id: string } }>(
    'mutation { createPartner(name: "Analytics") { ... on Partner { id } } }',
  );
  const { createApiKey } = await t.operator.data<{ createApiKey: { secret: string } }>(
    'mutation($p: ID!) { createApiKey(input: { kind: partner, label: "p", partnerId: $p }) { ... on CreatedApiKey { secret } } }',
    { p: createPartner.id },
  );
  partner = t.http(createApiKey.secret);
  await home.client.data('mutation($p: ID!) { grantPartnerAccess(partnerId: $p) { __typename } }', {
    p: createPartner.id,
  });
  const { createCustomerSession } = await home.client.data<{ createCustomerSession: { token: string } }>(
    'mutation { createCustomerSession(customerRef: "alice") { ... on CreatedCustomerSession { token } } }',
  );
  aliceSession = t.http(createCustomerSession.token);
}, 240_000);
afterAll(() => t?.close());

type Probe = [name: string, query: string, variables: (x: Tenant) => Record<string, unknown>];

/** Reads that take someone else's id, or list what the caller may see. */
const PROBES: Probe[] = [
  [
    'wallets(customerId)',
    'query($c: ID) { wallets(customerId: $c) { edges { node { id } } } }',
    (x) => ({ c: x.bob.customerId }),
  ],
  ['wallets', '{ wallets(first: 100) { edges { node { id } } } }', () => ({})],
  [
    'wallet(id)',
    'query($id: ID!) { wallet(id: $id) { __typename ... on Wallet { id } } }',
    (x) => ({ id: x.bob.walletId }),
  ],
  [
    'customer(id)',
    'query($id: ID!) { customer(id: $id) { __typename ... on Customer { id } } }',
    (x) => ({ id: x.bob.customerId }),
  ],
  ['customers', '{ customers(first: 100) { edges { node { id } } } }', () => ({})],
  [
    'payment(id)',
    'query($id: ID!) { payment(id: $id) { __typename ... on Payment { id } } }',
    (x) => ({ id: x.payments.bob }),
  ],
  ['payments', PAYMENTS, () => ({})],
  [
    'merchant(id)',
    'query($id: ID!) { merchant(id: $id) { __typename ... on Merchant { id } } }',
    (x) => ({ id: x.merchantId }),
  ],
  ['merchants', '{ merchants(first: 100) { edges { node { id } } } }', () => ({})],
  [
    'payouts(merchantId)',
    'query($m: ID) { payouts(merchantId: $m) { edges { node { id } } } }',
    (x) => ({ m: x.merchantId }),
  ],
  [
    'pluginSwitches(merchantId)',
    'query($m: ID!) { pluginSwitches(merchantId: $m) { __typename ... on MerchantPluginSwitches { merchantId } } }',
    (x) => ({ m: x.merchantId }),
  ],
  [
    'pluginSwitchAudit(merchantId)',
    'query($m: ID!) { pluginSwitchAudit(merchantId: $m) { __typename } }',
    (x) => ({ m: x.merchantId }),
  ],
  [
    'events(merchantIds)',
    'query($m: [ID!]) { events(merchantIds: $m) { events { id merchantId payload } } }',
    (x) => ({ m: [x.merchantId] }),
  ],
  ['events', '{ events { events { id merchantId payload } } }', () => ({})],
  [
    'createWallet(customerId)',
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { __typename ... on Wallet { id } } }',
    (x) => ({ c: x.bob.customerId }),
  ],
];

async function dataOf(client: HttpGraphQLClient, query: string, variables: Record<string, unknown>) {
  const response = await client.request(query, variables);
  expect(response.status, `HTTP ${response.status}: ${JSON.stringify(response.errors)}`).toBeLessThan(500);
  return JSON.stringify(response.data ?? null);
}

describe.each([
  ['a merchant', () => home.client, () => idsOf(other), () => other],
  ['a partner', () => partner, () => idsOf(other), () => other],
  ['a customer session', () => aliceSession, () => [...idsOf(other), ...bobsIds(home)], () => home],
] as const)('%s never sees what is not its own', (_who, client, forbidden, target) => {
  test.each(PROBES)('%s', async (_name, query, variables) => {
    // Aimed at the other tenant, and (for the session) at bob in its own merchant too.
    for (const aim of new Set([target(), other])) {
      const seen = await dataOf(client(), query, variables(aim));
      for (const id of forbidden()) expect(seen, `leaks ${id}`).not.toContain(id);
    }
  });
});

test('the matrix can fail: what a caller may see does come back', async () => {
  const [, walletsOf, aimAt] = PROBES[0]!;
  expect(await dataOf(t.operator, walletsOf, aimAt(other))).toContain(other.bob.walletId);
  expect(await dataOf(home.client, walletsOf, aimAt(home))).toContain(home.bob.walletId);
  expect(await dataOf(aliceSession, PROBES[1]![1], {})).toContain(home.alice.walletId);
  expect(await dataOf(partner, PAYMENTS, {})).toContain(home.payments.bob);
});
