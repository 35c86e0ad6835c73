import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { gadgetOff, gadgetOn } from './fixtures/switch-fixtures.plugin.ts';
import { answer, bootSwitchGateway, setPluginEnabled } from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await bootSwitchGateway();
});
afterAll(() => t?.close());

const ping = (client: HttpGraphQLClient, merchantId: string) =>
  client.data<{ ping: string[] }>('mutation($m: ID!) { ping(merchantId: $m) }', { m: merchantId });

async function customerOf(merchant: HttpGraphQLClient): Promise<HttpGraphQLClient> {
  const { createCustomerSession } = await merchant.data<{ createCustomerSession: { token: string } }>(
    'mutation { createCustomerSession(customerRef: "u1") { ... on CreatedCustomerSession { token } } }',
  );
  return merchant.withToken(createCustomerSession.token);
}

describe('a per-merchant plugin disabled for merchant A', () => {
  test('answers PLUGIN_DISABLED on every root field for A and its customers, runs nothing, and skips its hook handler', async () => {
    const a = await t.createMerchant('A');
    const b = await t.createMerchant('B');
    expect(await answer(a.client, '{ gadgetOn }')).toBe('gadget-on');
    expect((await ping(a.client, a.merchantId)).ping).toEqual(['gadget-on']);

    expect(
      await setPluginEnabled(t.operator, a.merchantId, 'gadget-on', false, 'fraud review'),
    ).toMatchObject({
      __typename: 'PluginSwitch',
      enabled: false,
      isDefault: false,
    });
    const before = { ...gadgetOn.runs };
    const refused = await a.client.request('{ gadgetOn }');
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'PLUGIN_DISABLED', plugin: 'gadget-on' });
    expect(refused.errors?.[0]?.message).toMatch(/"gadget-on".*disabled.*operator can enable it/);
    expect(await answer(a.client, 'mutation { gadgetOnTouch }')).toBe('PLUGIN_DISABLED');
    expect(await answer(await customerOf(a.client), '{ gadgetOn }')).toBe('PLUGIN_DISABLED');
    const ticks = a.client.sse('subscription { gadgetOnTicks }');
    expect((await ticks.next()).value?.errors?.[0]?.extensions?.code).toBe('PLUGIN_DISABLED');
    await ticks.return(undefined);
    expect((await ping(a.client, a.merchantId)).ping).toEqual([]);
    expect(gadgetOn.runs).toEqual(before);

    // Merchant B, and operators, are not affected.
    expect(await answer(b.client, '{ gadgetOn }')).toBe('gadget-on');
    expect(await answer(b.client, 'mutation { gadgetOnTouch }')).toBe('gadget-on');
    expect((await ping(b.client, b.merchantId)).ping).toEqual(['gadget-on']);
    expect(await answer(t.operator, '{ gadgetOn }')).toBe('gadget-on');

    await setPluginEnabled(t.operator, a.merchantId, 'gadget-on', true, 'review done');
    expect(await answer(a.client, '{ gadgetOn }')).toBe('gadget-on');
    expect((await ping(a.client, a.merchantId)).ping).toEqual(['gadget-on']);
  });

  test('a subscription opened before the switch answers PLUGIN_DISABLED for its later events', async () => {
    const a = await t.createMerchant('A');
    const ticks = a.client.sse('subscription { gadgetOnTicks }');
    expect((await ticks.next()).value?.data).toEqual({ gadgetOnTicks: 'gadget-on' });
    await setPluginEnabled(t.operator, a.merchantId, 'gadget-on', false);
    let code: unknown;
    for (let i = 0; i < 100 && code === undefined; i++) {
      code = (await ticks.next()).value?.errors?.[0]?.extensions?.code;
    }
    expect(code).toBe('PLUGIN_DISABLED');
    await ticks.return(undefined);
  });
});

describe('a plugin whose default is off', () => {
  test('is off for every merchant until an operator enables it for one', async () => {
    const a = await t.createMerchant('A');
    const b = await t.createMerchant('B');
    const hooksBefore = gadgetOff.runs.hook;
    for (const m of [a, b]) {
      expect(await answer(m.client, '{ gadgetOff }')).toBe('PLUGIN_DISABLED');
      expect((await ping(m.client, m.merchantId)).ping).toEqual(['gadget-on']);
    }
    expect(gadgetOff.runs.hook).toBe(hooksBefore);

    await setPluginEnabled(t.operator, b.merchantId, 'gadget-off', true, 'pilot');
    expect(await answer(b.client, '{ gadgetOff }')).toBe('gadget-off');
    expect((await ping(b.client, b.merchantId)).ping).toEqual(['gadget-on', 'gadget-off']);
    expect(await answer(a.client, '{ gadgetOff }')).toBe('PLUGIN_DISABLED');
    expect((await ping(a.client, a.merchantId)).ping).toEqual(['gadget-on']);
  });
});
