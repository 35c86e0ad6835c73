import type { CorsConfig } from './http/cors.ts';
import type { GraphQLLimits } from './http/graphql-limits.ts';
import type { MetricsExposure } from './http/metrics-exposure.ts';
import type { PersistedOperationsConfig } from './http/persisted-operations.ts';
import type { LogConfig } from './logging.ts';
import type { InstalledPlugin } from './plugin.ts';

export interface DatabaseConfig {
  /** A PostgreSQL server (`postgres://...`). When absent, the embedded PGlite database is used. */
  url?: string;
  /** The embedded database's folder, or `memory://` for one that lives only as long as the process. */
  dataDir?: string;
  /**
   * Start an embedded in-memory database from this data-dir snapshot (a PGlite `dumpDataDir()`)
   * instead of running initdb: the tests use it to boot in under a second.
   */
  embeddedSnapshot?: Blob;
  /** Connection pool size for a server. */
  poolSize?: number;
}

export interface HttpConfig {
  port?: number;
  /** The interface to listen on: 127.0.0.1 by default; `0.0.0.0` (or `::`) for every interface. */
  host?: string;
  /** Larger request bodies are refused with PAYLOAD_TOO_LARGE before they are parsed. */
  bodyLimitBytes?: number;
  /** GraphiQL in the browser at the GraphQL endpoint, served from the package (no CDN). Default on. */
  graphiql?: boolean;
  /** Off when absent: run listed operations by hash (docs/typed-client.md). */
  persistedOperations?: PersistedOperationsConfig;
  /** Schema introspection (`__schema`, `__type`); off also hides field suggestions. Default on. */
  introspection?: boolean;
  /** Depth, alias, token, directive and cost limits per document (docs/production.md). */
  limits?: GraphQLLimits;
  /** Browser origins allowed to call the API cross-origin; none by default. */
  cors?: CorsConfig;
  /** Where `/metrics` is served: nowhere by default (docs/production.md). */
  metrics?: MetricsExposure;
}

export interface SecretsConfig {
  /**
   * 32 bytes, base64: encrypts secrets and personal data at rest. Required with a database
   * server; the embedded database keeps a generated one in `<dataDir>/master.key`.
   */
  masterKey?: string;
}

export interface AuthConfig {
  /** Seconds a resolved API key or session is trusted without a database round trip (default 5, 0 = off). */
  principalCacheSeconds?: number;
}

export interface RateLimit {
  requests: number;
  perSeconds: number;
}

/**
 * Abuse limits, shared by every gateway process through the database (README "Limits"). A caller
 * over a limit gets RATE_LIMITED, HTTP 429 with Retry-After.
 */
export interface LimitsConfig {
  /** Default true. */
  enabled?: boolean;
  /**
   * Requests (and WebSocket operations) per credential, by principal kind; anonymous ones count
   * per client address. Unset kinds keep their defaults (core/http/rate-limits.ts).
   */
  requests?: Partial<Record<'anonymous' | 'customer' | 'merchant' | 'partner' | 'operator', RateLimit>>;
  /**
   * Credentials refused per client address (API key guessing) before the address is refused for
   * `blockSeconds`. Default 20 per 60 s, blocked 300 s.
   */
  credentialFailures?: { attempts?: number; perSeconds?: number; blockSeconds?: number };
  /**
   * Reverse proxies in front of the gateway that append the peer to X-Forwarded-For; the client
   * address is the one the outermost of them saw. Default 0: the socket's peer.
   */
  trustedProxies?: number;
}

export interface GatewayConfig {
  database?: DatabaseConfig;
  http?: HttpConfig;
  secrets?: SecretsConfig;
  log?: LogConfig;
  auth?: AuthConfig;
  limits?: LimitsConfig;
  /** The installed plugins, in any order: the registry orders them by `requires`. */
  plugins: readonly InstalledPlugin[];
}

/** Types the operator's `yoga.config.ts`. */
export function defineConfig(config: GatewayConfig): GatewayConfig {
  return config;
}
