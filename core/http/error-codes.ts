import { PothosValidationError } from '@pothos/core';
import { type DocumentNode, GraphQLError, Kind } from 'graphql';
import { maskError, type Plugin } from 'graphql-yoga';
import { GatewayError, ValidationError } from '../../schema/errors.ts';
import { isBadValueError, isDatabaseUnreachable } from '../db/database-errors.ts';
import type { Logger } from '../logging.ts';
import { literalInputPath, variableInputPath } from './input-path.ts';

/**
 * Stable `extensions.code` for each failure a client can cause, so clients branch on codes, not
 * on messages. Anything unexpected is logged here with its stack and reaches the client as
 * INTERNAL_SERVER_ERROR with no detail. docs/errors.md lists them for clients.
 */
export const ERROR_CODES = {
  badRequest: 'BAD_REQUEST',
  parseFailed: 'GRAPHQL_PARSE_FAILED',
  validationFailed: 'GRAPHQL_VALIDATION_FAILED',
  badUserInput: 'BAD_USER_INPUT',
  unknownOperation: 'OPERATION_RESOLUTION_FAILURE',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  databaseUnavailable: 'DATABASE_UNAVAILABLE',
  internal: 'INTERNAL_SERVER_ERROR',
} as const;

/** What a client is told to wait before retrying while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 2;

function withExtensions(error: GraphQLError, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, ...extensions },
  });
}

function withCode(error: GraphQLError, code: string, field?: string): GraphQLError {
  if (error.extensions?.code && (!field || error.extensions.field)) return error;
  return withExtensions(error, {
    code: error.extensions?.code ?? code,
    ...(field && !error.extensions?.field ? { field } : {}),
  });
}

/** A new answer for the same place in the result, with none of the original's text. */
function answer(
  at: GraphQLError | undefined,
  message: string,
  extensions: Record<string, unknown>,
): GraphQLError {
  return new GraphQLError(message, { nodes: at?.nodes, path: at?.path, extensions });
}

function argumentNames(at: GraphQLError | undefined): string[] {
  const node = at?.nodes?.[0];
  return node?.kind === Kind.FIELD ? (node.arguments ?? []).map((a) => a.name.value) : [];
}

/** Errors a resolver raised because of what the client sent, as the client should see them. */
function clientMistake(original: unknown, at: GraphQLError | undefined): GraphQLError | undefined {
  const badInput = ERROR_CODES.badUserInput;
  if (original instanceof ValidationError)
    return answer(at, original.message, { code: badInput, field: original.field });
  if (original instanceof GatewayError) return answer(at, original.message, { code: original.code });
  if (original instanceof PothosValidationError) {
    // The relay plugin's refusals of first/last, and of cursors it cannot decode.
    const named = /^Argument "(\w+)"/.exec(original.message)?.[1];
    const cursor = argumentNames(at).filter((name) => name === 'after' || name === 'before');
    const field = named ?? (cursor.length > 0 ? cursor.join(',') : undefined);
    const message = named ? original.message : `${field ?? 'a cursor'} is not a cursor of this list`;
    return answer(at, message, { code: badInput, ...(field ? { field } : {}) });
  }
  return undefined;
}

/**
 * Yoga's `maskError`: client mistakes become BAD_USER_INPUT naming the input, an unreachable
 * database a retryable DATABASE_UNAVAILABLE (HTTP 503), and only the rest is logged with its
 * stack and masked.
 */
export function maskUnexpected(log: Logger, isOutage: (error: unknown) => boolean = isDatabaseUnreachable) {
  return (error: unknown, message: string): Error => {
    const at = error instanceof GraphQLError ? error : undefined;
    const original = at?.originalError ?? error;
    const mistake = clientMistake(original, at);
    if (mistake) return mistake;
    if (isOutage(original)) {
      // Logged once per outage, not per request: the gateway's logger folds these together.
      log.warn({ err: original }, 'request failed: the database is unreachable');
      return answer(at, 'The database is unreachable; retry shortly (with the same idempotency key)', {
        code: ERROR_CODES.databaseUnavailable,
        retryable: true,
        http: { status: 503, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
      });
    }
    if (isBadValueError(original)) {
      // A value no edge check caught (the database refused it). Logged without the driver's
      // text, which quotes the value; answered as the client's mistake, naming where.
      const args = argumentNames(at);
      const field = args.length === 1 ? args[0] : (at?.path?.at(-1) as string | undefined);
      log.warn({ err: original, field }, 'the database refused a value; answered BAD_USER_INPUT');
      return answer(at, `A value given to ${field ?? 'this field'} is out of range or malformed`, {
        code: ERROR_CODES.badUserInput,
        ...(field ? { field } : {}),
      });
    }
    const masked = maskError(error, message, false);
    if (masked !== error) log.error({ err: original }, 'unexpected error');
    return masked;
  };
}

function fieldOfLiteral(error: GraphQLError, document: DocumentNode): string | undefined {
  const node = error.nodes?.[0];
  return node ? literalInputPath(document, node) : undefined;
}

export function useErrorCodes(): Plugin {
  return {
    onParse:
      () =>
      ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) replaceParseResult(withCode(result, ERROR_CODES.parseFailed));
      },
    onValidate:
      ({ params }) =>
      ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(
          result.map((e) => withCode(e, ERROR_CODES.validationFailed, fieldOfLiteral(e, params.documentAST))),
        );
      },
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        // graphql-js answers bad variables and an unknown operationName with errors and no data.
        if (!('errors' in result) || !result.errors || 'data' in result) return;
        setResult({
          ...result,
          errors: result.errors.map((e) =>
            /^Unknown operation named|^Must provide operation name/.test(e.message)
              ? withCode(e, ERROR_CODES.unknownOperation)
              : withCode(e, ERROR_CODES.badUserInput, variableInputPath(e)),
          ),
        });
      },
    }),
    onResultProcess: ({ result, setResult }) => {
      const withErrors = result as { errors?: readonly GraphQLError[] };
      if (Array.isArray(result) || !withErrors.errors) return;
      const fix = (e: GraphQLError) => {
        if (e.extensions?.code) return e;
        const status = (e.extensions?.http as { status?: number } | undefined)?.status ?? 0;
        return withCode(e, status >= 400 && status < 500 ? ERROR_CODES.badRequest : ERROR_CODES.internal);
      };
      if (withErrors.errors.some((e) => !e.extensions?.code)) {
        setResult({ ...result, errors: withErrors.errors.map(fix) } as typeof result);
      }
    },
  };
}
