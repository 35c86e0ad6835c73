import { DriverException } from '@mikro-orm/core';
import { expect, test } from 'vitest';
import { isBadValueError, isDatabaseUnreachable } from '../../../core/db/database-errors.ts';

const refused = (port: number) =>
  Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED', port });

test('a refused connection is an outage only when it is the database’s', () => {
  expect(isDatabaseUnreachable(new DriverException(refused(5432)))).toBe(true);
  // The LISTEN clients' bare pg errors carry the server's port.
  expect(isDatabaseUnreachable(refused(5432), 5432)).toBe(true);
  // A webhook receiver, Redis, an acquirer: not the database.
  expect(isDatabaseUnreachable(refused(6379), 5432)).toBe(false);
  expect(isDatabaseUnreachable(new TypeError('fetch failed', { cause: refused(8080) }), 5432)).toBe(false);
  // The server shutting down, or a dropped pg socket.
  const shutdown = Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
    severity: 'FATAL',
  });
  expect(isDatabaseUnreachable(shutdown)).toBe(true);
  expect(isDatabaseUnreachable(new Error('Connection terminated unexpectedly'))).toBe(true);
});

test('a data exception is a bad value, not an outage', () => {
  const outOfRange = Object.assign(new Error('value "1e30" is out of range for type bigint'), {
    code: '22003',
    severity: 'ERROR',
  });
  expect(isBadValueError(new DriverException(outOfRange))).toBe(true);
  expect(isDatabaseUnreachable(new DriverException(outOfRange))).toBe(false);
});
