import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { createBuilder, type ScopeLoaderFactory } from '../schema/builder.ts';
import { registerKernelErrorTypes } from '../schema/error-types.ts';
import { registerHeartbeat } from '../schema/heartbeat.schema.ts';
import { registerScalars } from '../schema/scalars.ts';
import { assertEveryFieldHasAuthPolicy } from './auth/policy-audit.ts';
import type { Principal } from './auth/principal.ts';
import { StepUpService } from './auth/step-up.ts';
import { tokenFromAuthorization } from './auth/tokens.ts';
import { BootError } from './boot-error.ts';
import type { GatewayConfig } from './config.ts';
import type { RequestContext } from './context.ts';
import { SecretBox } from './crypto/secret-box.ts';
import { Database, resolveMasterKey } from './db/database.ts';
import { DatabaseOutage } from './db/database-outage.ts';
import { provideMigrationSecrets } from './db/migration-secrets.ts';
import { PluginFieldGate } from './enablement/field-gate.ts';
import { EventTypeRegistry } from './event-types.ts';
import type { GatewayServices } from './global-types.ts';
import { HookBus } from './hooks.ts';
import { useAccessNote } from './http/access-log.ts';
import { useBodyLimit } from './http/body-limit.ts';
import { clientIp } from './http/client-ip.ts';
import { corsOption, useVaryOnOrigin } from './http/cors.ts';
import { type Hold, useCredentialBoundStreams } from './http/credential-bound-streams.ts';
import { boundedDocumentCache } from './http/document-cache.ts';
import { maskUnexpected, useErrorCodes } from './http/error-codes.ts';
import { GRAPHIQL_OPTIONS, offlineGraphiQL } from './http/graphiql.ts';
import { useGraphQLLimits } from './http/graphql-limits.ts';
import { listen } from './http/listen.ts';
import { GatewayMetrics } from './http/metrics.ts';
import { metricsListener } from './http/metrics-exposure.ts';
import { useNestingLimit } from './http/nesting-limit.ts';
import { persistedOperationsPlugins } from './http/persisted-operations.ts';
import { type MountedRoute, routePrefixProblem } from './http/plugin-routes.ts';
import { RateLimits } from './http/rate-limits.ts';
import { useRequestJsonErrors } from './http/request-json.ts';
import { createRouter } from './http/router.ts';
import { requireUuidIds } from './http/uuid-ids.ts';
import { attachWebSocket } from './http/websocket.ts';
import { kernelPlugins } from './kernel-plugins.ts';
import { createLogger, type Logger } from './logging.ts';
import type { PluginCommand, PluginSetup } from './plugin.ts';
import type { PluginRuntime } from './plugin-runtime.ts';
import { RegulationRegistry } from './privacy/regulations.ts';
import { assertSubjectHooksAnswered } from './privacy/subject-coverage.ts';
import { type ResolvedPlugin, resolvePlugins } from './registry.ts';
import { requestScope } from './request-scope.ts';

export const GRAPHQL_PATH = '/graphql';
const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface Gateway {
  // biome-ignore lint/suspicious/noExplicitAny: the server and user context generics are not the caller's concern
  readonly yoga: YogaServerInstance<any, any>;
  readonly server: Server;
  readonly schema: GraphQLSchema;
  readonly database: Database;
  readonly services: GatewayServices;
  /** CLI commands the plugins add, by name (`ledger verify`). */
  readonly commands: ReadonlyMap<string, PluginCommand>;
  readonly plugins: readonly ResolvedPlugin[];
  readonly log: Logger;
  readonly metrics: GatewayMetrics;
  /** Applies pending migrations (all plugins, in dependency order). */
  migrate(): Promise<string[]>;
  /** Listens first (so /health answers), then migrates; resolves once ready to serve GraphQL. */
  start(options?: { port?: number; host?: string }): Promise<{ url: string }>;
  isReady(): boolean;
  close(): Promise<void>;
}

function databasePort(url: string | undefined): number | undefined {
  return url ? Number(new URL(url).port || 5432) : undefined;
}

