import type { Client } from 'graphql-ws';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { EventsOptions } from '../../../plugins/events/events.options.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { eventSource } from './fixtures/event-source.plugin.ts';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Short intervals so tests wait milliseconds, not the production defaults. */
export function testOptions(overrides: DeepPartial<EventsOptions> = {}): DeepPartial<EventsOptions> {
  return {
    ...overrides,
    eventBus: { pollIntervalMs: 200, ...overrides.eventBus },
    webhooks: {
      allowInsecureUrls: true,
      pollIntervalMs: 50,
      retryBaseDelayMs: 50,
      retryMaxDelayMs: 400,
      timeoutMs: 1000,
      ...overrides.webhooks,
    },
  };
}

export function bootEventsGateway(overrides: DeepPartial<EventsOptions> = {}): Promise<TestGateway> {
  return createTestGateway({
    plugins: [eventsPlugin.with(testOptions(overrides) as never), eventSource],
  });
}

export const EVENT_FIELDS = 'id cursor type merchantId createdAt payload';

export interface ReceivedEvent {
  id: string;
  cursor: string;
  type: string;
  merchantId: string;
  createdAt: string;
  payload: Record<string, unknown>;
}

export async function placeOrders(
  t: TestGateway,
  token: string,
  merchantId: string,
  options: { count?: number; type?: string; fail?: boolean; asTrigger?: boolean } = {},
): Promise<{ ids?: string[]; error?: string }> {
  const result = await t.http(token).data<{ placeTestOrders: { eventIds?: string[]; message?: string } }>(
    `mutation($merchantId: ID!, $count: Int, $type: String, $fail: Boolean, $asTrigger: Boolean) {
      placeTestOrders(merchantId: $merchantId, count: $count, type: $type, fail: $fail, asTrigger: $asTrigger) {
        ... on TestOrdersPlaced { eventIds }
        ... on Error { message }
      }
    }`,
    {
      merchantId,
      count: options.count ?? 1,
      type: options.type,
      fail: options.fail ?? false,
      asTrigger: options.asTrigger ?? false,
    },
  );
  const value = result.placeTestOrders;
  return value.eventIds ? { ids: value.eventIds } : { error: value.message };
}

/** Collects events from a graphql-ws subscription until `count` arrived (or the stream ends). */
export function collect(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
): {
  events: ReceivedEvent[];
  errors: unknown[];
  until: (count: number, timeoutMs?: number) => Promise<ReceivedEvent[]>;
  done: Promise<void>;
  stop: () => void;
} {
  const events: ReceivedEvent[] = [];
  const errors: unknown[] = [];
  let notify = () => {};
  let stopped = false;
  const iterator = client.iterate<Record<string, ReceivedEvent>>({ query, variables });
  const done = (async () => {
    try {
      for await (const result of iterator) {
        if (result.errors) errors.push(...result.errors);
        const event = result.data && Object.values(result.data)[0];
        if (event) events.push(event);
        notify();
        if (stopped) break;
      }
    } catch (error) {
      errors.push(error);
    }
    notify();
  })();
  return {
    events,
    errors,
    done,
    stop: () => {
      stopped = true;
      void iterator.return?.();
    },
    until: (count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `only ${events.length} of ${count} events arrived (errors: ${JSON.stringify(errors)})`,
              ),
            ),
          timeoutMs,
        );
        const check = () => {
          if (events.length >= count || errors.length > 0) {
            clearTimeout(timer);
            resolve(events);
          }
        };
        notify = check;
        check();
      }),
  };
}

/** A partner with a key, granted access to the given merchants. */
export async function createPartner(
  t: TestGateway,
  grantedMerchantIds: readonly string[],
): Promise<{ partnerId: string; key: string }> {
  const { createPartner } = await t.operator.data<{ createPartner: { id: string } }>(
    'mutation { createPartner(name: "Partner") { ... on Partner { id } } }',
  );
  const partnerId = createPartner.id;
  const { createApiKey } = await t.operator.data<{ createApiKey: { secret: string } }>(
    `mutation($partnerId: ID!) {
      createApiKey(input: { kind: partner, label: "events", partnerId: $partnerId }) { ... on CreatedApiKey { secret } }
    }`,
    { partnerId },
  );
  for (const merchantId of grantedMerchantIds) {
    await t.operator.data(
      `mutation($partnerId: ID!, $merchantId: ID!) {
        grantPartnerAccess(partnerId: $partnerId, merchantId: $merchantId) { ... on PartnerGrant { id } }
      }`,
      { partnerId, merchantId },
    );
  }
  return { partnerId, key: createApiKey.secret };
}

export const SUBSCRIBE_EVENTS = `subscription($after: String, $types: [String!], $merchantIds: [ID!]) {
  events(after: $after, types: $types, merchantIds: $merchantIds) { ${EVENT_FIELDS} }
}`;

export async function logIds(t: TestGateway, token: string, after = '0'): Promise<string[]> {
  const { events } = await t
    .http(token)
    .data<{ events: { events: { id: string }[] } }>(
      'query($after: String) { events(after: $after, first: 1000) { events { id } } }',
      { after },
    );
  return events.events.map((e) => e.id);
}

export async function createEndpoint(
  t: TestGateway,
  token: string,
  input: { url: string; eventTypes: string[]; merchantId?: string },
): Promise<{ id: string; secret: string }> {
  const { createWebhookEndpoint } = await t.http(token).data<{
    createWebhookEndpoint: { endpoint?: { id: string }; secret?: string; message?: string };
  }>(
    `mutation($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) {
        ... on WebhookEndpointWithSecret { endpoint { id } secret }
        ... on Error { message }
      }
    }`,
    { input },
  );
  if (!createWebhookEndpoint.endpoint) throw new Error(createWebhookEndpoint.message);
  return { id: createWebhookEndpoint.endpoint.id, secret: createWebhookEndpoint.secret! };
}

export interface DeliveryView {
  eventId: string;
  state: string;
  attemptCount: number;
  attempts: { number: number; statusCode: number | null; error: string | null; succeeded: boolean }[];
}

export async function deliveries(t: TestGateway, token: string, endpointId: string): Promise<DeliveryView[]> {
  const { webhookEndpoint } = await t.http(token).data<{
    webhookEndpoint: { deliveries: { edges: { node: DeliveryView }[] } };
  }>(
    `query($id: ID!) {
      webhookEndpoint(id: $id) {
        ... on WebhookEndpoint {
          deliveries(first: 100) { edges { node { eventId state attemptCount attempts { number statusCode error succeeded } } } }
        }
      }
    }`,
    { id: endpointId },
  );
  return webhookEndpoint.deliveries.edges.map((e) => e.node);
}

/** Deliveries as the partner sees them, once `ready` holds (the receiver answers before the gateway records). */
export async function deliveriesWhen(
  t: TestGateway,
  token: string,
  endpointId: string,
  ready: (views: DeliveryView[]) => boolean,
  timeoutMs = 15_000,
): Promise<DeliveryView[]> {
  const deadline = Date.now() + timeoutMs;
  let views = await deliveries(t, token, endpointId);
  while (!ready(views) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    views = await deliveries(t, token, endpointId);
  }
  return views;
}
