import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';

/**
 * Hole 2 of issue 17: a credential revoked or expired while a WebSocket or an SSE stream is open
 * must stop working on it within seconds: the socket closes with 4403, the stream ends with
 * UNAUTHENTICATED, and nothing more runs for it.
 */
let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway();
});
afterAll(() => t?.close());

const HEARTBEAT = 'subscription { heartbeat(everySeconds: 1) { sequence } }';
const SESSION = `mutation($ref: String!) { createCustomerSession(customerRef: $ref, ttlSeconds: 600) {
  ... on CreatedCustomerSession { token session { id } } } }`;

async function merchantKey(name: string) {
  const merchant = await t.createMerchant(name);
  const { apiKeys } = await merchant.client.data<{ apiKeys: { edges: { node: { id: string } }[] } }>(
    '{ apiKeys(first: 1) { edges { node { id } } } }',
  );
  return { ...merchant, keyId: apiKeys.edges[0]!.node.id };
}

async function revokeKey(id: string): Promise<void> {
  const { revokeApiKey } = await t.operator.data<{ revokeApiKey: { __typename: string } }>(
    'mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }',
    { id },
  );
  expect(revokeApiKey.__typename).toBe('ApiKey');
}

async function session(merchant: HttpGraphQLClient, ref: string) {
  const { createCustomerSession } = await merchant.data<{
    createCustomerSession: { token: string; session: { id: string } };
  }>(SESSION, { ref });
  return { token: createCustomerSession.token, id: createCustomerSession.session.id };
}

/** Subscribes, waits for the first beat, and returns how the subscription ended. */
async function openHeartbeat(client: Client): Promise<{ ended: Promise<unknown> }> {
  const iterator = client.iterate({ query: HEARTBEAT });
  await iterator.next();
  const ended = (async () => {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return 'completed';
      }
    } catch (error) {
      return error;
    }
  })();
  return { ended };
}

/** Opens an SSE heartbeat, waits for the first beat, and collects the rest until the server ends it. */
async function openSse(client: HttpGraphQLClient) {
  const abort = new AbortController();
  const stream = client.sse<{ heartbeat: { sequence: number } }>(HEARTBEAT, undefined, abort.signal);
  await stream.next();
  const rest = (async () => {
    const results = [];
    for await (const result of stream) results.push(result);
    return results;
  })();
  return { rest, abort };
}

describe('graphql-ws', () => {
  test('a revoked API key closes the open socket with 4403 and refuses the next mutation', async () => {
    const { key, keyId } = await merchantKey('ws revoke');
    const socket = t.websocket(key);
    const { ended } = await openHeartbeat(socket);
    await revokeKey(keyId);
    expect(await ended).toMatchObject({ code: 4403, reason: 'Credential revoked' });
    await expect(
      socket
        .iterate({ query: 'mutation { createCustomerSession(customerRef: "after") { __typename } }' })
        .next(),
    ).rejects.toMatchObject({ code: 4403 });
  });

  test('a revoked customer session closes its socket; the merchant’s own socket stays open', async () => {
    const { key, client } = await merchantKey('ws session revoke');
    const customer = await session(client, 'alice');
    const customerSocket = t.websocket(customer.token);
    const merchantSocket = t.websocket(key);
    const customerEnd = await openHeartbeat(customerSocket);
    const merchantIterator = merchantSocket.iterate<{ viewer: { kind: string } }>({
      query: '{ viewer { kind } }',
    });
    await merchantIterator.next();
    const { revokeCustomerSession } = await client.data<{
      revokeCustomerSession: { revokedAt: string | null };
    }>('mutation($id: ID!) { revokeCustomerSession(id: $id) { ... on CustomerSession { revokedAt } } }', {
      id: customer.id,
    });
    expect(revokeCustomerSession.revokedAt).not.toBeNull();
    expect(await customerEnd.ended).toMatchObject({ code: 4403, reason: 'Credential revoked' });
    expect(await t.http(customer.token).request('{ viewer { kind } }')).toMatchObject({ status: 401 });
    const still = await merchantSocket
      .iterate<{ viewer: { kind: string } }>({ query: '{ viewer { kind } }' })
      .next();
    expect(still.value.data).toEqual({ viewer: { kind: 'merchant' } });
  });

  test('a customer session that expires while connected closes the socket', async () => {
    const { client } = await merchantKey('ws expiry');
    const customer = await session(client, 'bob');
    const { ended } = await openHeartbeat(t.websocket(customer.token));
    await expireSession(customer.id);
    expect(await ended).toMatchObject({ code: 4403, reason: 'Credential expired' });
  });

  test('another merchant cannot revoke a session it did not mint', async () => {
    const { client } = await merchantKey('owner');
    const other = await merchantKey('stranger');
    const customer = await session(client, 'carol');
    const { revokeCustomerSession } = await other.client.data<{
      revokeCustomerSession: { __typename: string };
    }>('mutation($id: ID!) { revokeCustomerSession(id: $id) { __typename } }', { id: customer.id });
    expect(revokeCustomerSession.__typename).toBe('NotFoundError');
    expect(await t.http(customer.token).data('{ viewer { kind } }')).toEqual({
      viewer: { kind: 'customer' },
    });
  });
});

describe('Server-Sent Events', () => {
  test('a revoked API key ends the open stream with UNAUTHENTICATED', async () => {
    const { key, keyId } = await merchantKey('sse revoke');
    const { rest } = await openSse(t.http(key));
    await revokeKey(keyId);
    const results = await rest;
    expect(results.at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a customer session that expires ends its stream', async () => {
    const { client } = await merchantKey('sse expiry');
    const customer = await session(client, 'dave');
    const { rest } = await openSse(t.http(customer.token));
    await expireSession(customer.id);
    const results = await rest;
    expect(results.at(-1)?.errors?.[0]).toMatchObject({
      message: expect.stringContaining('expired'),
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});

/**
 * Ends a session's life in the database, as if its time had run out while the connection was
 * open (the gateway's own timer for the original expiry is tested in live-credentials-expiry).
 */
async function expireSession(id: string): Promise<void> {
  await query(t.gateway.database.em.fork(), 'update customer_session set expires_at = now() where id = ?', [
    id,
  ]);
}
