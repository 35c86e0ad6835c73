import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';

/** Each limit of yoga.config.ts's `http.limits`, set small here so that one step over it shows. */
let small: TestGateway;
let defaults: TestGateway;
beforeAll(async () => {
  small = await createTestGateway({
    config: { http: { limits: { depth: 3, aliases: 2, tokens: 60, directives: 2, cost: 40 } } },
  });
  defaults = await createTestGateway({ plugins: [paymentsPlugin] });
}, 180_000);
afterAll(async () => {
  await small?.close();
  await defaults?.close();
});

const aliases = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`;

async function refused(t: TestGateway, query: string, code: string, message: RegExp) {
  const answer = await t.operator.request(query);
  expect(answer.status).toBe(400);
  expect(answer.data).toBeUndefined();
  expect(answer.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message) })]);
  expect(answer.errors?.[0]?.extensions).toMatchObject({ code });
}

describe('each limit refuses one step over it, before anything runs', () => {
  test('depth', async () => {
    expect((await small.operator.request('{ viewer { kind } }')).errors).toBeUndefined();
    await refused(
      small,
      '{ merchants { edges { node { id } } } }',
      'GRAPHQL_VALIDATION_FAILED',
      /depth limit of 3 exceeded, found 4/,
    );
  });

  test('aliases', async () => {
    expect((await small.operator.request(aliases(2))).errors).toBeUndefined();
    await refused(small, aliases(3), 'GRAPHQL_VALIDATION_FAILED', /Aliases limit of 2 exceeded, found 3/);
  });

  test('tokens, counted while parsing', async () => {
    const many = `{ viewer { ${'kind '.repeat(57)}} }`;
    await refused(small, many, 'GRAPHQL_PARSE_FAILED', /Token limit of 60 exceeded/);
  });

  test('directives', async () => {
    expect(
      (await small.operator.request('{ viewer @include(if: true) { kind @skip(if: false) } }')).errors,
    ).toBeUndefined();
    await refused(
      small,
      '{ viewer @include(if: true) { kind @skip(if: false) merchantId @skip(if: false) } }',
      'GRAPHQL_VALIDATION_FAILED',
      /Directives limit of 2 exceeded, found 3/,
    );
  });

  test('cost: a connection page multiplies what it selects', async () => {
    const page = (first: number) => `{ merchants(first: ${first}) { pageInfo { hasNextPage } } }`;
    expect((await small.operator.request(page(2))).errors).toBeUndefined();
    await refused(small, page(10), 'GRAPHQL_VALIDATION_FAILED', /Cost limit of 40 exceeded/);
  });
});

describe('the defaults', () => {
  test('the probe of issue 17 (200 aliases of a payments page with its operations) is refused', async () => {
    const { client } = await defaults.createMerchant();
    const page = 'payments(first: 100) { edges { node { operations { id } } } }';
    const probe = `{ ${Array.from({ length: 200 }, (_, i) => `p${i}: ${page}`).join(' ')} }`;
    const answer = await client.request(probe);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions?.code).toMatch(/^GRAPHQL_(PARSE|VALIDATION)_FAILED$/);
    // One page is fine; twelve, within the alias limit, cost more than the default allows.
    expect((await client.request(`{ ${page} }`)).errors).toBeUndefined();
    const twelve = `{ ${Array.from({ length: 12 }, (_, i) => `p${i}: ${page}`).join(' ')} }`;
    await expect(client.request(twelve)).resolves.toMatchObject({
      status: 400,
      errors: [{ message: expect.stringMatching(/Cost limit of \d+ exceeded/) }],
    });
  });

  test('a selection nested 2,000 deep is refused, not a stack overflow', async () => {
    const deep = `{ ${'viewer { '.repeat(2000)}kind${' }'.repeat(2000)} }`;
    const answer = await defaults.anonymous.request(deep);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions?.code).toMatch(/^(BAD_USER_INPUT|GRAPHQL_PARSE_FAILED)$/);
  });

  test('introspection and GraphiQL stay on unless production turns them off', async () => {
    const schema = await defaults.anonymous.request('{ __schema { queryType { name } } }');
    expect(schema.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await fetch(defaults.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});

describe('graphql-ws goes through the same limits', () => {
  test('an operation over a limit comes back as an error and the socket stays usable', async () => {
    const client = small.websocket(small.operatorKey);
    await expect(client.iterate({ query: aliases(3) }).next()).rejects.toEqual([
      expect.objectContaining({ message: expect.stringMatching(/Aliases limit of 2 exceeded/) }),
    ]);
    const tooMany = `subscription { heartbeat { ${'sequence '.repeat(60)}} }`;
    await expect(client.iterate({ query: tooMany }).next()).rejects.toEqual([
      expect.objectContaining({ message: expect.stringMatching(/Token limit of 60 exceeded/) }),
    ]);
    const beat = await client.iterate<{ heartbeat: { sequence: number } }>({
      query: 'subscription { heartbeat { sequence } }',
    });
    expect((await beat.next()).value.data).toEqual({ heartbeat: { sequence: 1 } });
    await beat.return?.();
  });
});

describe('production: introspection and GraphiQL off', () => {
  let production: TestGateway;
  beforeAll(async () => {
    production = await createTestGateway({
      config: { http: { introspection: false, graphiql: false, limits: { aliases: false } } },
    });
  }, 180_000);
  afterAll(() => production?.close());

  test('__schema and __type are refused, and field suggestions do not leak the schema', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Query") { name } }']) {
      const answer = await production.operator.request(query);
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const typo = await production.operator.request('{ viewr { kind } }');
    expect(typo.errors?.[0]?.message).not.toContain('viewer');
    expect((await production.operator.request('{ viewer { kind } }')).data).toEqual({
      viewer: { kind: 'operator' },
    });
  });

  test('introspection is refused over graphql-ws too', async () => {
    const client = production.websocket(production.operatorKey);
    await expect(client.iterate({ query: '{ __schema { types { name } } }' }).next()).rejects.toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: expect.stringContaining('introspection') }),
      ]),
    );
  });

  test('a limit set to false is off', async () => {
    expect((await production.operator.request(aliases(40))).errors).toBeUndefined();
  });

  test('a browser gets no GraphiQL page', async () => {
    const page = await fetch(production.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
  });
});
