import type { InstalledPlugin } from '../../../core/plugin.ts';
import {
  createTestGateway,
  type TestGateway,
  type TestGatewayOptions,
} from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import type { PayFromAccountItem } from '../../../plugins/payments/pay-from-account-batcher.ts';

const PAYMENT_ONLY = `
  __typename
  ... on Payment {
    id status method purpose captureMethod customerId merchantId
    amount { amount currency decimal }
    authorizedAmount { amount } capturedAmount { amount } refundedAmount { amount }
    declineReason declineMessage nextAction { type hint expiresAt }
    operations { kind status amount { amount } }
  }
  ... on Error { code message }
`;

export const PAYMENT_FIELDS = `${PAYMENT_ONLY}
  ... on InvalidTransitionError { from operation }
  ... on InsufficientFundsError { available { amount currency } requested { amount currency } }
  ... on IdempotencyConflictError { key }
  ... on IdempotencyInFlightError { key }
  ... on ValidationError { field }
`;

export const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!, $key: String) {
  createPayment(input: $input, idempotencyKey: $key) { ${PAYMENT_FIELDS} }
}`;
export const CAPTURE = `mutation($id: ID!, $amount: MoneyInput, $release: Boolean, $key: String) {
  capturePayment(paymentId: $id, amount: $amount, releaseRemainder: $release, idempotencyKey: $key) { ${PAYMENT_FIELDS} }
}`;
export const VOID = `mutation($id: ID!, $key: String) { voidPayment(paymentId: $id, idempotencyKey: $key) { ${PAYMENT_FIELDS} } }`;
export const REFUND = `mutation($id: ID!, $amount: MoneyInput, $key: String) {
  refundPayment(paymentId: $id, amount: $amount, idempotencyKey: $key) { ${PAYMENT_FIELDS} }
}`;
export const CONFIRM = `mutation($id: ID!, $response: String!) {
  confirmPayment(paymentId: $id, response: $response) { ${PAYMENT_FIELDS} }
}`;
export const PAYMENT = `query($id: ID!) { payment(id: $id) { ${PAYMENT_ONLY} } }`;
export const CREATE_CUSTOMER = `mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { __typename ... on Customer { id externalRef jurisdiction } ... on ValidationError { field message } }
}`;

export interface PaymentView {
  __typename: string;
  id: string;
  status: string;
  code?: string;
  message?: string;
  field?: string;
  from?: string;
  operation?: string;
  amount: { amount: string; currency: string; decimal: string };
  authorizedAmount: { amount: string };
  capturedAmount: { amount: string };
  refundedAmount: { amount: string };
  declineReason: string | null;
  nextAction: { type: string; hint: string; expiresAt: string } | null;
  operations: { kind: string; status: string; amount: { amount: string } }[];
  available?: { amount: string; currency: string };
}

export async function bootPayments(
  plugins: readonly InstalledPlugin[] = [],
  options: Record<string, unknown> = {},
  config: TestGatewayOptions['config'] = {},
) {
  return createTestGateway({
    config,
    plugins: [
      paymentsPlugin.with({ janitor: { intervalSeconds: 0, retryBaseSeconds: 0 }, ...options }),
      ...plugins,
    ],
  });
}

export async function createCustomer(
  client: HttpGraphQLClient,
  externalRef = `user-${Math.random()}`,
  jurisdiction = 'KR',
) {
  const { createCustomer } = await client.data<{ createCustomer: { id: string } }>(CREATE_CUSTOMER, {
    input: { externalRef, jurisdiction },
  });
  return createCustomer.id;
}

/** Runs a money mutation and returns its result union member. */
export async function mutate(
  client: HttpGraphQLClient,
  query: string,
  variables: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<PaymentView> {
  const response = await client.request<Record<string, PaymentView>>(query, variables, { headers });
  if (response.errors?.length || !response.data) throw new Error(JSON.stringify(response.errors));
  return Object.values(response.data)[0]!;
}

export async function ledgerIsSound(t: TestGateway) {
  const { verifyLedger } = await t.operator.data<{ verifyLedger: { ok: boolean; problems: unknown[] } }>(
    '{ verifyLedger { ok problems { check detail } } }',
  );
  return verifyLedger;
}

export interface WalletHolder {
  customerId: string;
  walletId: string;
}

/** A new customer of the client's merchant with a KRW wallet, topped up through the fake acquirer. */
export async function fundedWallet(
  client: HttpGraphQLClient,
  balance: bigint,
  customerRef?: string,
): Promise<WalletHolder> {
  const customerId = await createCustomer(client, customerRef);
  const { createWallet } = await client.data<{ createWallet: { id: string } }>(
    'mutation($input: CreateWalletInput!) { createWallet(input: $input) { ... on Wallet { id } } }',
    { input: { customerId, currency: 'KRW' } },
  );
  await client.data('mutation($input: TopUpWalletInput!) { topUpWallet(input: $input) { __typename } }', {
    input: {
      walletId: createWallet.id,
      method: 'test-card',
      sourceId: 'approve',
      amount: { amount: balance.toString(), currency: 'KRW' },
    },
  });
  return { customerId, walletId: createWallet.id };
}

/** A wallet payment without a key, as PayFromAccountBatcher takes it. */
export function walletItem(merchant: string, holder: WalletHolder, amount: string): PayFromAccountItem {
  return {
    merchant,
    customer: holder.customerId,
    method: 'wallet',
    accountKind: 'wallet',
    source: holder.walletId,
    amount,
    currency: 'KRW',
    description: null,
    metadata: [],
    idemScope: null,
    idemKey: null,
    idemOperation: null,
    idemHash: null,
  };
}
