import fc from 'fast-check';
import { type FuzzCase, type FuzzPools, jsonHeaders } from './fuzz-requests.ts';

const nest = (depth: number, leaf = '__typename') => `${'{ a '.repeat(depth)}${leaf}${' }'.repeat(depth)}`;
const ofTypes = (depth: number) =>
  `{ __schema { types { ${'ofType { '.repeat(depth)}name${' }'.repeat(depth)} } } }`;
const aliases = (n: number, field: string) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

const VALID = '{ viewer { kind } }';
const PAY = (amount: string) =>
  `mutation { createPayment(input: { customerId: "00000000-0000-0000-0000-000000000000", method: "wallet", sourceId: "x", amount: { amount: ${amount}, currency: "KRW" } }) { __typename } }`;

/**
 * Requests no schema-driven generator would write: broken bodies, wrong content types and
 * methods, GET with mutations, batches, deep nesting, many aliases, long strings, odd numbers.
 */
export function mutatedCases(pools: FuzzPools): fc.Arbitrary<FuzzCase> {
  const token = fc.constantFrom(...pools.tokens);
  const post = (
    kind: string,
    body: fc.Arbitrary<string>,
    headers: (t: string | undefined) => Record<string, string> = jsonHeaders,
  ) =>
    fc
      .tuple(body, token)
      .map(([b, t]): FuzzCase => ({ kind, token: t, sent: { headers: headers(t), body: b } }));
  const get = (kind: string, search: fc.Arbitrary<string>) =>
    fc.tuple(search, token).map(
      ([s, t]): FuzzCase => ({
        kind,
        token: t,
        sent: { method: 'GET', headers: jsonHeaders(t), search: s },
      }),
    );
  const query = (q: string) => JSON.stringify({ query: q });
  return fc.oneof(
    post(
      'broken JSON',
      fc
        .tuple(fc.constantFrom(query(VALID), query(PAY('"1"'))), fc.nat())
        .map(([b, n]) => b.slice(0, n % b.length)),
    ),
    post('random body', fc.string({ unit: 'binary', maxLength: 300 })),
    post(
      'odd JSON body',
      fc.constantFrom(
        'null',
        '[]',
        '{}',
        '"x"',
        '1e999',
        '{"query":5}',
        '{"query":null}',
        `{"query":"${VALID}","variables":"x"}`,
        `{"query":"${VALID}","variables":[1]}`,
        `{"query":"${VALID}","operationName":5}`,
        `{"query":"${VALID}","extensions":{"persistedQuery":{"version":1,"sha256Hash":"x"}}}`,
        `{"query":"${VALID}","query":"{ viewer { id } }"}`,
      ),
    ),
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/xml',
          'multipart/form-data',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
          'application/graphql',
          '',
        ),
        token,
      )
      .map(
        ([type, t]): FuzzCase => ({
          kind: 'wrong content type',
          token: t,
          sent: {
            headers: { ...jsonHeaders(t), 'content-type': type },
            body: type.includes('graphql') ? VALID : query(VALID),
          },
        }),
      ),
    get(
      'GET with a mutation',
      fc
        .constantFrom(
          PAY('"1"'),
          'mutation { runPaymentJanitor { checked } }',
          'mutation { createMerchant(name: "x") { __typename } }',
        )
        .map((q) => `?query=${encodeURIComponent(q)}`),
    ),
    get(
      'GET with broken parameters',
      fc.constantFrom(
        '?query={viewer{kind}}&variables=%7B',
        '?variables=%7B%7D',
        '?query=%',
        '?query=',
        `?query=${encodeURIComponent(VALID)}&extensions=%5B`,
        `?query=${'%7B'.repeat(5000)}`,
        '?query={viewer{kind}}&operationName=%00',
      ),
    ),
    fc.tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), token).map(
      ([method, t]): FuzzCase => ({
        kind: `${method} request`,
        token: t,
        sent: { method, headers: jsonHeaders(t), body: method === 'HEAD' ? undefined : query(VALID) },
      }),
    ),
    post(
      'batch',
      fc
        .integer({ min: 0, max: 300 })
        .map((n) => JSON.stringify(Array.from({ length: n }, () => ({ query: VALID })))),
    ),
    post(
      'deep nesting',
      fc.integer({ min: 10, max: 3000 }).map((d) => query(nest(d))),
    ),
    post(
      'deep introspection',
      fc.integer({ min: 5, max: 2000 }).map((d) => query(ofTypes(d))),
    ),
    post(
      'many aliases',
      fc
        .tuple(fc.integer({ min: 2, max: 1500 }), fc.constantFrom('viewer { kind }', '__typename'))
        .map(([n, f]) => query(aliases(n, f))),
    ),
    post(
      'many aliases of a list',
      fc
        .integer({ min: 2, max: 60 })
        .map((n) => query(aliases(n, 'payments(first: 5) { edges { node { id operations { id } } } }'))),
    ),
    post(
      'many directives',
      fc.integer({ min: 2, max: 2000 }).map((n) => query(`{ __typename ${'@include(if: true) '.repeat(n)}}`)),
    ),
    post(
      'many tokens',
      fc.integer({ min: 100, max: 20_000 }).map((n) => query(`{ ${'__typename '.repeat(n)}}`)),
    ),
    post(
      'long string',
      fc
        .integer({ min: 1000, max: 200_000 })
        .map((n) => query(`mutation { createMerchant(name: "${'x'.repeat(n)}") { __typename } }`)),
    ),
    post(
      'odd numbers',
      fc
        .constantFrom(
          '1e999',
          '-0',
          '99999999999999999999999',
          '-1',
          '0.1',
          '1e2',
          '"1e999"',
          '"-0"',
          '"9223372036854775808"',
          '"00001"',
          '" 1"',
          '"1_000"',
        )
        .map((a) => query(PAY(a))),
    ),
    post(
      'odd Int arguments',
      fc
        .constantFrom('1e999', '-1', '0', '2147483648', '-2147483649', '1.5', '"1"', 'null')
        .map((n) =>
          query(`{ payments(first: ${n}) { edges { cursor } } customers(last: ${n}) { edges { cursor } } }`),
        ),
    ),
    post(
      'unicode',
      fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 50 })
        .map((s) => query(`{ merchant(id: ${JSON.stringify(s)}) { __typename } }`)),
    ),
    post(
      'lone surrogates',
      fc
        .constantFrom('"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"')
        .map((s) => `{"query":"{ merchant(id: ${s.replaceAll('"', '\\"')}) { __typename } }"}`),
    ),
    post(
      'fragment cycle',
      fc.constant(query('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }')),
    ),
    post(
      'operation name mismatch',
      fc.constantFrom('x', '', 'A', '__proto__').map((name) =>
        JSON.stringify({
          query: 'query A { viewer { kind } } query B { viewer { kind } }',
          operationName: name,
        }),
      ),
    ),
    post('subscription over plain POST', fc.constant(query('subscription { paymentEvents { id } }'))),
    fc
      .tuple(
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Basic dXNlcjpwYXNz',
          `Bearer ${'a'.repeat(10_000)}`,
          'Bearer gw_op_ gw_op_',
          'bearer gw_cs_x',
        ),
        fc.constant(undefined),
      )
      .map(
        ([authorization]): FuzzCase => ({
          kind: 'odd authorization',
          token: undefined,
          sent: { headers: { ...jsonHeaders(undefined), authorization }, body: query(VALID) },
        }),
      ),
    post(
      'odd Idempotency-Key',
      fc.constantFrom('', ' ', 'é', 'x'.repeat(300), '\t').map(() => query(PAY('"1"'))),
      (t) => jsonHeaders(t, { 'idempotency-key': 'x'.repeat(300) }),
    ),
  );
}
