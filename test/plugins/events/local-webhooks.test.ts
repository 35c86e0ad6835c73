import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';

// A developer's first webhook points at their own machine. The refusal says how to allow it.

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [eventsPlugin] });
});
afterAll(() => t?.close());

const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { __typename ... on ValidationError { field message } }
}`;

test.each(['http://127.0.0.1:8080/hooks', 'https://localhost/hooks', 'http://hooks.example.com/in'])(
  '%s is refused with a message naming webhooks.allowInsecureUrls',
  async (url) => {
    const { key } = await t.createMerchant();
    const { createWebhookEndpoint } = await t
      .http(key)
      .data<{ createWebhookEndpoint: { __typename: string; field: string; message: string } }>(CREATE, {
        input: { url, eventTypes: ['*'] },
      });
    expect(createWebhookEndpoint.__typename).toBe('ValidationError');
    expect(createWebhookEndpoint.field).toBe('url');
    expect(createWebhookEndpoint.message).toContain(
      'eventsPlugin.with({ webhooks: { allowInsecureUrls: true } })',
    );
    const { webhookEndpoints } = await t
      .http(key)
      .data<{ webhookEndpoints: unknown[] }>('{ webhookEndpoints { id } }');
    expect(webhookEndpoints).toEqual([]);
  },
);

test('a URL with credentials is refused without that hint: the option would not help', async () => {
  const { key } = await t.createMerchant();
  const { createWebhookEndpoint } = await t
    .http(key)
    .data<{ createWebhookEndpoint: { message: string } }>(CREATE, {
      input: { url: 'https://user:pw@example.com/hook', eventTypes: ['*'] },
    });
  expect(createWebhookEndpoint.message).not.toContain('allowInsecureUrls');
});
