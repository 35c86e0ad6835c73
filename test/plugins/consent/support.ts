import type { RequestContext } from '../../../core/plugin-api.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { consentPluginWith } from '../../../plugins/consent/index.ts';
import { readSubjectFacts } from '../../../plugins/consent/subject-facts.ts';
import { cpraPlugin } from '../../../plugins/cpra/index.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { gdprPlugin } from '../../../plugins/gdpr/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { pipaPlugin } from '../../../plugins/pipa/index.ts';

/** The three regulation packs: consent reads the children's ages and GPC from them. */
export const REGULATION_PACKS = [gdprPlugin, cpraPlugin, pipaPlugin];

/**
 * Birth dates by customerRef, for tests that set one without a customer profile; a birth date
 * set here overrides the profile's. Otherwise consent reads the profile (createCustomer below).
 */
export const birthDates = new Map<string, string>();

/** A gateway with consent and the three packs; birth dates come from the customer profile. */
export function consentGateway(): Promise<TestGateway> {
  const consent = consentPluginWith(async (ctx, subject) => {
    const facts = await readSubjectFacts(ctx, subject);
    return { ...facts, birthDate: birthDates.get(subject.customerRef) ?? facts.birthDate };
  });
  return createTestGateway({ plugins: [eventsPlugin, paymentsPlugin, consent, ...REGULATION_PACKS] });
}

/** A date `years` years before today (minus `days` days), as YYYY-MM-DD. */
export function bornYearsAgo(years: number, days = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** A customer of the shop; a birth date is stored in its profile (consent's `age-of-consent` purpose). */
export async function createCustomer(
  shop: HttpGraphQLClient,
  customerRef: string,
  jurisdiction: string,
  birthDate?: string,
) {
  const { createCustomer } = await shop.data<{ createCustomer: { id: string } }>(
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ... on Customer { id } } }',
    { input: { customerRef, jurisdiction, ...(birthDate ? { profile: { birthDate } } : {}) } },
  );
  return createCustomer.id;
}

/** A customer session's client; `t` is the test gateway, or anything that makes a client for a token. */
export async function customerSession(
  t: Pick<TestGateway, 'http'>,
  shop: HttpGraphQLClient,
  customerRef: string,
) {
  const { createCustomerSession } = await shop.data<{ createCustomerSession: { token: string } }>(
    'mutation($r: String!) { createCustomerSession(customerRef: $r) { ... on CreatedCustomerSession { token } } }',
    { r: customerRef },
  );
  return t.http(createCustomerSession.token);
}

export interface PurposeInput {
  id: string;
  mandatory: boolean;
  items: string[];
  sellsOrShares?: boolean;
}

export async function publishNotice(
  shop: HttpGraphQLClient,
  input: { key?: string; language: string; territories: string[]; purposes: PurposeInput[]; title?: string },
): Promise<{ id: string; version: number; contentHash: string }> {
  const { publishConsentNotice } = await shop.data<{
    publishConsentNotice: {
      __typename: string;
      id: string;
      version: number;
      contentHash: string;
      message?: string;
    };
  }>(
    `mutation($input: PublishConsentNoticeInput!) { publishConsentNotice(input: $input) {
      __typename ... on ConsentNotice { id version contentHash } ... on Error { message } } }`,
    {
      input: {
        key: input.key ?? 'checkout',
        language: input.language,
        territories: input.territories,
        title: input.title ?? 'Personal information',
        purposes: input.purposes.map((p) => ({
          ...p,
          description: `use for ${p.id}`,
          retention: '1 year after the last purchase',
          refusalConsequence: p.mandatory ? 'no purchase is possible' : `no ${p.id}; purchases work the same`,
        })),
      },
    },
  );
  if (publishConsentNotice.__typename !== 'ConsentNotice') throw new Error(publishConsentNotice.message);
  return publishConsentNotice;
}

/** A receipt's fields, for lists (no error members). */
export const RECEIPT_FIELDS = `__typename
  ... on ConsentReceipt {
    id sequence noticeKey noticeVersion noticeHash language method collectionPoint jurisdiction
    recordedBy recordedAt previousHash hash guardianVerification
    guardian { name relationship contact }
    conflict { purposes overrode }
    decisions { purpose state mandatory sellsOrShares items retention }
  }`;

/** A receipt or the errors of a decision. */
export const RECEIPT = `${RECEIPT_FIELDS}
  ... on Error { code message }
  ... on ValidationError { field }
  ... on GuardianConsentRequired { law minimumAge article }
  ... on MinorOptInRequired { law minimumAge article }
  ... on RegulationPackDisabled { law disabledIn: jurisdiction }`;

export interface Receipt {
  __typename: string;
  id: string;
  sequence: number;
  noticeVersion: number;
  noticeHash: string;
  method: string;
  jurisdiction: string | null;
  previousHash: string | null;
  hash: string;
  guardian: { name: string; relationship: string; contact: string | null } | null;
  guardianVerification: string | null;
  conflict: { purposes: string[]; overrode: string[] } | null;
  decisions: { purpose: string; state: string; mandatory: boolean; items: string[] }[];
  code?: string;
  field?: string;
  law?: string;
  minimumAge?: number;
  article?: string;
}

/** `client.data` with request headers (Sec-GPC). */
export async function dataWith<T>(
  client: HttpGraphQLClient,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<T> {
  const result = await client.request<T>(query, variables, { headers });
  if (result.errors?.length || !result.data)
    throw new Error(`GraphQL failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export async function giveConsent(
  client: HttpGraphQLClient,
  input: { noticeId: string; decisions: { purpose: string; granted: boolean }[]; customerRef?: string },
  headers?: Record<string, string>,
): Promise<Receipt> {
  const { giveConsent } = await dataWith<{ giveConsent: Receipt }>(
    client,
    `mutation($input: GiveConsentInput!) { giveConsent(input: $input) { ${RECEIPT} } }`,
    { input: { collectionPoint: 'privacy page', ...input } },
    headers,
  );
  return giveConsent;
}

export async function consentState(
  client: HttpGraphQLClient,
  headers?: Record<string, string>,
  customerRef?: string,
) {
  const { consentState } = await dataWith<{
    consentState: {
      data: {
        purpose: string;
        granted: boolean;
        method: string;
        gpcConflict: boolean;
        noticeVersion: number;
      }[];
    };
  }>(
    client,
    'query($r: String) { consentState(customerRef: $r) { ... on QueryConsentStateSuccess { data { purpose granted method gpcConflict noticeVersion } } } }',
    { r: customerRef },
    headers,
  );
  return consentState.data;
}

export async function receipts(client: HttpGraphQLClient, customerRef?: string): Promise<Receipt[]> {
  const { consentReceipts } = await client.data<{ consentReceipts: { data: Receipt[] } }>(
    `query($r: String) { consentReceipts(customerRef: $r) { ... on QueryConsentReceiptsSuccess { data { ${RECEIPT_FIELDS} } } } }`,
    { r: customerRef },
  );
  return consentReceipts.data;
}

/** `services.consent.allows` as a plugin in the gateway asks it, on behalf of the merchant. */
export function allows(
  t: TestGateway,
  merchantId: string,
  customerRef: string,
  purpose: string,
): Promise<boolean> {
  const ctx = {
    principal: { kind: 'merchant', merchantId, keyId: 'test' },
    em: t.gateway.database.em.fork(),
  } as unknown as RequestContext;
  return t.gateway.services.consent.allows(ctx, { merchantId, customerRef }, purpose);
}
