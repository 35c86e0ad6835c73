import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { fakeFactor } from './fixtures/fake-factor.plugin.ts';
import { gadgetOff, gadgetOn, pingHost } from './fixtures/switch-fixtures.plugin.ts';

/** A gateway with the fixture plugins, the events plugin and a factor every operator must prove. */
export async function bootSwitchGateway(): Promise<TestGateway> {
  const t = await createTestGateway({
    plugins: [eventsPlugin, fakeFactor, pingHost, gadgetOn.plugin, gadgetOff.plugin],
  });
  await t.operator.data('mutation { proveFakeFactor { expiresAt } }');
  return t;
}

export const SET_PLUGIN_ENABLED = `mutation($m: ID!, $p: String!, $e: Boolean!, $r: String!) {
  setPluginEnabled(merchantId: $m, plugin: $p, enabled: $e, reason: $r) {
    __typename
    ... on PluginSwitch { plugin enabled isDefault lastChange { before after reason changedBy { kind keyId } } }
    ... on ValidationError { field message }
    ... on NotFoundError { resource }
  }
}`;

export interface SwitchResult {
  __typename: string;
  plugin?: string;
  enabled?: boolean;
  isDefault?: boolean;
  lastChange?: {
    before: boolean;
    after: boolean;
    reason: string;
    changedBy: { kind: string; keyId: string };
  };
  field?: string;
  message?: string;
}

export async function setPluginEnabled(
  client: HttpGraphQLClient,
  merchantId: string,
  plugin: string,
  enabled: boolean,
  reason = 'test',
): Promise<SwitchResult> {
  const { setPluginEnabled } = await client.data<{ setPluginEnabled: SwitchResult }>(SET_PLUGIN_ENABLED, {
    m: merchantId,
    p: plugin,
    e: enabled,
    r: reason,
  });
  return setPluginEnabled;
}

/** What a field answered: its value, or the code of its error. */
export async function answer(client: HttpGraphQLClient, document: string): Promise<unknown> {
  const result = await client.request(document);
  if (result.errors?.length) return result.errors[0]!.extensions?.code;
  return Object.values(result.data ?? {})[0];
}
