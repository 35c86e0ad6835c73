import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { fraudPlugin } from '../../../plugins/fraud/index.ts';
import type { gdprPlugin } from '../../../plugins/gdpr/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { pipaPlugin } from '../../../plugins/pipa/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { fakeFactor } from '../../core/enablement/fixtures/fake-factor.plugin.ts';
import { setPluginEnabled } from '../../core/enablement/support.ts';
import { createFakeAcquirer } from '../payments/fake-acquirer.ts';

/** A gateway with the fraud plugin, the wallet, a fake card network and a factor operators prove. */
export async function bootFraudGateway(
  options: { model?: 'on' | 'off' } = {},
  // Regulation packs, for the subject's review requests.
  extra: readonly (typeof gdprPlugin)[] = [],
): Promise<TestGateway> {
  const network = createFakeAcquirer();
  const t = await createTestGateway({
    plugins: [
      eventsPlugin,
      fakeFactor,
      paymentsPlugin.with({ janitor: { intervalSeconds: 0, retryBaseSeconds: 0 } }),
      walletPlugin,
      network.plugin,
      fraudPlugin.with(options),
      // Its buyers are Korean: their decisions are held under PIPA's payment-record hold.
      pipaPlugin,
      ...extra,
    ],
  });
  await t.operator.data('mutation { proveFakeFactor { expiresAt } }');
  return t;
}

/** A merchant of `category` with the fraud plugin enabled. */
export async function fraudMerchant(t: TestGateway, category: string, name = 'Gift shop') {
  const shop = await t.createMerchant(name);
  const { setMerchantCategory } = await t.operator.data<{ setMerchantCategory: { category: string } }>(
    'mutation($m: ID!, $c: MerchantCategory!) { setMerchantCategory(merchantId: $m, category: $c) { ... on Merchant { category } } }',
    { m: shop.merchantId, c: category },
  );
  if (setMerchantCategory.category !== category) throw new Error('category not set');
  const switched = await setPluginEnabled(t.operator, shop.merchantId, 'fraud', true);
  if (!switched.enabled) throw new Error(`fraud not enabled: ${JSON.stringify(switched)}`);
  return shop;
}

export const PAY = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) {
    __typename
    ... on Payment { id status captureMethod review { status reasons } fraudDecision { decision score reasons rules { ruleId version action } } }
    ... on PaymentBlockedError { code score reasons }
    ... on ValidationError { field message }
    ... on Error { code message }
  }
}`;

export interface Paid {
  __typename: string;
  id?: string;
  status?: string;
  code?: string;
  score?: number;
  reasons?: string[];
  field?: string;
  review?: { status: string; reasons: string[] } | null;
  fraudDecision?: {
    decision: string;
    score: number;
    reasons: string[];
    rules: { ruleId: string; version: number; action: string }[];
  } | null;
}

/** The payment's result, or the code of a GraphQL error (STEP_UP_REQUIRED is one). */
export async function pay(client: HttpGraphQLClient, input: Record<string, unknown>): Promise<Paid> {
  const response = await client.request<{ createPayment: Paid }>(PAY, { input });
  if (response.errors?.length) {
    return { __typename: 'GraphQLError', code: String(response.errors[0]!.extensions?.code) };
  }
  return response.data!.createPayment;
}

export async function customer(client: HttpGraphQLClient, ref = `buyer-${Math.random()}`): Promise<string> {
  const { createCustomer } = await client.data<{ createCustomer: { id: string } }>(
    'mutation($r: String!) { createCustomer(input: { externalRef: $r, jurisdiction: "KR" }) { ... on Customer { id } } }',
    { r: ref },
  );
  return createCustomer.id;
}

export const card = (customerId: string, amount: number, risk?: Record<string, unknown>) => ({
  customerId,
  method: 'test-card',
  sourceId: 'approve',
  amount: { amount: String(amount), currency: 'KRW' },
  ...(risk ? { risk } : {}),
});
