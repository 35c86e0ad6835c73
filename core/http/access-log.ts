import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DocumentNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../logging.ts';
import { type AccessNote, requestScope } from '../request-scope.ts';

/**
 * One line per HTTP request, when its response has finished: method, path (never the query
 * string: GET requests carry their variables there), the GraphQL operation's name and type, the
 * status, the duration and the principal's kind. Nothing the client sent beyond the operation
 * name reaches it: no variables, no headers, no ids. Probes (/health, /ready, /metrics) are
 * logged at debug level so that they do not drown the rest.
 */
export function logAccess(
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  note: AccessNote,
  probe: boolean,
): void {
  const started = performance.now();
  res.once('close', () => {
    const line = {
      method: req.method,
      path,
      ...note,
      status: res.statusCode,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(res.writableFinished ? {} : { aborted: true }),
    };
    if (probe) log.debug(line, 'request');
    else log.info(line, 'request');
  });
}

function noteOperation(document: DocumentNode, operationName: string | null | undefined): void {
  const note = requestScope.getStore()?.access;
  const operation = note && getOperationAST(document, operationName);
  if (!note || !operation) return;
  note.operation = operation.name?.value;
  note.operationType = operation.operation;
}

function notePrincipal(context: unknown): void {
  const note = requestScope.getStore()?.access;
  const kind = (context as { principal?: Principal } | undefined)?.principal?.kind;
  if (note && kind) note.principal = kind;
}

/**
 * Tells the access log which operation a request asked for (once its document parses, so a
 * request that fails validation is named too) and for what kind of principal it ran.
 */
export function useAccessNote(): Plugin<{ params?: { operationName?: string | null } }> {
  return {
    onParse:
      ({ context }) =>
      ({ result }) => {
        if (result && 'kind' in result) noteOperation(result, context.params?.operationName);
      },
    onExecute: ({ args }) => notePrincipal(args.contextValue),
    onSubscribe: ({ args }) => notePrincipal(args.contextValue),
  };
}
