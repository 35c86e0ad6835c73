import { HttpGraphQLClient } from '../core/testing/graphql-clients.ts';

/** A setup request as the bench's own client: fails loudly on any GraphQL error. */
export function graphql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  return new HttpGraphQLClient(url, token).data<T>(query, variables);
}

/** Runs `make(0..count-1)` at most `width` at a time, keeping the order of results. */
export async function inParallel<T>(
  count: number,
  width: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, i) => make(start + i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

/** A merchant and a merchant API key for it, made by an operator. */
export async function merchantWithKey(
  url: string,
  operatorKey: string,
  name: string,
): Promise<{ merchantId: string; key: string }> {
  const { createMerchant } = await graphql<{ createMerchant: { id: string } }>(
    url,
    operatorKey,
    'mutation($n: String!) { createMerchant(name: $n) { ... on Merchant { id } } }',
    { n: name },
  );
  const { createApiKey } = await graphql<{ createApiKey: { secret: string } }>(
    url,
    operatorKey,
    `mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "bench", merchantId: $m }) { ... on CreatedApiKey { secret } } }`,
    { m: createMerchant.id },
  );
  return { merchantId: createMerchant.id, key: createApiKey.secret };
}

/** A customer of the key's merchant with a KRW wallet, funded through the bench-funding method. */
export async function fundedWallet(
  url: string,
  merchantKey: string,
  externalRef: string,
): Promise<{ customerId: string; walletId: string }> {
  const { createCustomer } = await graphql<{ createCustomer: { id: string } }>(
    url,
    merchantKey,
    'mutation($r: String!) { createCustomer(input: { externalRef: $r, jurisdiction: "KR" }) { ... on Customer { id } } }',
    { r: externalRef },
  );
  const { createWallet } = await graphql<{ createWallet: { id: string } }>(
    url,
    merchantKey,
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
    { c: createCustomer.id },
  );
  await graphql(
    url,
    merchantKey,
    `mutation($w: ID!) { topUpWallet(input: { walletId: $w, method: "bench-funding", sourceId: "bench",
      amount: { amount: "1000000000000", currency: "KRW" } }) { __typename } }`,
    { w: createWallet.id },
  );
  return { customerId: createCustomer.id, walletId: createWallet.id };
}
