import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { unauthenticated } from '../auth/auth.service.ts';
import type { CredentialEnd } from '../auth/live-credentials.ts';
import type { Principal } from '../auth/principal.ts';
import { tokenFromAuthorization } from '../auth/tokens.ts';
import type { Logger } from '../logging.ts';
import type { GatewayMetrics } from './metrics.ts';

export interface WebSocketOptions {
  server: Server;
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: Yoga's server and user context generics do not matter here
  yoga: YogaServerInstance<any, any>;
  /** Resolves a principal (through the principal cache): at connection_init, then per operation. */
  authenticate: (token: string | undefined) => Promise<Principal>;
  /** `authenticate` at connection_init, counting a refused credential against the address. */
  authenticateFrom: (token: string | undefined, ip: string) => Promise<Principal>;
  /** Counts an operation against the rate limits; throws RATE_LIMITED when over. */
  countRequest: (principal: Principal, ip: string) => Promise<void>;
  clientIp: (request: IncomingMessage) => string;
  /** Keeps the connection's credential under watch; `end` runs when it is revoked or expires. */
  hold: (principal: Principal, end: (reason: CredentialEnd) => void) => () => void;
  isReady: () => boolean;
  metrics: GatewayMetrics;
  log: Logger;
}

interface Extra extends Record<PropertyKey, unknown> {
  principal?: Principal;
  token?: string;
  ip?: string;
  release?: () => void;
}

/** Close reasons with code 4403 (Forbidden) once the connection was accepted: docs/partner-guide.md. */
export const CLOSE_REASONS = {
  revoked: 'Credential revoked',
  expired: 'Credential expired',
} as const;

type Executor = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };

/**
 * graphql-ws on the GraphQL endpoint, executed through Yoga's envelop so that scope-auth, error
 * codes and masking behave exactly as over HTTP. Credentials come in `connection_init`:
 * `{ "authorization": "Bearer gw_..." }`; a bad credential closes the socket with 4403. The
 * credential is checked again for every operation (through the principal cache, as over HTTP),
 * and its revocation or expiry closes the socket with 4403 within seconds, in every process.
 */
export function attachWebSocket(options: WebSocketOptions): { close: () => Promise<void> } {
  // noServer: with `server`, ws re-emits every HTTP server error (a port in use) as a WebSocket
  // server error, and graphql-ws logs it as its own internal error before boot can say what it is.
  const wss = new WebSocketServer({ noServer: true, path: options.path });
  // handleUpgrade answers 400 to an upgrade on another path, as ws does with `server`.
  options.server.on('upgrade', (request, socket, head) =>
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request)),
  );
  const disposable = useServer<Record<string, unknown>, Extra>(
    {
      execute: (args) => (args.rootValue as Executor).execute(args) as never,
      subscribe: (args) => (args.rootValue as Executor).subscribe(args) as never,
      onConnect: async (ctx) => {
        if (!options.isReady()) return false;
        const token =
          tokenFromAuthorization(
            ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization,
          ) ?? tokenFromAuthorization(ctx.extra.request.headers.authorization);
        const ip = options.clientIp(ctx.extra.request);
        try {
          ctx.extra.principal = await options.authenticateFrom(token, ip);
        } catch {
          return false;
        }
        ctx.extra.token = token;
        ctx.extra.ip = ip;
        const { socket } = ctx.extra;
        ctx.extra.release = options.hold(ctx.extra.principal, (reason) =>
          socket.close(CloseCode.Forbidden, CLOSE_REASONS[reason]),
        );
        options.metrics.websocketConnections.inc();
        return true;
      },
      onDisconnect: (ctx) => {
        if (ctx.acknowledged) options.metrics.websocketConnections.dec();
      },
      onClose: (ctx) => {
        ctx.extra.release?.();
      },
      onSubscribe: async (ctx, _id, payload) => {
        try {
          ctx.extra.principal = await options.authenticate(ctx.extra.token);
        } catch {
          ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden');
          return [unauthenticated('The credential is unknown, expired or revoked')];
        }
        try {
          await options.countRequest(ctx.extra.principal, ctx.extra.ip!);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = options.yoga.getEnveloped({
          ...ctx,
          principal: ctx.extra.principal,
          headers: new Headers(
            Object.entries(ctx.extra.request.headers).flatMap(([k, v]) =>
              v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]],
            ),
          ),
          params: payload,
        });
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as never];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );
  return {
    close: async () => {
      for (const client of wss.clients) client.close(CloseCode.InternalServerError, 'Server shutting down');
      await disposable.dispose();
    },
  };
}
