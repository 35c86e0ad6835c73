import { definePlugin, type Principal, query, type RequestContext } from '../../../core/plugin-api.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { consentPlugin } from '../../../plugins/consent/index.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { gdprPlugin } from '../../../plugins/gdpr/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import type { ExportView } from '../../../plugins/portability/export.service.ts';
import { portabilityPlugin } from '../../../plugins/portability/index.ts';

/**
 * A plugin with one section of each source but `provided` (consent gives that one): a
 * risk score it infers, the pages it observed, a segment it derives. It keeps nothing.
 */
export const scoringPlugin = definePlugin({
  name: 'scoring',
  version: '1.0.0',
  setup: () => ({
    hooks: {
      'subject.export': ({ subject }) => {
        async function* of<T>(rows: T[]) {
          yield* rows;
        }
        return [
          {
            name: 'scoring.visits',
            source: 'observed',
            records: of([
              {
                at: new Date('2026-01-02T03:04:05Z'),
                page: '/pay',
                amount: 1250n,
                meta: { device: 'phone' },
              },
              { at: new Date('2026-01-03T03:04:05Z'), page: '/a "quoted", page', amount: 5n, meta: null },
              // A bare line feed: strict RFC 4180 readers need the cell quoted.
              { at: new Date('2026-01-04T03:04:05Z'), page: 'line one\nline two', amount: 1n, meta: null },
            ]),
          },
          {
            name: 'scoring.risk',
            source: 'inferred',
            records: of([{ score: 0.93, of: subject.customerRef }]),
          },
          { name: 'scoring.segment', source: 'derived', records: of([{ segment: 'frequent' }]) },
        ];
      },
      'subject.erase': () => ({ erased: [], kept: [] }),
    },
  }),
});

export function portabilityGateway(): Promise<TestGateway> {
  return createTestGateway({
    plugins: [
      eventsPlugin,
      paymentsPlugin,
      consentPlugin,
      gdprPlugin,
      scoringPlugin,
      portabilityPlugin.with({ pollSeconds: 0 }),
    ],
  });
}

/** The request context the subject-requests plugin hands the service, for the principal given. */
export function contextOf(t: TestGateway, principal: Principal): RequestContext {
  return {
    requestId: 'test',
    principal,
    em: t.gateway.database.em.fork(),
    log: t.gateway.log,
    services: t.gateway.services,
    headers: new Headers(),
  };
}

export const EXPORT_FIELDS = `__typename
  ... on DataExport { id kind status formatVersion url expiresAt requestId files { name contentType bytes url } }
  ... on Error { code }`;

export interface ExportResult {
  __typename: string;
  id: string;
  status: string;
  url: string | null;
  files: { name: string; contentType: string; bytes: number; url: string }[];
  code?: string;
}

export async function readExport(client: HttpGraphQLClient, id: string): Promise<ExportResult> {
  const { dataExport } = await client.data<{ dataExport: ExportResult }>(
    `query($id: ID!) { dataExport(id: $id) { ${EXPORT_FIELDS} } }`,
    { id },
  );
  return dataExport;
}

/** Runs the build now (the service builds in the background; tests do not wait on a timer). */
export async function built(
  t: TestGateway,
  client: HttpGraphQLClient,
  created: ExportView,
): Promise<ExportResult> {
  await t.gateway.services.portability.idle();
  return readExport(client, created.id);
}

export async function download(
  t: TestGateway,
  token: string | undefined,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(new URL(path, t.origin), {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

export async function exportRows(t: TestGateway, id: string) {
  const em = t.gateway.database.em.fork();
  const [row] = await query<{ exports: number; chunks: number }>(
    em,
    `select (select count(*)::int from portability_export where id = ?) as exports,
            (select count(*)::int from portability_export_chunk where export_id = ?) as chunks`,
    [id, id],
  );
  return row!;
}
