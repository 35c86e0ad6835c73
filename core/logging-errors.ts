import pino from 'pino';
import { errorChain, isDatabaseStatementError, sqlStateOf } from './db/database-errors.ts';

/** What a database error may say in a log: identifiers of the schema, never values. */
const SCHEMA_FIELDS = ['routine', 'table', 'column', 'constraint', 'schema', 'dataType'] as const;

const FRAME = /^\s+at /;

/**
 * The logger's serializer for `err`. A database statement error's text (message, detail,
 * where, query, parameters) quotes the values that were sent, a key or a card number sent
 * where an id belongs among them, and redaction by key name cannot see inside it: such an
 * error is logged as its SQLSTATE, the schema names involved and its stack frames only.
 * Every other error is logged as pino logs it.
 */
export function serializeError(error: unknown): unknown {
  if (!error || typeof error !== 'object') return error;
  if (!isDatabaseStatementError(error)) return pino.stdSerializers.err(error as Error);
  const schemaInfo =
    errorChain(error).find((item) => SCHEMA_FIELDS.some((key) => typeof item[key] === 'string')) ?? {};
  const code = sqlStateOf(error);
  const safe: Record<string, unknown> = {
    type: (error as Error).constructor?.name ?? 'Error',
    message: `database error${code ? ` ${code}` : ''} (its text is not logged: it may quote input values)`,
    code,
  };
  for (const key of SCHEMA_FIELDS) if (typeof schemaInfo[key] === 'string') safe[key] = schemaInfo[key];
  const stack = (error as Error).stack;
  if (typeof stack === 'string')
    safe.stack = stack
      .split('\n')
      .filter((line) => FRAME.test(line))
      .join('\n');
  return safe;
}
