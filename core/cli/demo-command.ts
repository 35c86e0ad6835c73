import type { Gateway } from '../gateway.ts';

/**
 * `gateway demo`: a merchant, customers with funded wallets and some payments, for a first look.
 * It is a client of the public GraphQL API, like docs/getting-started.md, run in process: the
 * kernel still knows no plugin, and a step whose fields the installed plugins do not offer is
 * skipped with a note.
 */
export async function runDemo(gateway: Gateway, out: (line: string) => void): Promise<number> {
  await gateway.migrate();
  const { apiKey, secret: operatorKey } = await gateway.services.auth.issueOperatorKey(
    gateway.database.em.fork(),
    'demo (revoked when the demo is done)',
  );
  const gql = async (key: string, query: string, variables: Record<string, unknown> = {}) => {
    const response = await gateway.yoga.fetch('http://demo.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const { data, errors } = (await response.json()) as {
      data?: Record<string, Record<string, unknown> & { code?: string; message?: string }>;
      errors?: { message: string }[];
    };
    if (errors?.length || !data) throw new Error(`demo step failed: ${errors?.[0]?.message}`);
    const result = Object.values(data)[0]!;
    if (result.code) throw new Error(`demo step failed: ${result.code}: ${result.message}`);
    return result;
  };
  const has = (field: string) => gateway.schema.getMutationType()?.getFields()[field] !== undefined;
  const ERROR = '... on Error { code message }';
  try {
    const merchant = await gql(
      operatorKey,
      `mutation { createMerchant(name: "Demo shop") { ... on Merchant { id } ${ERROR} } }`,
    );
    const key = await gql(
      operatorKey,
      `mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "demo", merchantId: $m }) { ... on CreatedApiKey { secret } ${ERROR} } }`,
      { m: merchant.id },
    );
    const merchantKey = String(key.secret);
    out(`merchant "Demo shop" ${merchant.id}`);
    out(`merchant key (shown once; explore in GraphiQL with "authorization: Bearer <key>"):\n${merchantKey}`);
    if (!has('createCustomer') || !has('createWallet') || !has('topUpWallet')) {
      out('customers, wallets and payments skipped: install the payments, wallet and sandbox-card plugins');
      return 0;
    }
    let payments = 0;
    for (const [ref, amounts] of [
      ['demo-ana', ['10', '250', '1200']],
      ['demo-ben', ['50', '50']],
      ['demo-cho', ['990']],
    ] as const) {
      const customer = await gql(
        merchantKey,
        `mutation($r: String!) { createCustomer(input: { customerRef: $r, jurisdiction: "KR" }) { ... on Customer { id } ${ERROR} } }`,
        { r: ref },
      );
      const wallet = await gql(
        merchantKey,
        `mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } ${ERROR} } }`,
        { c: customer.id },
      );
      if (!has('tokenizeSandboxCard')) continue;
      const card = await gql(
        merchantKey,
        `mutation { tokenizeSandboxCard(input: { number: "4242424242424242", expMonth: 12, expYear: 2040, cvc: "123" }) { ... on SandboxCardToken { id } ${ERROR} } }`,
      );
      await gql(
        merchantKey,
        `mutation($w: ID!, $s: String!) { topUpWallet(input: { walletId: $w, method: "sandbox-card", sourceId: $s, amount: { amount: "10000", currency: "KRW" } }) { ... on Payment { id } ${ERROR} } }`,
        { w: wallet.id, s: card.id },
      );
      let last: unknown;
      for (const amount of amounts) {
        const paid = await gql(
          merchantKey,
          `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { ... on Payment { id } ${ERROR} } }`,
          {
            i: {
              customerId: customer.id,
              method: 'wallet',
              sourceId: wallet.id,
              amount: { amount, currency: 'KRW' },
            },
          },
        );
        last = paid.id;
        payments++;
      }
      if (ref === 'demo-ben') {
        await gql(
          merchantKey,
          `mutation($p: ID!) { refundPayment(paymentId: $p) { ... on Payment { id } ${ERROR} } }`,
          {
            p: last,
          },
        );
      }
      out(`customer ${ref} ${customer.id}: wallet ${wallet.id} topped up with KRW 10000`);
    }
    out(`${payments} wallet payments, 1 refunded`);
    return 0;
  } finally {
    await gql(operatorKey, 'mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }', { id: apiKey.id });
  }
}