/** Wires the kernel and the configured plugins into one gateway. Nothing listens until `start`. */
export async function createGateway(config: GatewayConfig): Promise<Gateway> {
  let outage: DatabaseOutage | undefined;
  const log = createLogger(config.log, { absorb: (err, message) => outage?.absorb(err, message) ?? false });
  const plugins = resolvePlugins([...kernelPlugins(config), ...config.plugins]);
  const database = await Database.open(config.database ?? {}, plugins, log);
  outage = new DatabaseOutage(log, () => database.isReachable(), {
    port: databasePort(config.database?.url),
  });
  const secrets = new SecretBox(resolveMasterKey(config.database ?? {}, config.secrets?.masterKey));
  provideMigrationSecrets(database.orm.config, secrets);
  const services = { stepUp: new StepUpService() } as GatewayServices;
  const isEnabled = (plugin: string, merchantId: string) => services.enablement.isEnabled(plugin, merchantId);
  const hooks = new HookBus(isEnabled);
  const scopeLoaders: ScopeLoaderFactory[] = [];
  const setups: { name: string; setup: PluginSetup<unknown> }[] = [];
  const commands = new Map<string, PluginCommand & { plugin: string }>();
  const routes: MountedRoute[] = [];
  const eventTypes = new EventTypeRegistry();
  const regulations = new RegulationRegistry();
  let builtSchema: GraphQLSchema | undefined;
  for (const { definition, options } of plugins) {
    const { name } = definition;
    const runtime: PluginRuntime = {
      name,
      options,
      log: log.child({ plugin: name }),
      orm: database.orm,
      services,
      secrets,
      eventTypes: () => eventTypes.list(),
      regulationPacks: () => regulations.list(),
      schema: () => {
        if (!builtSchema) throw new Error(`plugin "${name}" asked for the schema before it was built`);
        return builtSchema;
      },
      declareHook: (hook, declaration) => hooks.declare(name, hook, declaration),
    };
    const setup: PluginSetup<unknown> = (await definition.setup?.(runtime)) ?? {};
    if (setup.services !== undefined) (services as unknown as Record<string, unknown>)[name] = setup.services;
    if (setup.hooks) hooks.handle(name, setup.hooks);
    if (setup.authScopes) scopeLoaders.push(setup.authScopes);
    eventTypes.add(name, setup.eventTypes);
    regulations.add(name, setup.regulation, definition.enablement?.perMerchant === true);
    for (const [command, spec] of Object.entries(setup.commands ?? {})) {
      const taken = commands.get(command);
      if (taken) {
        throw new BootError({
          plugin: name,
          problem: `command "${command}" is already added by plugin "${taken.plugin}"`,
          fix: 'give the command a name that starts with the plugin’s own subject',
        });
      }
      commands.set(command, { ...spec, plugin: name });
    }
    for (const route of setup.routes ?? []) {
      const problem = routePrefixProblem(route.prefix, routes, [
        GRAPHQL_PATH,
        '/health',
        '/ready',
        '/metrics',
      ]);
      if (problem)
        throw new BootError({
          plugin: name,
          problem,
          fix: 'give the route a prefix of its own, e.g. "/<plugin name>/"',
        });
      routes.push({
        prefix: route.prefix,
        handle: (request, res) => route.handle(request, res),
        plugin: name,
      });
    }
    setups.push({ name, setup });
  }
  const requiresOf = new Map(plugins.map((p) => [p.definition.name, p.requires]));
  hooks.assertHandledHooksDeclared((plugin) => requiresOf.get(plugin) ?? new Set());
  assertSubjectHooksAnswered(
    plugins.map(({ definition }) => definition),
    (plugin, hook) => hooks.handles(plugin, hook),
  );

  const builder = createBuilder(scopeLoaders);
  registerScalars(builder);
  registerKernelErrorTypes(builder);
  registerHeartbeat(builder);
  const fieldGate = new PluginFieldGate(plugins);
  for (const { name, setup } of setups) fieldGate.register(builder, name, () => setup.schema?.(builder));
  const schema = builder.toSchema({ sortSchema: true });
  requireUuidIds(schema);
  fieldGate.apply(schema, isEnabled);
  assertEveryFieldHasAuthPolicy(schema);
  builtSchema = schema;

  const authenticate = (token: string | undefined): Promise<Principal> =>
    services.auth.authenticate(database.em.fork(), token);

  const limits = new RateLimits(database.orm, database.kind === 'postgresql', config.limits);
  const trustedProxies = config.limits?.trustedProxies ?? 0;
  /** Like `authenticate`, counting refused credentials against the caller's address. */
  const authenticateFrom = (token: string | undefined, ip: string): Promise<Principal> =>
    token ? limits.guardCredential(ip, () => authenticate(token)) : authenticate(token);

  const hold: Hold = (principal, end) => services.auth.live.hold(principal, end);

  const http = config.http ?? {};
  const graphiql = http.graphiql ?? true;
  const metrics = new GatewayMetrics();
  let ready = false;
  let closed = false;

  /** The context of a request, GraphQL's or a plugin route's: authenticated and counted once. */
  async function requestContext(
    requestId: string,
    headers: Headers,
    req: IncomingMessage | undefined,
    authenticated?: Principal,
  ): Promise<RequestContext> {
    // A WebSocket operation arrives authenticated and counted (core/http/websocket.ts).
    let principal = authenticated;
    const ip = req ? clientIp(req, trustedProxies) : undefined;
    if (!principal) {
      principal = await authenticateFrom(
        tokenFromAuthorization(headers.get('authorization')),
        ip ?? 'unknown',
      );
      await limits.request(principal, ip ?? 'unknown');
    }
    return {
      requestId,
      principal,
      em: database.em.fork(),
      log: log.child({ requestId }),
      services,
      headers,
      ...(ip ? { clientIp: ip } : {}),
    };
  }

  const yoga = createYoga<
    { requestId?: string; principal?: Principal; headers?: Headers; req?: IncomingMessage },
    RequestContext
  >({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: graphiql && GRAPHIQL_OPTIONS,
    renderGraphiQL: offlineGraphiQL(),
    cors: corsOption(http.cors),
    parserAndValidationCache: boundedDocumentCache(),
    healthCheckEndpoint: '/yoga-health-unused',
    // Unexpected errors are logged once, with their stack, by maskUnexpected.
    logging: false,
    maskedErrors: { maskError: maskUnexpected(log, (error) => outage.isOutageError(error)), isDev: false },
    // useBodyLimit enforces the limit; Yoga's own check would pipe every body through a second
    // stream (about 5 % of the gateway's CPU per request, measured in the payments bench).
    maxRequestBodySize: false,
    plugins: [
      useBodyLimit(http.bodyLimitBytes ?? DEFAULT_BODY_LIMIT),
      useRequestJsonErrors(),
      // Before useNestingLimit: its refusing parse function must replace Armor's token-counting one.
      ...useGraphQLLimits(http.limits, http.introspection ?? true),
      useNestingLimit(),
      useErrorCodes(),
      useCredentialBoundStreams(hold),
      ...(http.cors?.origins.length ? [useVaryOnOrigin()] : []),
      metrics.yogaPlugin(),
      ...persistedOperationsPlugins(config.http?.persistedOperations),
      useAccessNote(),
    ],
    context: (initial): Promise<RequestContext> =>
      requestContext(
        initial.requestId ?? randomUUID(),
        initial.request?.headers ?? initial.headers ?? new Headers(),
        initial.req,
        initial.principal,
      ),
  });

  const server = createServer(
    createRouter({
      graphqlPath: GRAPHQL_PATH,
      yoga,
      metrics,
      log,
      publicMetrics: http.metrics === 'public',
      graphiql,
      isReady: () => ready,
      databaseReachable: () => database.isReachable(),
      routes,
      routeContext: (req, requestId) => requestContext(requestId, headersOf(req), req),
    }),
  );
  // Idle keep-alive connections: the server waits longest (load balancers close theirs after
  // 60 s), so that no client or proxy sends a request on a connection the server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const websocket = attachWebSocket({
    server,
    path: GRAPHQL_PATH,
    yoga,
    authenticate,
    authenticateFrom,
    countRequest: (principal, ip) => limits.request(principal, ip),
    clientIp: (request) => clientIp(request, trustedProxies),
    hold,
    isReady: () => ready,
    metrics,
    log,
  });

  const metricsServer = metricsListener(http.metrics, metrics);

  const migrate = () => requestScope.run({ requestId: 'migrate' }, () => database.migrate());

  async function migrateUntilReady(): Promise<void> {
    for (let attempt = 1, delay = 250; !closed; attempt++, delay = Math.min(delay * 2, 5000)) {
      try {
        const applied = await migrate();
        if (applied.length > 0) log.info({ applied }, 'migrations applied');
        return;
      } catch (error) {
        // Only an unreachable database is worth waiting for; a failing migration, a missing
        // database or a refused role need a person (probe throws their BootError).
        if (await database.probe()) throw error;
        log.warn({ err: error, attempt }, 'database not reachable; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return {
    yoga,
    server,
    schema,
    database,
    services,
    plugins,
    commands,
    log,
    metrics,
    migrate,
    isReady: () => ready,
    async start(options = {}) {
      const port = options.port ?? http.port ?? 4000;
      const host = options.host ?? http.host ?? '127.0.0.1';
      await listen(server, port, host);
      const address = server.address() as AddressInfo;
      const url = `http://${localName(host)}:${address.port}${GRAPHQL_PATH}`;
      const metricsUrl = await metricsServer.start();
      log.info({ url, host, metrics: metricsUrl, database: database.kind }, 'listening; migrating');
      await migrateUntilReady();
      if (closed) return { url };
      for (const { setup } of setups) await setup.onReady?.();
      ready = !closed;
      log.info({ url }, 'ready');
      return { url };
    },
    async close() {
      closed = true;
      ready = false;
      for (const { setup } of [...setups].reverse()) await setup.onClose?.();
      await websocket.close();
      await metricsServer.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      await database.close();
      outage?.close();
      log.flush?.();
    },
  };
}

/** A Node request's headers as a Fetch `Headers` (lower-case names, repeated ones joined). */
function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** The URL a local client uses for a listening address (a wildcard means every interface). */
function localName(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
