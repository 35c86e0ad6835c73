import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fieldsWithoutAuthPolicy } from '../../core/auth/policy-audit.ts';
import { withoutDatabase } from '../../core/cli/load-config.ts';
import { createGateway, type Gateway } from '../../core/gateway.ts';
import config from '../../yoga.config.ts';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await createGateway(withoutDatabase(config));
});
afterAll(() => gateway?.close());

test('every field of the full schema (every installed plugin) has an explicit auth policy', () => {
  expect(fieldsWithoutAuthPolicy(gateway.schema)).toEqual([]);
  const fields = Object.values(gateway.schema.getTypeMap()).filter((t) => !t.name.startsWith('__'));
  expect(fields.length).toBeGreaterThan(10);
});

test('schema/schema.graphql is up to date: run `npm run schema:print` after an API change', () => {
  const checkedIn = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
  expect(checkedIn).toBe(`${printSchema(gateway.schema)}\n`);
});
