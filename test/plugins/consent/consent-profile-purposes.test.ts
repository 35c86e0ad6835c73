import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/plugin-api.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { allows, consentGateway, createCustomer, giveConsent, publishNotice } from './support.ts';

// Minimization with consent (issue 11): name, email and phone are needed only by the consent
// plugin's `marketing` purpose, whose basis is consent. A merchant may store them for a customer
// that has consented to the notice purpose `marketing`, and for no other; the refusal names the
// purpose and says the consent is what lacks.

let t: TestGateway;
beforeAll(async () => {
  t = await consentGateway();
});
afterAll(() => t?.close());

const PURPOSES = [
  { id: 'payment', mandatory: true, items: ['payment record'] },
  { id: 'marketing', mandatory: false, items: ['name', 'email', 'phone'] },
];

interface Refusal {
  __typename: string;
  field?: string;
  purposes?: string[];
  consentMissing?: boolean;
  message?: string;
  profile?: Record<string, string | null>;
}
const OUTCOME = `__typename
  ... on Customer { profile { name email phone } }
  ... on ProfileFieldNotAllowed { field purposes consentMissing message }`;

const setProfile = async (shop: HttpGraphQLClient, id: string, profile: Record<string, string | null>) =>
  (
    await shop.data<{ setCustomerProfile: Refusal }>(
      `mutation($id: ID!, $p: CustomerProfileInput!) { setCustomerProfile(customerId: $id, profile: $p) { ${OUTCOME} } }`,
      { id, p: profile },
    )
  ).setCustomerProfile;

const profileOf = async (shop: HttpGraphQLClient, id: string) =>
  (
    await shop.data<{ customer: { profile: Record<string, string | null> } }>(
      'query($id: ID!) { customer(id: $id) { ... on Customer { profile { name email phone } } } }',
      { id },
    )
  ).customer.profile;

