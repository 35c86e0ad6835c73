import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { longText } from '../../../core/db/sql.ts';

test('a long text parameter is the literal MikroORM would write for it', () => {
  const platform = new PostgreSqlPlatform();
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: fc.constantFrom('a', "'", '\\', '?', 'E', ' ', '결') }),
  );
  fc.assert(
    fc.property(text, (value) => {
      expect(longText(value).sql).toBe(platform.escape(value));
    }),
    { numRuns: 2000 },
  );
});
