import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { tablesHolding } from '../../../core/testing/raw-tables.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { fakeFactor } from '../../core/enablement/fixtures/fake-factor.plugin.ts';
import { setPluginEnabled } from '../../core/enablement/support.ts';
import { newsletterFixture } from './fixtures/profile-purposes.plugin.ts';

// Minimization (issue 11): a merchant may store the profile fields the purposes enabled for it
// need, and no other. Here `countryOfResidence` is needed by the kernel's `applicable-law`
// (always on), `email` and `name` only by `test-newsletter` (a per-merchant plugin, off by
// default), and no installed purpose needs `phone` or `birthDate`.

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [paymentsPlugin, fakeFactor, newsletterFixture] });
  await t.operator.data('mutation { proveFakeFactor { expiresAt } }');
});
afterAll(() => t?.close());

const em = () => t.gateway.database.em.fork();

const CREATE = `mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    __typename
    ... on Customer { id profile { email countryOfResidence } }
    ... on ProfileFieldNotAllowed { code field purposes message }
  }
}`;
const SET = `mutation($id: ID!, $profile: CustomerProfileInput!) {
  setCustomerProfile(customerId: $id, profile: $profile) {
    __typename
    ... on Customer { profile { name email countryOfResidence } }
    ... on ProfileFieldNotAllowed { field purposes }
  }
}`;
interface Result {
  __typename: string;
  id?: string;
  profile?: Record<string, string | null>;
  code?: string;
  field?: string;
  purposes?: string[];
  message?: string;
}

const create = async (client: HttpGraphQLClient, input: Record<string, unknown>) =>
  (await client.data<{ createCustomer: Result }>(CREATE, { input })).createCustomer;

const customerCount = async (client: HttpGraphQLClient) =>
  (await client.data<{ customers: { edges: unknown[] } }>('{ customers { edges { node { id } } } }'))
    .customers.edges.length;

describe('profile minimization', () => {
  test('a field no enabled purpose needs is refused, naming the field and the purpose it lacks; nothing is stored', async () => {
    const { client } = await t.createMerchant();
    const refused = await create(client, {
      customerRef: 'min-1',
      jurisdiction: 'KR',
      profile: { email: 'minimize.me@example.org', countryOfResidence: 'KR' },
    });
    expect(refused).toMatchObject({
      __typename: 'ProfileFieldNotAllowed',
      code: 'PROFILE_FIELD_NOT_ALLOWED',
      field: 'email',
      purposes: ['test-newsletter'],
    });
    expect(refused.message).toMatch(/"email".*"test-newsletter"/);
    expect(await customerCount(client)).toBe(0);
    expect(await tablesHolding(em(), ['minimize.me@example.org', 'min-1'])).toEqual([]);

    const noPurpose = await create(client, {
      customerRef: 'min-2',
      jurisdiction: 'KR',
      profile: { phone: '+821012345678' },
    });
    expect(noPurpose).toMatchObject({ __typename: 'ProfileFieldNotAllowed', field: 'phone', purposes: [] });
    expect(await customerCount(client)).toBe(0);
  });

  test('what an always-on purpose needs is accepted; clearing a field is always allowed', async () => {
    const { client } = await t.createMerchant();
    const created = await create(client, {
      customerRef: 'min-3',
      jurisdiction: 'KR',
      profile: { countryOfResidence: 'KR', email: null },
    });
    expect(created).toMatchObject({
      __typename: 'Customer',
      profile: { countryOfResidence: 'KR', email: null },
    });
  });

  test('enabling the plugin that declares the purpose lets that merchant, and only it, store the field', async () => {
    const a = await t.createMerchant('A');
    const b = await t.createMerchant('B');
    const purposesOf = async (client: HttpGraphQLClient, merchantId: string) =>
      (
        await client.data<{
          profilePurposes: { purposes: { name: string; enabled: boolean; fields: string[] }[] };
        }>(
          'query($m: ID!) { profilePurposes(merchantId: $m) { ... on MerchantProfilePurposes { purposes { name enabled fields } } } }',
          { m: merchantId },
        )
      ).profilePurposes.purposes;
    expect(await purposesOf(a.client, a.merchantId)).toEqual([
      { name: 'applicable-law', enabled: true, fields: ['countryOfResidence'] },
      { name: 'test-newsletter', enabled: false, fields: ['email', 'name'] },
    ]);

    expect(
      await setPluginEnabled(t.operator, a.merchantId, 'test-newsletter', true, 'newsletter'),
    ).toMatchObject({ enabled: true });
    expect((await purposesOf(a.client, a.merchantId)).map((p) => p.enabled)).toEqual([true, true]);
    const input = { jurisdiction: 'FR', profile: { email: 'news@example.org', countryOfResidence: 'FR' } };
    expect(await create(a.client, { customerRef: 'min-4', ...input })).toMatchObject({
      __typename: 'Customer',
      profile: { email: 'news@example.org' },
    });
    expect(await create(b.client, { customerRef: 'min-4', ...input })).toMatchObject({
      __typename: 'ProfileFieldNotAllowed',
      field: 'email',
    });
    expect(await customerCount(b.client)).toBe(0);

    // Another merchant's purposes are not visible to a merchant.
    const probe = await b.client.request(
      'query($m: ID!) { profilePurposes(merchantId: $m) { __typename } }',
      {
        m: a.merchantId,
      },
    );
    expect(probe.data).toEqual({ profilePurposes: { __typename: 'NotFoundError' } });
  });

  test('setCustomerProfile refuses the same way and leaves the stored profile as it was', async () => {
    const { client, merchantId } = await t.createMerchant();
    const created = await create(client, {
      customerRef: 'min-5',
      jurisdiction: 'DE',
      profile: { countryOfResidence: 'DE' },
    });
    const { setCustomerProfile } = await client.data<{ setCustomerProfile: Result }>(SET, {
      id: created.id,
      profile: { countryOfResidence: 'AT', name: 'Not Needed' },
    });
    expect(setCustomerProfile).toMatchObject({ __typename: 'ProfileFieldNotAllowed', field: 'name' });
    const { customer } = await client.data<{ customer: Result }>(
      'query($id: ID!) { customer(id: $id) { ... on Customer { profile { name countryOfResidence } } } }',
      { id: created.id },
    );
    expect(customer.profile).toEqual({ name: null, countryOfResidence: 'DE' });

    // Once an operator turns the purpose off again, the field is refused again.
    await setPluginEnabled(t.operator, merchantId, 'test-newsletter', true, 'on');
    const allowed = await client.data<{ setCustomerProfile: Result }>(SET, {
      id: created.id,
      profile: { name: 'Needed Now' },
    });
    expect(allowed.setCustomerProfile.profile).toMatchObject({
      name: 'Needed Now',
      countryOfResidence: 'DE',
    });
    await setPluginEnabled(t.operator, merchantId, 'test-newsletter', false, 'off');
    const again = await client.data<{ setCustomerProfile: Result }>(SET, {
      id: created.id,
      profile: { name: 'Needed Again' },
    });
    expect(again.setCustomerProfile).toMatchObject({ __typename: 'ProfileFieldNotAllowed', field: 'name' });
  });
});
