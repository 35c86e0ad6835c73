import { query } from '../../../core/plugin-api.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { consentPlugin } from '../../../plugins/consent/index.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { portabilityPlugin } from '../../../plugins/portability/index.ts';
import { subjectRequestsPlugin } from '../../../plugins/subject-requests/index.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { REGULATION_PACKS } from '../consent/support.ts';

export function requestsGateway(): Promise<TestGateway> {
  return createTestGateway({
    plugins: [
      eventsPlugin,
      paymentsPlugin,
      totpPlugin,
      consentPlugin,
      ...REGULATION_PACKS,
      portabilityPlugin.with({ pollSeconds: 0 }),
      subjectRequestsPlugin.with({ checkIntervalSeconds: 0, claimSeconds: 60 }),
    ],
  });
}

const REQUEST_FIELDS = `__typename
  ... on SubjectRequest {
    id kind status channel filedBy receivedAt law rule acknowledgeBy acknowledgedAt dueAt overdue
    extendedAt extensionReason verifiedAt verification completedAt refusalReason customerId
    answer { done kept { what rule until } exportId note }
    export { id kind status requestId url }
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
  export: { id: string; kind: string; status: string; requestId: string | null; url: string | null } | null;
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

/** The exports made for a request, read from the portability plugin's table. */
export async function exportsFor(
  t: TestGateway,
  requestId: string,
): Promise<{ id: string; kind: string; subject_id: string }[]> {
  return query(
    t.gateway.database.em.fork(),
    'select id, kind, subject_id from portability_export where request_id = ?',
    [requestId],
  );
}

/** Builds the exports due now (the portability plugin builds in the background; tests do not wait on a timer). */
export function exportsBuilt(t: TestGateway): Promise<void> {
  return t.gateway.services.portability.idle();
}
