import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { tablesHolding } from '../../../core/testing/raw-tables.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { receiptsFixture } from './fixtures/profile-purposes.plugin.ts';

// Customer profiles (issue 11): optional personal fields, each sealed under the customer's own
// subject key, readable through the API by the merchant and the customer, unreadable everywhere
// once the key is shredded. `receiptsFixture` declares a purpose for every field (minimization:
// see profile-minimization.test.ts).

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [paymentsPlugin, receiptsFixture] });
});
afterAll(() => t?.close());

const em = () => t.gateway.database.em.fork();

const PROFILE = 'profile { name email phone birthDate countryOfResidence }';
const CREATE = `mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    __typename ... on Customer { id ${PROFILE} } ... on Error { code message } ... on ValidationError { field }
  }
}`;
const SET = `mutation($id: ID!, $profile: CustomerProfileInput!) {
  setCustomerProfile(customerId: $id, profile: $profile) {
    __typename ... on Customer { id ${PROFILE} } ... on Error { code message } ... on ValidationError { field }
  }
}`;

interface Profile {
  name: string | null;
  email: string | null;
  phone: string | null;
  birthDate: string | null;
  countryOfResidence: string | null;
}
interface Result {
  __typename: string;
  id?: string;
  profile?: Profile;
  code?: string;
  field?: string;
}

const ALICE = {
  name: 'Alice Liddell-Profile',
  email: 'alice.profile@example.org',
  phone: '+821098765432',
  birthDate: '1990-04-01',
  countryOfResidence: 'KR',
};

async function createCustomer(client: HttpGraphQLClient, input: Record<string, unknown>): Promise<Result> {
  return (await client.data<{ createCustomer: Result }>(CREATE, { input })).createCustomer;
}

const merchantIn = (country: string | null) => t.createMerchant('M', country ? { country } : {});

