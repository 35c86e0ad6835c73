import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import type { MethodOutcome } from '../../../plugins/payments/payment-method.ts';

export { everyRowAsText, krw, methodCall } from '../sandbox-card/support.ts';

export const START = `mutation($input: StartCarrierVerificationInput!) {
  startCarrierVerification(input: $input) {
    __typename
    ... on CarrierVerification { id maskedPhoneNumber expiresAt }
    ... on Error { code message }
    ... on ValidationError { field }
    ... on CarrierVerificationError { reason }
  }
}`;

export const CONFIRM = `mutation($id: ID!, $code: String!) {
  confirmCarrierVerification(id: $id, code: $code) {
    __typename
    ... on CarrierBillingSource { id carrier maskedPhoneNumber }
    ... on Error { code message }
    ... on CarrierVerificationError { reason attemptsLeft }
  }
}`;

export const OUTBOX = `query($phone: String!, $last: Int) {
  carrierSandboxOutbox(phoneNumber: $phone, last: $last) {
    __typename
    ... on CarrierSandboxInbox { messages { purpose reference text code expiresAt } }
    ... on ValidationError { field }
  }
}`;

export interface SandboxMessage {
  purpose: string;
  reference: string;
  text: string;
  code: string;
}

/** A fresh 010 number, so each test has its own phone line and its own monthly cap. */
export const newPhoneNumber = () => `010${randomInt(10_000_000, 100_000_000)}`;

export async function outbox(t: TestGateway, phone: string, last = 100): Promise<SandboxMessage[]> {
  const result = await t.operator.data<{ carrierSandboxOutbox: { messages: SandboxMessage[] } }>(OUTBOX, {
    phone,
    last,
  });
  return result.carrierSandboxOutbox.messages;
}

export async function codeFor(t: TestGateway, phone: string, reference: string): Promise<string> {
  const message = (await outbox(t, phone)).find((m) => m.reference === reference);
  if (!message) throw new Error(`no text for ${reference}`);
  return message.code;
}

/** The customer a merchant key verifies phones for when a test does not name one. */
export const PHONE_HOLDER = 'phone-holder';

/**
 * Verifies a phone the way a checkout page does: start, read the text, confirm. A merchant key
 * names the customer whose phone it is (`customerRef`); a customer session passes null.
 */
export async function verifiedSource(
  t: TestGateway,
  client: HttpGraphQLClient,
  phone = newPhoneNumber(),
  customerRef: string | null = PHONE_HOLDER,
): Promise<{ sourceId: string; phone: string }> {
  const started = await client.data<{ startCarrierVerification: { id: string } }>(START, {
    input: { phoneNumber: phone, carrier: 'SKT', ...(customerRef === null ? {} : { customerRef }) },
  });
  const { id } = started.startCarrierVerification;
  const confirmed = await client.data<{ confirmCarrierVerification: { __typename: string; id: string } }>(
    CONFIRM,
    {
      id,
      code: await codeFor(t, phone, id),
    },
  );
  expect(confirmed.confirmCarrierVerification.__typename).toBe('CarrierBillingSource');
  return { sourceId: confirmed.confirmCarrierVerification.id, phone };
}

export const referenceOf = (outcome: MethodOutcome) =>
  ('reference' in outcome ? outcome.reference : undefined)!;

export async function usageRow(t: TestGateway, sourceId: string): Promise<{ month: string; used: bigint }[]> {
  const rows = await t.gateway.database.em.fork().execute<{ month: string; used: string }[]>(
    `select u.month, u.used from carrier_monthly_usage u
     join carrier_billing_source s on s.subscriber_id = u.subscriber_id where s.id = ? order by u.month`,
    [sourceId],
  );
  return rows.map((r) => ({ month: r.month, used: BigInt(r.used) }));
}
