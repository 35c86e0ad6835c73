import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { answer, bootSwitchGateway, SET_PLUGIN_ENABLED, setPluginEnabled } from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await bootSwitchGateway();
});
afterAll(() => t?.close());

const SWITCHES = `query($m: ID!) { pluginSwitches(merchantId: $m) {
  __typename
  ... on MerchantPluginSwitches { switches { plugin enabled defaultEnabled isDefault lastChange { reason changedAt } } }
} }`;

const AUDIT = `query($m: ID!, $p: String, $first: Int, $after: String) {
  pluginSwitchAudit(merchantId: $m, plugin: $p, first: $first, after: $after) {
    __typename
    ... on QueryPluginSwitchAuditConnection {
      edges { cursor node { plugin before after reason changedAt changedBy { kind keyId } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

interface AuditPage {
  __typename: string;
  edges: { cursor: string; node: { plugin: string; before: boolean; after: boolean; reason: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string };
}

async function audit(client: HttpGraphQLClient, variables: Record<string, unknown>): Promise<AuditPage> {
  return (await client.data<{ pluginSwitchAudit: AuditPage }>(AUDIT, variables)).pluginSwitchAudit;
}

async function operatorKey(): Promise<{ id: string; client: HttpGraphQLClient }> {
  const { createApiKey } = await t.operator.data<{
    createApiKey: { apiKey: { id: string }; secret: string };
  }>(
    'mutation { createApiKey(input: { kind: operator, label: "second" }) { ... on CreatedApiKey { apiKey { id } secret } } }',
  );
  return { id: createApiKey.apiKey.id, client: t.http(createApiKey.secret) };
}

test('pluginSwitches lists every per-merchant plugin with its default until an operator decides', async () => {
  const m = await t.createMerchant();
  expect(
    (await t.operator.data<{ pluginSwitches: unknown }>(SWITCHES, { m: m.merchantId })).pluginSwitches,
  ).toEqual({
    __typename: 'MerchantPluginSwitches',
    switches: [
      { plugin: 'gadget-off', enabled: false, defaultEnabled: false, isDefault: true, lastChange: null },
      { plugin: 'gadget-on', enabled: true, defaultEnabled: true, isDefault: true, lastChange: null },
    ],
  });
  await setPluginEnabled(t.operator, m.merchantId, 'gadget-off', true, 'pilot customer');
  const { pluginSwitches } = await m.client.data<{ pluginSwitches: { switches: unknown[] } }>(SWITCHES, {
    m: m.merchantId,
  });
  expect(pluginSwitches.switches[0]).toMatchObject({
    plugin: 'gadget-off',
    enabled: true,
    isDefault: false,
    lastChange: { reason: 'pilot customer' },
  });
});

test('switching needs a fresh step-up: without one nothing changes', async () => {
  const m = await t.createMerchant();
  const second = await operatorKey();
  const refused = await second.client.request(SET_PLUGIN_ENABLED, {
    m: m.merchantId,
    p: 'gadget-on',
    e: false,
    r: 'no step-up',
  });
  expect(refused.data).toBeNull();
  expect(refused.errors?.[0]?.extensions).toMatchObject({
    code: 'STEP_UP_REQUIRED',
    stepUp: { action: 'plugin.enable' },
  });
  expect(await answer(m.client, '{ gadgetOn }')).toBe('gadget-on');
  expect((await audit(t.operator, { m: m.merchantId })).edges).toEqual([]);

  await second.client.data('mutation { proveFakeFactor { expiresAt } }');
  expect(await setPluginEnabled(second.client, m.merchantId, 'gadget-on', false)).toMatchObject({
    lastChange: { changedBy: { kind: 'operator', keyId: second.id } },
  });
  expect(await answer(m.client, '{ gadgetOn }')).toBe('PLUGIN_DISABLED');
});

test('the audit lists who, when, before, after and why, newest first, also a confirmation', async () => {
  const m = await t.createMerchant();
  await setPluginEnabled(t.operator, m.merchantId, 'gadget-on', false, 'one');
  await setPluginEnabled(t.operator, m.merchantId, 'gadget-off', true, 'two');
  await setPluginEnabled(t.operator, m.merchantId, 'gadget-on', false, 'three: confirmed');
  await setPluginEnabled(t.operator, m.merchantId, 'gadget-on', true, 'four');

  const all = await audit(t.operator, { m: m.merchantId });
  expect(all.edges.map((e) => [e.node.plugin, e.node.before, e.node.after, e.node.reason])).toEqual([
    ['gadget-on', false, true, 'four'],
    ['gadget-on', false, false, 'three: confirmed'],
    ['gadget-off', false, true, 'two'],
    ['gadget-on', true, false, 'one'],
  ]);
  expect(all.edges[0]!.node).toMatchObject({
    changedBy: { kind: 'operator' },
    changedAt: expect.any(String),
  });

  const first = await audit(t.operator, { m: m.merchantId, p: 'gadget-on', first: 2 });
  expect(first.edges.map((e) => e.node.reason)).toEqual(['four', 'three: confirmed']);
  expect(first.pageInfo.hasNextPage).toBe(true);
  const next = await audit(t.operator, {
    m: m.merchantId,
    p: 'gadget-on',
    first: 2,
    after: first.pageInfo.endCursor,
  });
  expect(next.edges.map((e) => e.node.reason)).toEqual(['one']);

  // The merchant reads its own audit, without the operator's key id.
  const own = await audit(m.client, { m: m.merchantId, first: 1 });
  expect(own.edges[0]!.node).toMatchObject({ reason: 'four', changedBy: { kind: 'operator', keyId: null } });
});

test('the plugin.switched event is in the event log, without the reason', async () => {
  const m = await t.createMerchant();
  await setPluginEnabled(t.operator, m.merchantId, 'gadget-on', false, 'secret internal note');
  await t.gateway.services.events.sync();
  const { events } = await t.operator.data<{ events: { events: { type: string; payload: unknown }[] } }>(
    'query($m: [ID!]) { events(merchantIds: $m, types: ["plugin.switched"]) { events { type payload } } }',
    { m: [m.merchantId] },
  );
  expect(events.events).toEqual([
    {
      type: 'plugin.switched',
      payload: {
        merchantId: m.merchantId,
        plugin: 'gadget-on',
        enabled: false,
        before: true,
        changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    },
  ]);
});

describe('who may read', () => {
  test('a merchant reads its own switches and audit; another merchant’s answer NotFoundError', async () => {
    const a = await t.createMerchant('A');
    const b = await t.createMerchant('B');
    await setPluginEnabled(t.operator, b.merchantId, 'gadget-on', false, 'b only');
    expect(
      (await a.client.data<{ pluginSwitches: { __typename: string } }>(SWITCHES, { m: a.merchantId }))
        .pluginSwitches.__typename,
    ).toBe('MerchantPluginSwitches');
    expect(
      (await a.client.data<{ pluginSwitches: { __typename: string } }>(SWITCHES, { m: b.merchantId }))
        .pluginSwitches.__typename,
    ).toBe('NotFoundError');
    expect((await audit(a.client, { m: b.merchantId })).__typename).toBe('NotFoundError');
  });

  test('merchants cannot switch, not even for themselves', async () => {
    const a = await t.createMerchant('A');
    const refused = await a.client.request(SET_PLUGIN_ENABLED, {
      m: a.merchantId,
      p: 'gadget-off',
      e: true,
      r: 'me',
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await answer(a.client, '{ gadgetOff }')).toBe('PLUGIN_DISABLED');
  });
});

test('bad input gets a typed error and changes nothing', async () => {
  const m = await t.createMerchant();
  const cases: [string, string, string, unknown][] = [
    [m.merchantId, 'no-such-plugin', 'why', { __typename: 'ValidationError', field: 'plugin' }],
    [m.merchantId, 'ping-host', 'why', { __typename: 'ValidationError', field: 'plugin' }],
    [m.merchantId, 'auth', 'why', { __typename: 'ValidationError', field: 'plugin' }],
    [m.merchantId, 'gadget-on', '   ', { __typename: 'ValidationError', field: 'reason' }],
    [m.merchantId, 'gadget-on', 'x'.repeat(501), { __typename: 'ValidationError', field: 'reason' }],
    [crypto.randomUUID(), 'gadget-on', 'why', { __typename: 'NotFoundError', resource: 'Merchant' }],
  ];
  for (const [merchantId, plugin, reason, expected] of cases) {
    expect(await setPluginEnabled(t.operator, merchantId, plugin, false, reason)).toMatchObject(
      expected as object,
    );
  }
  // An id that is not a UUID is refused at the edge, before any resolver runs (issue 17).
  const malformed = await t.operator.request(SET_PLUGIN_ENABLED, {
    m: 'not-a-uuid',
    p: 'gadget-on',
    e: false,
    r: 'why',
  });
  expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'm' });
  expect((await setPluginEnabled(t.operator, m.merchantId, 'ping-host', false)).message).toMatch(
    /not switched per merchant/,
  );
  expect((await audit(t.operator, { m: m.merchantId })).edges).toEqual([]);
  expect(await answer(m.client, '{ gadgetOn }')).toBe('gadget-on');
  expect((await audit(t.operator, { m: m.merchantId, after: 'nope' })).__typename).toBe('ValidationError');
});
