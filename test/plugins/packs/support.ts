import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { consentPluginWith } from '../../../plugins/consent/index.ts';
import { readSubjectFacts } from '../../../plugins/consent/subject-facts.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { fakeFactor } from '../../core/enablement/fixtures/fake-factor.plugin.ts';
import { birthDates, REGULATION_PACKS } from '../consent/support.ts';
import { createFakeAcquirer } from '../payments/fake-acquirer.ts';
import { CREATE_PAYMENT, mutate } from '../payments/support.ts';

/**
 * Consent (birth dates through the test seam, as in its own tests), the three packs, a card
 * network for payments and a second factor every operator must prove before switching a pack.
 */
export async function packsGateway(): Promise<TestGateway> {
  const consent = consentPluginWith(async (ctx, subject) => ({
    ...(await readSubjectFacts(ctx, subject)),
    birthDate: birthDates.get(subject.customerRef) ?? null,
  }));
  const network = createFakeAcquirer();
  const t = await createTestGateway({
    plugins: [eventsPlugin, paymentsPlugin, network.plugin, consent, fakeFactor, ...REGULATION_PACKS],
  });
  await t.operator.data('mutation { proveFakeFactor { expiresAt } }');
  return t;
}

export interface LawView {
  law: string;
  title: string;
  because: string;
  enabled: boolean | null;
  rules: { id: string; kind: string; statement: string; article: string }[];
}

export async function privacyRules(
  client: HttpGraphQLClient,
  args: { jurisdiction: string; establishment?: string; merchantId?: string },
): Promise<{ __typename: string; data?: LawView[]; field?: string; resource?: string }> {
  const { privacyRules } = await client.data<{
    privacyRules: { __typename: string; data?: LawView[]; field?: string };
  }>(
    `query($j: String!, $e: String, $m: ID) { privacyRules(jurisdiction: $j, establishment: $e, merchantId: $m) {
      __typename
      ... on QueryPrivacyRulesSuccess { data { law title because enabled rules { id kind statement article } } }
      ... on ValidationError { field }
      ... on NotFoundError { resource }
    } }`,
    { j: args.jurisdiction, e: args.establishment, m: args.merchantId },
  );
  return privacyRules;
}

/** A card payment of 10.00 USD for a customer: what a pack must never block. */
export async function pay(shop: HttpGraphQLClient, customerId: string) {
  return mutate(shop, CREATE_PAYMENT, {
    input: {
      customerId,
      method: 'test-card',
      sourceId: 'approve',
      amount: { amount: '1000', currency: 'USD' },
    },
  });
}