describe('customer profiles', () => {
  test('a merchant stores a profile; it reads back clear through the API and sealed in the table', async () => {
    const { client } = await merchantIn(null);
    const created = await createCustomer(client, {
      customerRef: 'alice',
      jurisdiction: 'KR',
      profile: ALICE,
    });
    expect(created).toMatchObject({ __typename: 'Customer', profile: ALICE });
    const [row] = await query<Record<string, string>>(em(), 'select * from customer where id = ?', [
      created.id,
    ]);
    for (const column of ['name', 'email', 'phone', 'birth_date', 'country_of_residence']) {
      expect(row![column]).toMatch(new RegExp(`^p1\\.${row!.subject_id}\\.`));
    }
    expect(
      await tablesHolding(
        em(),
        Object.values(ALICE).filter((v) => v.length > 2),
      ),
    ).toEqual([]);
  });

  test('the customer reads its own profile; another merchant cannot reach it', async () => {
    const a = await merchantIn(null);
    const b = await merchantIn(null);
    const created = await createCustomer(a.client, {
      customerRef: 'self',
      jurisdiction: 'KR',
      profile: ALICE,
    });
    const { createCustomerSession } = await a.client.data<{ createCustomerSession: { token: string } }>(
      'mutation { createCustomerSession(customerRef: "self") { ... on CreatedCustomerSession { token } } }',
    );
    const self = a.client.withToken(createCustomerSession.token);
    const own = await self.data<{ customer: Result }>(
      `query($id: ID!) { customer(id: $id) { __typename ... on Customer { ${PROFILE} } } }`,
      { id: created.id },
    );
    expect(own.customer.profile).toEqual(ALICE);
    const other = await b.client.data<{ setCustomerProfile: Result }>(SET, {
      id: created.id,
      profile: { name: 'Mallory' },
    });
    expect(other.setCustomerProfile).toMatchObject({ __typename: 'NotFoundError' });
  });

  test('setCustomerProfile sets given fields, keeps absent ones and clears nulls', async () => {
    const { client } = await merchantIn(null);
    const created = await createCustomer(client, { customerRef: 'later', jurisdiction: 'DE' });
    expect(created.profile).toEqual({
      name: null,
      email: null,
      phone: null,
      birthDate: null,
      countryOfResidence: null,
    });
    const first = await client.data<{ setCustomerProfile: Result }>(SET, {
      id: created.id,
      profile: { name: 'Bob', email: 'bob@example.org' },
    });
    expect(first.setCustomerProfile.profile).toMatchObject({ name: 'Bob', email: 'bob@example.org' });
    const second = await client.data<{ setCustomerProfile: Result }>(SET, {
      id: created.id,
      profile: { email: null, countryOfResidence: 'FR' },
    });
    expect(second.setCustomerProfile.profile).toEqual({
      name: 'Bob',
      email: null,
      phone: null,
      birthDate: null,
      countryOfResidence: 'FR',
    });
  });

  test('a malformed field is a ValidationError naming it, and nothing is stored', async () => {
    const { client } = await merchantIn(null);
    const bad: [string, string][] = [
      ['email', 'not-an-address'],
      ['phone', '010-1234-5678'],
      ['birthDate', '2999-01-01'],
      ['birthDate', '1990-02-30'],
      ['countryOfResidence', 'XX'],
      ['name', 'x'.repeat(201)],
    ];
    for (const [field, value] of bad) {
      const result = await createCustomer(client, {
        customerRef: `bad-${field}`,
        jurisdiction: 'KR',
        profile: { [field]: value },
      });
      expect(result).toMatchObject({ __typename: 'ValidationError', field: `profile.${field}` });
    }
    const { customers } = await client.data<{ customers: { edges: unknown[] } }>(
      '{ customers { edges { node { id } } } }',
    );
    expect(customers.edges).toEqual([]);
  });

  test('an operator records where a merchant is established; a code that is no country is refused', async () => {
    const created = await t.operator.data<{
      createMerchant: { __typename: string; country?: string; field?: string };
    }>(
      'mutation($c: String) { createMerchant(name: "EU shop", country: $c) { __typename ... on Merchant { country } ... on ValidationError { field } } }',
      { c: 'FR' },
    );
    expect(created.createMerchant).toEqual({ __typename: 'Merchant', country: 'FR' });
    const refused = await t.operator.data<{ createMerchant: { __typename: string; field?: string } }>(
      'mutation { createMerchant(name: "Nowhere", country: "XX") { __typename ... on ValidationError { field } } }',
    );
    expect(refused.createMerchant).toEqual({ __typename: 'ValidationError', field: 'country' });
  });

  test('profileFacts gives consent and the packs clear facts, falling back to the jurisdiction', async () => {
    const { client, merchantId } = await merchantIn('DE');
    const full = await createCustomer(client, { customerRef: 'facts', jurisdiction: 'KR', profile: ALICE });
    const bare = await createCustomer(client, { customerRef: 'bare', jurisdiction: 'US-CA' });
    const facts = t.gateway.services.payments.customers;
    const ctx = merchantContext(merchantId);
    expect(await facts.profileFacts(ctx, full.id!)).toEqual({
      countryOfResidence: 'KR',
      birthDate: '1990-04-01',
      merchantCountry: 'DE',
    });
    expect(await facts.profileFacts(ctx, bare.id!)).toEqual({
      countryOfResidence: 'US-CA',
      birthDate: null,
      merchantCountry: 'DE',
    });
    const other = await merchantIn(null);
    await expect(facts.profileFacts(merchantContext(other.merchantId), full.id!)).rejects.toThrow(
      /not found/,
    );
  });

  test('shredding the subject’s key makes every profile field unreadable, through the API too', async () => {
    const { client, merchantId } = await merchantIn(null);
    const created = await createCustomer(client, {
      customerRef: 'erase-me',
      jurisdiction: 'KR',
      profile: ALICE,
    });
    const keys = t.gateway.services.privacy.keys;
    const subjectId = await keys.findSubjectId(em(), { merchantId, customerRef: 'erase-me' });
    expect(subjectId).not.toBeNull();
    expect(await keys.shred(em(), subjectId!)).toBe(true);
    const { customer } = await client.data<{ customer: Result }>(
      `query($id: ID!) { customer(id: $id) { ... on Customer { ${PROFILE} } } }`,
      { id: created.id },
    );
    expect(customer.profile).toEqual({
      name: null,
      email: null,
      phone: null,
      birthDate: null,
      countryOfResidence: null,
    });
    const facts = await t.gateway.services.payments.customers.profileFacts(
      merchantContext(merchantId),
      created.id!,
    );
    expect(facts.birthDate).toBeNull();
    // Nothing can be stored for an erased customer: a typed error, not a server error.
    const refused = await client.data<{ setCustomerProfile: Result }>(SET, {
      id: created.id,
      profile: { name: 'Back Again' },
    });
    expect(refused.setCustomerProfile).toMatchObject({ __typename: 'ValidationError', field: 'customerId' });
  });
});

function merchantContext(merchantId: string) {
  return {
    em: em(),
    services: t.gateway.services,
    principal: { kind: 'merchant' as const, keyId: 'test', merchantId },
  } as unknown as Parameters<typeof t.gateway.services.payments.customers.profileFacts>[0];
}
