import { GraphQLError } from 'graphql';
import { maskError, type Plugin } from 'graphql-yoga';
import type { Logger } from '../logging.ts';

/**
 * Stable `extensions.code` for each failure a client can cause, so clients branch on codes, not
 * on messages. Anything unexpected is logged here with its stack and reaches the client as
 * INTERNAL_SERVER_ERROR with no detail.
 */
export const ERROR_CODES = {
  badRequest: 'BAD_REQUEST',
  parseFailed: 'GRAPHQL_PARSE_FAILED',
  validationFailed: 'GRAPHQL_VALIDATION_FAILED',
  badUserInput: 'BAD_USER_INPUT',
  unknownOperation: 'OPERATION_RESOLUTION_FAILURE',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  internal: 'INTERNAL_SERVER_ERROR',
} as const;

function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

export function maskUnexpected(log: Logger) {
  return (error: unknown, message: string): Error => {
    const masked = maskError(error, message, false);
    if (masked !== error)
      log.error({ err: (error as GraphQLError).originalError ?? error }, 'unexpected error');
    return masked;
  };
}

export function useErrorCodes(): Plugin {
  return {
    onParse:
      () =>
      ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) replaceParseResult(withCode(result, ERROR_CODES.parseFailed));
      },
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (result.length > 0) setResult(result.map((e) => withCode(e, ERROR_CODES.validationFailed)));
      },
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        // graphql-js answers bad variables and an unknown operationName with errors and no data.
        if (!('errors' in result) || !result.errors || 'data' in result) return;
        setResult({
          ...result,
          errors: result.errors.map((e) =>
            withCode(
              e,
              /^Unknown operation named|^Must provide operation name/.test(e.message)
                ? ERROR_CODES.unknownOperation
                : ERROR_CODES.badUserInput,
            ),
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
