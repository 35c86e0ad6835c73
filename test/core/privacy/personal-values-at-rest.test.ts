import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { tablesHolding } from '../../../core/testing/raw-tables.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { secretBinding } from '../../../plugins/totp/totp.service.ts';
import { verifiedSource } from '../../plugins/carrier-billing/support.ts';
import { receiptsFixture } from '../../plugins/payments/fixtures/profile-purposes.plugin.ts';
import { CONFIRM, codeAt, ENROLL, secretOf } from '../../plugins/totp/support.ts';

// Issue 11: every plugin's personal fields are at rest under their subject's key. One customer
// walks through every plugin that stores something about a person; then the raw tables (what a
// dump or a backup holds) must not contain any of the personal values in clear, and destroying
// the subject's key must make them unreadable everywhere.

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({
    plugins: [paymentsPlugin, sandboxCardPlugin, carrierBillingPlugin, totpPlugin, receiptsFixture],
  });
});
afterAll(() => t?.close());

const em = () => t.gateway.database.em.fork();

interface Walk {
  merchant: HttpGraphQLClient;
  merchantId: string;
  session: HttpGraphQLClient;
  customerId: string;
  customerRef: string;
  values: Record<string, string>;
}

/** A customer with a profile, a session, a card, a verified phone, a TOTP factor and a payment. */
async function walkThrough(): Promise<Walk> {
  const { client: merchant, merchantId } = await t.createMerchant();
  const customerRef = `walker-${randomUUID()}`;
  const profile = {
    name: `Walker ${randomUUID().slice(0, 8)}`,
    email: `${randomUUID().slice(0, 8)}@walk.example`,
    phone: '+821055501234',
    birthDate: '1987-06-05',
  };
  const created = await merchant.data<{ createCustomer: { id: string } }>(
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ... on Customer { id } } }',
    { input: { customerRef, jurisdiction: 'KR', profile } },
  );
  const { createCustomerSession } = await merchant.data<{ createCustomerSession: { token: string } }>(
    'mutation($r: String!) { createCustomerSession(customerRef: $r) { ... on CreatedCustomerSession { token } } }',
    { r: customerRef },
  );
  const session = t.http(createCustomerSession.token);

  const card = await session.data<{ tokenizeSandboxCard: { id: string } }>(
    'mutation($input: TokenizeSandboxCardInput!) { tokenizeSandboxCard(input: $input) { ... on SandboxCardToken { id } } }',
    { input: { number: '4242424242424242', expMonth: 1, expYear: 2031, cvc: '321' } },
  );
  const carrierPhone = (await verifiedSource(t, session, undefined, null)).phone;

  const { enrollTotp } = await session.data<{ enrollTotp: { uri: string } }>(ENROLL, {});
  const totpSecret = secretOf(enrollTotp.uri);
  const confirmed = await session.data<{ confirmTotp: { __typename: string } }>(CONFIRM, {
    code: await codeAt(totpSecret),
  });
  expect(confirmed.confirmTotp.__typename).toBe('TotpConfirmation');

  const paid = await merchant.data<{ createPayment: { __typename: string; status?: string } }>(
    `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { __typename ... on Payment { status } } }`,
    {
      input: {
        customerId: created.createCustomer.id,
        method: 'sandbox-card',
        sourceId: card.tokenizeSandboxCard.id,
        amount: { amount: '1000', currency: 'KRW' },
      },
    },
  );
  expect(paid.createPayment).toMatchObject({ __typename: 'Payment' });
  expect(paid.createPayment.status).not.toBe('failed');

  return {
    merchant,
    merchantId,
    session,
    customerId: created.createCustomer.id,
    customerRef,
    values: { customerRef, ...profile, carrierPhone, carrierPhoneTail: carrierPhone.slice(3), totpSecret },
  };
}

describe('personal values at rest', () => {
  test('after a walk through every plugin, no table holds a personal value in clear', async () => {
    const walk = await walkThrough();
    expect(await tablesHolding(em(), Object.values(walk.values))).toEqual([]);
  });

  test('shredding the subject’s key makes every personal field of that subject unreadable, everywhere', async () => {
    const walk = await walkThrough();
    const keys = t.gateway.services.privacy.keys;
    const subjectId = await keys.findSubjectId(em(), {
      merchantId: walk.merchantId,
      customerRef: walk.customerRef,
    });
    expect(subjectId).not.toBeNull();
    // Every row that stores something about the person names the same subject.
    for (const table of [
      'customer',
      'customer_session',
      'sandbox_card_token',
      'carrier_billing_source',
      'totp_factor',
    ]) {
      const [row] = await query<{ n: number }>(
        em(),
        `select count(*)::int as n from "${table}" where subject_id = ?`,
        [subjectId],
      );
      expect(row!.n, table).toBeGreaterThan(0);
    }
    const [factor] = await query<{ id: string; secret_sealed: string }>(
      em(),
      'select id, secret_sealed from totp_factor where subject_id = ?',
      [subjectId],
    );
    expect(await keys.open(em(), factor!.secret_sealed, secretBinding(factor!.id))).toBe(
      walk.values.totpSecret,
    );

    expect(await keys.shred(em(), subjectId!)).toBe(true);

    // Through the API: the customer's reference and profile read null, the session is refused.
    const { customer } = await walk.merchant.data<{ customer: Record<string, unknown> }>(
      'query($id: ID!) { customer(id: $id) { ... on Customer { customerRef profile { name email phone birthDate countryOfResidence } } } }',
      { id: walk.customerId },
    );
    expect(customer).toEqual({
      customerRef: null,
      profile: { name: null, email: null, phone: null, birthDate: null, countryOfResidence: null },
    });
    const refused = await walk.session.request('{ viewer { kind } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // At rest: the TOTP secret and every sealed value of the subject no longer open.
    expect(await keys.open(em(), factor!.secret_sealed, secretBinding(factor!.id))).toBeNull();
    expect(await keys.customerRef(em(), subjectId!)).toBeNull();
    const [sealed] = await query<Record<string, string | null>>(
      em(),
      'select name, email, phone, birth_date from customer where id = ?',
      [walk.customerId],
    );
    for (const [column, value] of Object.entries(sealed!)) {
      expect(
        await keys.open(
          em(),
          value!,
          `Customer.${column === 'birth_date' ? 'birthDate' : column}:${walk.customerId}`,
        ),
        column,
      ).toBeNull();
    }
    // A new session for the same reference is a new subject: nothing of the old one comes back.
    const again = await walk.merchant.data<{ createCustomerSession: { token: string } }>(
      'mutation($r: String!) { createCustomerSession(customerRef: $r) { ... on CreatedCustomerSession { token } } }',
      { r: walk.customerRef },
    );
    const fresh = t.http(again.createCustomerSession.token);
    const { totpFactor } = await fresh.data<{ totpFactor: unknown }>('{ totpFactor { status } }');
    expect(totpFactor).toBeNull();
    const lookedUp = await fresh.request('query($id: ID!) { customer(id: $id) { __typename } }', {
      id: walk.customerId,
    });
    expect(lookedUp.data).toEqual({ customer: { __typename: 'NotFoundError' } });
  });
});
