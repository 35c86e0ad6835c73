import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StepUpGrant } from '../../../core/auth/step-up-grant.entity.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';

/**
 * A stand-in second factor, the way a factor plugin plugs into the kernel: it registers with
 * `services.stepUp` and issues grants through it. Which keys "hold" it is set by the test.
 */
function fakeFactorPlugin(requiredFor: ('operator' | 'merchant')[] = []) {
  const holders = new Set<string>();
  const plugin = definePlugin({
    name: 'fake-factor',
    version: '1.0.0',
    setup: (runtime) => {
      runtime.services.stepUp.registerFactor({
        name: 'fake',
        requiredFor,
        isEnrolled: async (ctx) => 'keyId' in ctx.principal && holders.has(ctx.principal.keyId),
      });
      return {
        schema: (builder) => {
          builder.mutationFields((t) => ({
            proveFakeFactor: t.withAuth({ authenticated: true }).field({
              type: 'StepUpGrant',
              resolve: (_root, _args, ctx) => runtime.services.stepUp.grant(ctx, 'fake', 60),
            }),
            declaredAction: t.boolean({
              authScopes: { $all: { authenticated: true, stepUp: 'test.declared' } },
              resolve: () => true,
            }),
            imperativeAction: t.boolean({
              authScopes: { authenticated: true },
              resolve: async (_root, _args, ctx) => {
                await ctx.services.stepUp.require(ctx, 'test.imperative');
                return true;
              },
            }),
          }));
        },
      };
    },
  });
  return { plugin, holders };
}

async function keyHolder(t: TestGateway): Promise<{ id: string; client: HttpGraphQLClient }> {
  const { createApiKey } = await t.operator.data<{
    createApiKey: { apiKey: { id: string }; secret: string };
  }>(
    'mutation { createApiKey(input: { kind: operator, label: "k" }) { ... on CreatedApiKey { apiKey { id } secret } } }',
  );
  return { id: createApiKey.apiKey.id, client: t.http(createApiKey.secret) };
}

const BOTH = 'mutation { declaredAction imperativeAction }';

describe('with no factor plugin installed', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway();
  });
  afterAll(() => t?.close());

  test('step-up never blocks, and there is no grant', async () => {
    expect(t.gateway.services.stepUp.factors).toEqual([]);
    const created = await t.operator.request(
      'mutation { createApiKey(input: { kind: operator, label: "x" }) { __typename } }',
    );
    expect(created.errors).toBeUndefined();
    expect(
      (await t.operator.data<{ stepUpGrant: unknown }>('{ stepUpGrant { factor } }')).stepUpGrant,
    ).toBeNull();
  });
});

describe('with a factor plugin', () => {
  let t: TestGateway;
  const fake = fakeFactorPlugin(['merchant']);
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [fake.plugin] });
  });
  afterAll(() => t?.close());

  test('a key that holds the factor is refused both ways until it proves the factor', async () => {
    const key = await keyHolder(t);
    fake.holders.add(key.id);
    const refused = await key.client.request(BOTH);
    expect(refused.data).toBeNull();
    expect(refused.errors?.map((e) => [e.path, e.extensions])).toEqual([
      [
        ['declaredAction'],
        { code: 'STEP_UP_REQUIRED', stepUp: { action: 'test.declared', factors: ['fake'], enrolled: true } },
      ],
    ]);
    // Non-null mutation fields run one after another and the first failure ends the operation.
    const imperative = await key.client.request('mutation { imperativeAction }');
    expect(imperative.errors?.[0]?.extensions).toEqual({
      code: 'STEP_UP_REQUIRED',
      stepUp: { action: 'test.imperative', factors: ['fake'], enrolled: true },
    });

    await key.client.data('mutation { proveFakeFactor { expiresAt } }');
    expect(await key.client.data(BOTH)).toEqual({ declaredAction: true, imperativeAction: true });
  });

  test('a grant serves only the credential that obtained it', async () => {
    const a = await keyHolder(t);
    const b = await keyHolder(t);
    fake.holders.add(a.id).add(b.id);
    await a.client.data('mutation { proveFakeFactor { expiresAt } }');
    expect((await a.client.request(BOTH)).errors).toBeUndefined();
    expect((await b.client.request(BOTH)).errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
  });

  test('an expired grant does not count, whichever process wrote it', async () => {
    const key = await keyHolder(t);
    fake.holders.add(key.id);
    const em = t.gateway.database.em.fork();
    await em.insert(StepUpGrant, {
      id: crypto.randomUUID(),
      credentialKind: 'api_key',
      credentialId: key.id,
      factor: 'fake',
      createdAt: new Date(Date.now() - 120_000),
      expiresAt: new Date(Date.now() - 60_000),
    });
    expect((await key.client.request(BOTH)).errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
    await em.insert(StepUpGrant, {
      id: crypto.randomUUID(),
      credentialKind: 'api_key',
      credentialId: key.id,
      factor: 'fake',
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(await key.client.data(BOTH)).toEqual({ declaredAction: true, imperativeAction: true });
  });

  test('a key without the factor passes, unless its kind is required to have one', async () => {
    const operator = await keyHolder(t);
    expect(await operator.client.data(BOTH)).toEqual({ declaredAction: true, imperativeAction: true });
    const shop = await t.createMerchant();
    const refused = await shop.client.request('mutation { declaredAction }');
    expect(refused.errors?.[0]?.extensions).toEqual({
      code: 'STEP_UP_REQUIRED',
      stepUp: { action: 'test.declared', factors: ['fake'], enrolled: false },
    });
  });

  test('step-up does not stand in for authentication', async () => {
    const refused = await t.anonymous.request('mutation { declaredAction }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a factor name can be registered once', () => {
    expect(() =>
      t.gateway.services.stepUp.registerFactor({
        name: 'fake',
        requiredFor: [],
        isEnrolled: async () => false,
      }),
    ).toThrow(/already registered/);
  });
});
