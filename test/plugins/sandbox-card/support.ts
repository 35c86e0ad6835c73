import { randomUUID } from 'node:crypto';
import { money } from '../../../core/money/money.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { rawTables } from '../../../core/testing/raw-tables.ts';
import type { MethodCall } from '../../../plugins/payments/payment-method.ts';

export const TOKENIZE = `mutation($input: TokenizeSandboxCardInput!) {
  tokenizeSandboxCard(input: $input) {
    __typename
    ... on SandboxCardToken { id brand last4 expMonth expYear }
    ... on ValidationError { code field message }
  }
}`;

export interface TokenResult {
  __typename: string;
  id?: string;
  brand?: string;
  last4?: string;
  field?: string;
  code?: string;
}

/** What the engine hands a method for one call: a fresh EntityManager and a new operation key. */
export function methodCall(t: TestGateway, merchantId: string): MethodCall {
  return {
    paymentId: randomUUID(),
    merchantId,
    subjectId: null,
    operationKey: randomUUID(),
    em: t.gateway.database.em.fork(),
    log: t.gateway.log,
  };
}

export const krw = (amount: number | bigint) => money(BigInt(amount), 'KRW');

/** Every row of every table as text, to prove what is not stored anywhere. */
export async function everyRowAsText(t: TestGateway): Promise<string> {
  return [...(await rawTables(t.gateway.database.em.fork())).values()].join('\n');
}
