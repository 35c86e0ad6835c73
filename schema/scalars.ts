import { GraphQLError, Kind } from 'graphql';
import type { GatewayBuilder } from './builder.ts';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) {
    throw new GraphQLError(
      'DateTime must be an RFC 3339 string with a time zone, e.g. 2026-01-31T09:00:00Z',
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError(`${value} is not a valid date`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}

export function registerScalars(builder: GatewayBuilder): void {
  builder.scalarType('DateTime', {
    description: 'An instant, as an RFC 3339 string in UTC (e.g. 2026-01-31T09:00:00.000Z).',
    serialize: (value) => (value as Date).toISOString(),
    parseValue: parseDateTime,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
      return parseDateTime(ast.value);
    },
  });
}
