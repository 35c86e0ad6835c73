import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';

/** The payments API as a merchant's backend calls it (names from docs/payments.md). */
const PAYMENT = `
  __typename
  ... on Payment {
    id status method
    amount { amount currency }
    authorizedAmount { amount } capturedAmount { amount } refundedAmount { amount }
    declineReason declineMessage nextAction { type hint expiresAt }
    operations { kind status }
  }
  ... on Error { code message }
`;
const MOVED = `${PAYMENT} ... on LimitExceededError { limit { amount } remaining { amount } }`;

export const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!, $key: String) {
  createPayment(input: $input, idempotencyKey: $key) { ${MOVED} }
}`;
export const CONFIRM_PAYMENT = `mutation($id: ID!, $response: String!) {
  confirmPayment(paymentId: $id, response: $response) { ${MOVED} }
}`;
export const CAPTURE_PAYMENT = `mutation($id: ID!, $amount: MoneyInput) { capturePayment(paymentId: $id, amount: $amount) { ${MOVED} } }`;
export const VOID_PAYMENT = `mutation($id: ID!) { voidPayment(paymentId: $id) { ${MOVED} } }`;
export const REFUND_PAYMENT = `mutation($id: ID!, $amount: MoneyInput) { refundPayment(paymentId: $id, amount: $amount) { ${MOVED} } }`;
export const GET_PAYMENT = `query($id: ID!) { payment(id: $id) { ${PAYMENT} } }`;
export const RUN_JANITOR = 'mutation { runPaymentJanitor { checked } }';

export interface PaymentView {
  __typename: string;
  id: string;
  status: string;
  code?: string;
  declineReason: string | null;
  nextAction: { type: string; hint: string } | null;
  capturedAmount: { amount: string };
  refundedAmount: { amount: string };
  operations: { kind: string; status: string }[];
  limit?: { amount: string };
  remaining?: { amount: string };
}

export async function mutate(
  client: HttpGraphQLClient,
  query: string,
  variables: Record<string, unknown>,
): Promise<PaymentView> {
  const data = await client.data<Record<string, PaymentView>>(query, variables);
  return Object.values(data)[0]!;
}

export async function createCustomer(client: HttpGraphQLClient, externalRef: string): Promise<string> {
  const { createCustomer } = await client.data<{ createCustomer: { id: string } }>(
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ... on Customer { id } } }`,
    { input: { externalRef, jurisdiction: 'KR' } },
  );
  return createCustomer.id;
}

export async function ledgerIsSound(operator: HttpGraphQLClient): Promise<boolean> {
  const { verifyLedger } = await operator.data<{ verifyLedger: { ok: boolean } }>('{ verifyLedger { ok } }');
  return verifyLedger.ok;
}
