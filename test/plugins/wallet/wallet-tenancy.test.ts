import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { bootPayments, createCustomer } from '../payments/support.ts';

const CREATE_WALLET = `mutation($input: CreateWalletInput!) {
  createWallet(input: $input) { ... on Wallet { id } }
}`;
const WALLETS = `query($customerId: ID) { wallets(customerId: $customerId) { edges { node { id } } } }`;

let t: TestGateway;
let shop: HttpGraphQLClient;
const wallets: Record<string, string> = {};
const customers: Record<string, string> = {};

beforeAll(async () => {
  t = await bootPayments([walletPlugin]);
  shop = (await t.createMerchant('Arcade')).client;
  for (const name of ['alice', 'bob']) {
    customers[name] = await createCustomer(shop, name);
    const { createWallet } = await shop.data<{ createWallet: { id: string } }>(CREATE_WALLET, {
      input: { customerId: customers[name], currency: 'KRW' },
    });
    wallets[name] = createWallet.id;
  }
});
afterAll(() => t?.close());

async function sessionOf(customerRef: string): Promise<HttpGraphQLClient> {
  const { createCustomerSession } = await shop.data<{ createCustomerSession: { token: string } }>(
    'mutation($ref: String!) { createCustomerSession(customerRef: $ref) { ... on CreatedCustomerSession { token } } }',
    { ref: customerRef },
  );
  return t.http(createCustomerSession.token);
}

const ids = async (client: HttpGraphQLClient, customerId?: string) =>
  (
    await client.data<{ wallets: { edges: { node: { id: string } }[] } }>(WALLETS, { customerId })
  ).wallets.edges.map((e) => e.node.id);

test('a customer session lists only its own wallets, whatever customerId it passes', async () => {
  const alice = await sessionOf('alice');
  expect(await ids(alice)).toEqual([wallets.alice]);
  expect(await ids(alice, customers.alice)).toEqual([wallets.alice]);
  expect(await ids(alice, customers.bob)).toEqual([]);
});

test('a merchant lists its customers’ wallets by customer; another merchant sees none of them', async () => {
  expect(await ids(shop, customers.bob)).toEqual([wallets.bob]);
  expect(await ids(shop)).toEqual([wallets.alice, wallets.bob]);
  const rival = (await t.createMerchant('Rival')).client;
  expect(await ids(rival, customers.bob)).toEqual([]);
  expect(await ids(rival)).toEqual([]);
});
