import { data } from './graphql.ts';

/** What the load runs pay with: a merchant, funded wallets and card tokens. */
export interface Shop {
  merchantId: string;
  merchantKey: string;
  wallets: { customerId: string; walletId: string }[];
  /** Every wallet is topped up with this much (KRW). */
  funding: bigint;
  cards: { approve: string; slow: string };
}

export async function createMerchant(url: string, operatorKey: string, name: string) {
  const { createMerchant } = await data<{ createMerchant: { id: string } }>(
    url,
    operatorKey,
    'mutation($n: String!) { createMerchant(name: $n) { ... on Merchant { id } } }',
    { n: name },
  );
  const { createApiKey } = await data<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    url,
    operatorKey,
    `mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "reliability", merchantId: $m }) {
      ... on CreatedApiKey { secret apiKey { id } } } }`,
    { m: createMerchant.id },
  );
  return { merchantId: createMerchant.id, merchantKey: createApiKey.secret, keyId: createApiKey.apiKey.id };
}

export async function tokenizeCard(url: string, key: string, number: string): Promise<string> {
  const { tokenizeSandboxCard } = await data<{ tokenizeSandboxCard: { id?: string } }>(
    url,
    key,
    `mutation($n: String!) { tokenizeSandboxCard(input: { number: $n, expMonth: 12, expYear: 2040, cvc: "123" }) {
      __typename ... on SandboxCardToken { id } } }`,
    { n: number },
  );
  if (!tokenizeSandboxCard.id) throw new Error('tokenizing the test card failed');
  return tokenizeSandboxCard.id;
}

export async function customerWithWallet(url: string, key: string, ref: string) {
  const { createCustomer } = await data<{ createCustomer: { id: string } }>(
    url,
    key,
    'mutation($r: String!) { createCustomer(input: { externalRef: $r, jurisdiction: "KR" }) { ... on Customer { id } } }',
    { r: ref },
  );
  const { createWallet } = await data<{ createWallet: { id: string } }>(
    url,
    key,
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
    { c: createCustomer.id },
  );
  return { customerId: createCustomer.id, walletId: createWallet.id };
}

export async function topUp(url: string, key: string, walletId: string, card: string, amount: bigint) {
  const { topUpWallet } = await data<{ topUpWallet: { __typename: string; status?: string } }>(
    url,
    key,
    `mutation($w: ID!, $s: String!, $a: String!) { topUpWallet(input: { walletId: $w, method: "sandbox-card",
      sourceId: $s, amount: { amount: $a, currency: "KRW" } }) { __typename ... on Payment { status } } }`,
    { w: walletId, s: card, a: String(amount) },
    { 'idempotency-key': `top-up-${walletId}` },
  );
  if (topUpWallet.status !== 'captured')
    throw new Error(`top-up not captured: ${JSON.stringify(topUpWallet)}`);
}

/**
 * A merchant with `wallets` funded customers and two card tokens. `beforeFunding` runs first
 * (register a webhook there, so that it gets the top-ups' events too).
 */
export async function openShop(
  url: string,
  operatorKey: string,
  wallets: number,
  beforeFunding: (merchantKey: string) => Promise<unknown> = async () => {},
): Promise<Shop> {
  const { merchantId, merchantKey } = await createMerchant(url, operatorKey, 'Reliability shop');
  await beforeFunding(merchantKey);
  const approve = await tokenizeCard(url, merchantKey, '4242424242424242');
  const slow = await tokenizeCard(url, merchantKey, '4000000000000424');
  const funding = 100_000_000n;
  const made = [];
  for (let i = 0; i < wallets; i += 10) {
    made.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, wallets - i) }, async (_, j) => {
          const wallet = await customerWithWallet(url, merchantKey, `customer-${i + j}`);
          await topUp(url, merchantKey, wallet.walletId, approve, funding);
          return wallet;
        }),
      )),
    );
  }
  return { merchantId, merchantKey, wallets: made, funding, cards: { approve, slow } };
}

/** A webhook endpoint of the merchant for every payment event, pointing at `receiverUrl`. */
export async function registerWebhook(
  url: string,
  merchantKey: string,
  receiverUrl: string,
): Promise<string> {
  const { createWebhookEndpoint } = await data<{
    createWebhookEndpoint: { __typename: string; endpoint?: { id: string }; message?: string };
  }>(
    url,
    merchantKey,
    `mutation($u: String!) { createWebhookEndpoint(input: { url: $u, eventTypes: ["payment.*"] }) {
      __typename ... on WebhookEndpointWithSecret { endpoint { id } } ... on Error { message } } }`,
    { u: receiverUrl },
  );
  if (!createWebhookEndpoint.endpoint)
    throw new Error(`webhook refused: ${JSON.stringify(createWebhookEndpoint)}`);
  return createWebhookEndpoint.endpoint.id;
}
