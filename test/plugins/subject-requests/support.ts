import { randomUUID } from 'node:crypto';
import { type DataSubject, definePlugin, type RequestContext } from '../../../core/plugin-api.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { consentPlugin } from '../../../plugins/consent/index.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { subjectRequestsPlugin } from '../../../plugins/subject-requests/index.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { REGULATION_PACKS } from '../consent/support.ts';

/** Every export the stand-in portability plugin was asked for, in order. */
export const exportsMade: { subject: DataSubject; kind: string; requestId: string }[] = [];

/**
 * A stand-in for plugins/portability (another branch): it records what it was asked and answers
 * with an id, which is all subject-requests needs of it (export-port.ts).
 */
const fakePortability = definePlugin({
  name: 'portability',
  version: '0.0.0',
  description: 'test stand-in for the portability plugin',
  setup: () => {
    const service = {
      createExport: async (
        _ctx: RequestContext,
        subject: DataSubject,
        o: { kind: string; requestId: string },
      ) => {
        exportsMade.push({ subject, ...o });
        return { id: randomUUID() };
      },
    };
    return { services: service as never };
  },
});

export function requestsGateway(): Promise<TestGateway> {
  return createTestGateway({
    plugins: [
      eventsPlugin,
      paymentsPlugin,
      totpPlugin,
      consentPlugin,
      ...REGULATION_PACKS,
      fakePortability,
      subjectRequestsPlugin.with({ checkIntervalSeconds: 0, claimSeconds: 60 }),
    ],
  });
}

const REQUEST_FIELDS = `__typename
  ... on SubjectRequest {
    id kind status channel filedBy receivedAt law rule acknowledgeBy acknowledgedAt dueAt overdue
    extendedAt extensionReason verifiedAt verification completedAt refusalReason customerId
    answer { done kept { what rule until } exportId note }
  }`;
export const REQUEST = `${REQUEST_FIELDS} ... on Error { code message }`;
const TRANSITION = '... on InvalidRequestTransition { currentStatus: status action }';

export interface RequestView {
  __typename: string;
  id: string;
  kind: string;
  status: string;
  channel: string;
  filedBy: string;
  receivedAt: string;
  law: string | null;
  rule: string | null;
  acknowledgeBy: string | null;
  acknowledgedAt: string | null;
  dueAt: string | null;
  overdue: boolean;
  extendedAt: string | null;
  extensionReason: string | null;
  verifiedAt: string | null;
  verification: string | null;
  completedAt: string | null;
  refusalReason: string | null;
  customerId: string | null;
  answer: {
    done: string[];
    kept: { what: string; rule: string; until: string | null }[];
    exportId: string | null;
    note: string | null;
  } | null;
  code?: string;
  message?: string;
  field?: string;
  reason?: string;
}

export async function fileRequest(
  client: HttpGraphQLClient,
  input: Record<string, unknown>,
): Promise<RequestView> {
  const { fileSubjectRequest } = await client.data<{ fileSubjectRequest: RequestView }>(
    `mutation($input: FileSubjectRequestInput!) { fileSubjectRequest(input: $input) {
      ${REQUEST} ... on ValidationError { field } ... on FinancialRecordCorrectionRefused { field } } }`,
    { input: { channel: 'web', ...input } },
  );
  return fileSubjectRequest;
}

export async function requestById(client: HttpGraphQLClient, id: string): Promise<RequestView> {
  const { subjectRequest } = await client.data<{ subjectRequest: RequestView }>(
    `query($id: ID!) { subjectRequest(id: $id) { ${REQUEST} } }`,
    { id },
  );
  return subjectRequest;
}

export async function listRequests(
  client: HttpGraphQLClient,
  args: Record<string, unknown> = {},
): Promise<RequestView[]> {
  const { subjectRequests } = await client.data<{ subjectRequests: { data: RequestView[] } }>(
    `query($statuses: [SubjectRequestStatus!], $overdue: Boolean, $merchantId: ID) {
      subjectRequests(statuses: $statuses, overdue: $overdue, merchantId: $merchantId) {
        ... on QuerySubjectRequestsSuccess { data { ${REQUEST_FIELDS} } } } }`,
    args,
  );
  return subjectRequests.data;
}

export async function mutate(
  client: HttpGraphQLClient,
  field: 'verifySubjectRequest' | 'cancelSubjectRequest',
  id: string,
) {
  return client.request<Record<string, RequestView>>(
    `mutation($id: ID!) { ${field}(id: $id) { ${REQUEST} ${TRANSITION} } }`,
    { id },
  );
}

export async function extend(client: HttpGraphQLClient, id: string, reason: string): Promise<RequestView> {
  const { extendSubjectRequest } = await client.data<{ extendSubjectRequest: RequestView }>(
    `mutation($id: ID!, $reason: String!) { extendSubjectRequest(id: $id, reason: $reason) {
      ${REQUEST} ${TRANSITION} ... on ExtensionNotAllowed { reason } } }`,
    { id, reason },
  );
  return extendSubjectRequest;
}

export async function runPass(operator: HttpGraphQLClient): Promise<{ processed: number; overdue: number }> {
  const { runSubjectRequestPass } = await operator.data<{
    runSubjectRequestPass: { processed: number; overdue: number };
  }>('mutation { runSubjectRequestPass { processed overdue } }');
  return runSubjectRequestPass;
}
