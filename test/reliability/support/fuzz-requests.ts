import fc from 'fast-check';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import type { Sent } from './graphql.ts';

/** One generated request, and a short name of what it probes (failures are grouped by it). */
export interface FuzzCase {
  kind: string;
  token: string | undefined;
  sent: Sent;
}

export interface FuzzPools {
  /** Real ids of the fuzzed database (customers, wallets, payments, ...). */
  ids: string[];
  tokens: (string | undefined)[];
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  '1e999',
  '-0',
  '-1',
  '0',
  '0.5',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '1'.repeat(30),
  '9'.repeat(400),
  'NaN',
  'Infinity',
  '0x10',
  '١٢٣',
  '１２３',
  '\u0000',
  'x'.repeat(10_000),
  '😀'.repeat(300),
  "'; drop table payment_intent; --",
  '%s%n%x',
  '../../etc/passwd',
  '{"$gt": ""}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-0000-0000-00000000000g',
  'gw_mk_notakey',
  '4242424242424242',
  '010-1234-5678',
  'KRW',
  'XXX',
  'krw',
  'payment.*',
  '*',
  'https://127.0.0.1/x',
  'javascript:alert(1)',
];

const HOSTILE_NUMBERS: unknown[] = [
  0,
  -1,
  -0,
  1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 1,
  1e300,
  -1e300,
  0.5,
  Number.MAX_SAFE_INTEGER,
];

/** Any JSON value, weighted towards the hostile ones. */
const anyValue = (pools: FuzzPools): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.constantFrom(...pools.ids),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant({}),
    fc.constant([]),
  );

function inputValue(type: GraphQLInputType, pools: FuzzPools, depth: number): fc.Arbitrary<unknown> {
  const wrong = anyValue(pools);
  if (isNonNullType(type))
    return fc.oneof(
      { weight: 9, arbitrary: inputValue(type.ofType, pools, depth) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
  if (isListType(type)) {
    return fc.oneof(
      {
        weight: 6,
        arbitrary: fc.array(inputValue(type.ofType, pools, depth + 1), { maxLength: depth > 2 ? 1 : 4 }),
      },
      {
        weight: 1,
        arbitrary: fc.array(inputValue(type.ofType, pools, depth + 1), { minLength: 200, maxLength: 300 }),
      },
      { weight: 1, arbitrary: wrong },
    );
  }
  if (isEnumType(type)) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) },
      { weight: 1, arbitrary: wrong },
    );
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant({});
    const fields = Object.values(type.getFields());
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const field of fields) record[field.name] = inputValue(field.type, pools, depth + 1);
    return fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record(record, {
          requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name),
        }),
      },
      { weight: 1, arbitrary: fc.record(record, { requiredKeys: [] }).map((o) => ({ ...o, unexpected: 1 })) },
      { weight: 1, arbitrary: wrong },
    );
  }
  const scalar = isScalarType(type) ? type.name : 'String';
  const right: Record<string, fc.Arbitrary<unknown>> = {
    ID: fc.oneof(fc.constantFrom(...pools.ids), fc.uuid(), fc.string({ maxLength: 40 })),
    Int: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.integer()),
    Float: fc.double(),
    Boolean: fc.boolean(),
    String: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.constantFrom(...HOSTILE_STRINGS)),
    DateTime: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('2020-13-45T99:99:99Z', 'yesterday', '-271821-04-20T00:00:00Z'),
    ),
  };
  return fc.oneof({ weight: 3, arbitrary: right[scalar] ?? fc.string() }, { weight: 2, arbitrary: wrong });
}

function selection(type: GraphQLOutputType, depth: number): fc.Arbitrary<string> {
  const named = getNamedType(type) as GraphQLNamedType;
  if (isLeafType(named)) return fc.constant('');
  if (isUnionType(named) || isInterfaceType(named)) {
    const members = isUnionType(named) ? named.getTypes() : [];
    return fc
      .subarray(members.slice(0, 12), { maxLength: Math.min(4, members.length) })
      .chain((chosen) =>
        fc.tuple(
          ...chosen.map((member) => selection(member, depth).map((s) => `... on ${member.name} ${s}`)),
        ),
      )
      .map((parts) => `{ __typename ${parts.join(' ')} }`);
  }
  if (!isObjectType(named)) return fc.constant('{ __typename }');
  const fields = Object.values(named.getFields()).filter(
    (f) => depth < 4 || isLeafType(getNamedType(f.type)),
  );
  const simple = fields.filter((f) => f.args.every((a) => !isNonNullType(a.type)));
  if (simple.length === 0) return fc.constant('{ __typename }');
  return fc
    .subarray(simple, { minLength: 1, maxLength: Math.min(5, simple.length) })
    .chain((chosen) =>
      fc.tuple(...chosen.map((f) => selection(f.type, depth + 1).map((s) => `${f.name} ${s}`))),
    )
    .map((parts) => `{ __typename ${parts.join(' ')} }`);
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') {
    return `{ ${Object.entries(value as Record<string, unknown>)
      .filter(([k]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(k))
      .map(([k, v]) => `${k}: ${literal(v)}`)
      .join(', ')} }`;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '1e999';
  return JSON.stringify(value);
}

function fieldCase(
  operation: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  pools: FuzzPools,
): fc.Arbitrary<FuzzCase> {
  const args: Record<string, fc.Arbitrary<unknown>> = {};
  for (const arg of field.args as GraphQLArgument[]) args[arg.name] = inputValue(arg.type, pools, 0);
  return fc
    .tuple(
      fc.record(args, { requiredKeys: field.args.filter((a) => isNonNullType(a.type)).map((a) => a.name) }),
      selection(field.type, 1),
      fc.constantFrom(...pools.tokens),
      fc.boolean(),
    )
    .map(([values, selected, token, inline]) => {
      const entries = Object.entries(values);
      const declared = field.args.filter((a) => a.name in values);
      const document = inline
        ? `${operation} { ${field.name}${entries.length ? `(${entries.map(([k, v]) => `${k}: ${literal(v)}`).join(', ')})` : ''} ${selected} }`
        : `${operation}${declared.length ? `(${declared.map((a) => `$${a.name}: ${String(a.type)}`).join(', ')})` : ''} { ${field.name}${declared.length ? `(${declared.map((a) => `${a.name}: $${a.name}`).join(', ')})` : ''} ${selected} }`;
      const body = JSON.stringify({ query: document, variables: inline ? {} : values });
      return {
        kind: `${operation} ${field.name}`,
        token,
        sent: { headers: jsonHeaders(token), body },
      };
    });
}

export function jsonHeaders(
  token: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  };
}

/** Requests generated from the schema: every root field, with right, wrong and hostile arguments. */
export function schemaCases(schema: GraphQLSchema, pools: FuzzPools): fc.Arbitrary<FuzzCase> {
  const cases: fc.Arbitrary<FuzzCase>[] = [];
  for (const [operation, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {}))
      cases.push(fieldCase(operation, field, pools));
  }
  return fc.oneof(...cases);
}