describe('profile fields for a consent-based purpose', () => {
  test('refused before the customer consents to marketing, naming the purpose; nothing stored', async () => {
    const { client: shop } = await t.createMerchant();
    await publishNotice(shop, { language: 'en', territories: ['FR'], purposes: PURPOSES });
    const { createCustomer: refused } = await shop.data<{ createCustomer: Refusal }>(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ${OUTCOME} } }`,
      { input: { customerRef: 'anna', jurisdiction: 'FR', profile: { email: 'anna@example.org' } } },
    );
    expect(refused).toMatchObject({
      __typename: 'ProfileFieldNotAllowed',
      field: 'email',
      purposes: ['marketing'],
      consentMissing: true,
    });
    expect(refused.message).toMatch(/consent to "marketing"/);
    const { customers } = await shop.data<{ customers: { edges: unknown[] } }>(
      '{ customers { edges { node { id } } } }',
    );
    expect(customers.edges).toEqual([]);
  });

  test('accepted once the customer consents; refused again after a refusal, for that customer only', async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const notice = await publishNotice(shop, { language: 'en', territories: ['FR'], purposes: PURPOSES });
    const anna = await createCustomer(shop, 'anna', 'FR');
    const ben = await createCustomer(shop, 'ben', 'FR');
    await giveConsent(shop, {
      customerRef: 'anna',
      noticeId: notice.id,
      decisions: [
        { purpose: 'payment', granted: true },
        { purpose: 'marketing', granted: true },
      ],
    });
    expect(await allows(t, merchantId, 'anna', 'marketing')).toBe(true);

    const contact = { name: 'Anna Martin', email: 'anna@example.org', phone: '+33612345678' };
    expect(await setProfile(shop, anna, contact)).toEqual({ __typename: 'Customer', profile: contact });
    expect(await setProfile(shop, ben, { phone: '+33687654321' })).toMatchObject({
      __typename: 'ProfileFieldNotAllowed',
      field: 'phone',
      purposes: ['marketing'],
      consentMissing: true,
    });
    expect(await profileOf(shop, ben)).toEqual({ name: null, email: null, phone: null });

    // Anna changes her mind: what only marketing let the merchant keep is cleared, and the next value is refused.
    await giveConsent(shop, {
      customerRef: 'anna',
      noticeId: notice.id,
      decisions: [
        { purpose: 'payment', granted: true },
        { purpose: 'marketing', granted: false },
      ],
    });
    expect(await profileOf(shop, anna)).toEqual({ name: null, email: null, phone: null });
    expect(await setProfile(shop, anna, { email: 'new@example.org' })).toMatchObject({
      __typename: 'ProfileFieldNotAllowed',
      field: 'email',
      consentMissing: true,
    });
    // Clearing is always allowed.
    expect(await setProfile(shop, anna, { email: null })).toMatchObject({ __typename: 'Customer' });
  });

  test('withdrawing marketing clears the contact details only it let the merchant keep; the birth date stays', async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const notice = await publishNotice(shop, { language: 'en', territories: ['FR'], purposes: PURPOSES });
    const cleo = await createCustomer(shop, 'cleo', 'FR');
    const dan = await createCustomer(shop, 'dan', 'FR');
    for (const customerRef of ['cleo', 'dan']) {
      await giveConsent(shop, {
        customerRef,
        noticeId: notice.id,
        decisions: [
          { purpose: 'payment', granted: true },
          { purpose: 'marketing', granted: true },
        ],
      });
    }
    const contact = { name: 'Cléo Petit', email: 'cleo@example.org', phone: '+33611111111' };
    expect(await setProfile(shop, cleo, contact)).toMatchObject({ __typename: 'Customer' });
    expect(await setProfile(shop, dan, { email: 'dan@example.org' })).toMatchObject({
      __typename: 'Customer',
    });
    // The birth date rests on the contract (minors' rules), not on marketing.
    expect(await setProfile(shop, cleo, { birthDate: '1990-04-02' })).toMatchObject({
      __typename: 'Customer',
    });

    const { withdrawConsent } = await shop.data<{ withdrawConsent: { receipts: unknown[] } }>(
      'mutation { withdrawConsent(input: { customerRef: "cleo", purposes: ["marketing"], collectionPoint: "privacy page" }) { ... on ConsentWithdrawal { receipts { id } } } }',
    );
    expect(withdrawConsent.receipts).toHaveLength(1);
    expect(await allows(t, merchantId, 'cleo', 'marketing')).toBe(false);
    expect(await profileOf(shop, cleo)).toEqual({ name: null, email: null, phone: null });
    const { customer } = await shop.data<{ customer: { profile: { birthDate: string | null } } }>(
      'query($id: ID!) { customer(id: $id) { ... on Customer { profile { birthDate } } } }',
      { id: cleo },
    );
    expect(customer.profile.birthDate).toBe('1990-04-02');
    // Cleared at rest, not only hidden: the sealed columns are empty.
    const [row] = await query<{ name: string | null; email: string | null; phone: string | null }>(
      t.gateway.database.em.fork(),
      'select name, email, phone from customer where id = ?',
      [cleo],
    );
    expect(row).toEqual({ name: null, email: null, phone: null });
    // Another customer's consent and details are untouched.
    expect(await profileOf(shop, dan)).toEqual({ name: null, email: 'dan@example.org', phone: null });
  });

  test('the purposes a merchant sees say which rest on consent', async () => {
    const { client: shop, merchantId } = await t.createMerchant();
    const { profilePurposes } = await shop.data<{
      profilePurposes: { purposes: { name: string; basis: string; fields: string[]; enabled: boolean }[] };
    }>(
      'query($m: ID!) { profilePurposes(merchantId: $m) { ... on MerchantProfilePurposes { purposes { name basis fields enabled } } } }',
      { m: merchantId },
    );
    expect(profilePurposes.purposes).toContainEqual({
      name: 'marketing',
      basis: 'consent',
      fields: ['name', 'email', 'phone'],
      enabled: true,
    });
  });
});
