import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntitySchema, MigrationObject, MikroORM, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { MikroORM as PgliteMikroORM } from '@mikro-orm/pglite';
import { MikroORM as PostgresMikroORM } from '@mikro-orm/postgresql';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { BootError } from '../boot-error.ts';
import type { DatabaseConfig } from '../config.ts';
import type { Logger } from '../logging.ts';
import type { ResolvedPlugin } from '../registry.ts';
import { connectionRefusal, unreachable } from './connection-refusal.ts';
import { lockEmbeddedDatabase } from './embedded-lock.ts';

export type DatabaseKind = 'pglite' | 'postgresql';

export interface MigrationStatus {
  executed: string[];
  pending: string[];
}

// Any constant works; it only has to be the same in every gateway process.
const MIGRATION_LOCK = 727_100_001;

export const DEFAULT_DATA_DIR = './data';

/** Every plugin's migrations, in plugin dependency order, named `<plugin>/<migration>`. */
export function collectMigrations(plugins: readonly ResolvedPlugin[]): MigrationObject[] {
  return plugins.flatMap(({ definition }) =>
    (definition.migrations ?? []).map((m) => ({ name: `${definition.name}/${m.name}`, class: m.class })),
  );
}

export class Database {
  readonly orm: MikroORM;
  readonly kind: DatabaseKind;
  /** Releases the embedded database's folder for other processes. */
  readonly #unlock: (() => void) | undefined;
  readonly #url: string | undefined;

  /**
   * The database the config names. The embedded one's driver (@mikro-orm/pglite, which loads
   * PGlite's WebAssembly build) is imported only when it is the one used: a gateway on a
   * PostgreSQL server never runs it, and importing it allocated about 3 MB during boot and kept
   * 1 MB of it alive (issue 12: the boot's garbage and live heap set how far V8 grows the heap).
   */
  static async open(
    config: DatabaseConfig,
    plugins: readonly ResolvedPlugin[],
    log: Logger,
  ): Promise<Database> {
    const embedded = config.url ? undefined : (await import('@mikro-orm/pglite')).MikroORM;
    return new Database(config, plugins, log, embedded);
  }

  private constructor(
    config: DatabaseConfig,
    plugins: readonly ResolvedPlugin[],
    log: Logger,
    Embedded: typeof PgliteMikroORM | undefined,
  ) {
    const entities = plugins.flatMap((p) => [...(p.definition.entities ?? [])]) as EntitySchema[];
    const common: Partial<Options> = {
      entities,
      extensions: [Migrator],
      // Our own pino logger reports queries at debug level; MikroORM's console logger stays off.
      debug: false,
      logger: (message) => log.debug({ component: 'orm' }, message),
      migrations: { migrationsList: collectMigrations(plugins), snapshot: false, silent: true },
      forceUtcTimezone: true,
      allowGlobalContext: false,
      ensureDatabase: false,
      // Plugins ship hand-written PL/pgSQL in their migrations (the ledger's functions, the
      // payment event triggers); the schema diff must not treat them as strays to drop.
      schemaGenerator: { ignoreRoutines: true, ignoreTriggers: true },
    };
    this.#url = config.url;
    if (!Embedded) {
      this.kind = 'postgresql';
      this.orm = new PostgresMikroORM({
        ...common,
        clientUrl: config.url,
        pool: { min: 0, max: config.poolSize ?? 10 },
      } as never) as unknown as MikroORM;
    } else {
      this.kind = 'pglite';
      const dataDir = config.dataDir ?? DEFAULT_DATA_DIR;
      if (!dataDir.startsWith('memory:')) {
        mkdirSync(dataDir, { recursive: true });
        this.#unlock = lockEmbeddedDatabase(dataDir);
      }
      this.orm = new Embedded({
        ...common,
        dbName: dataDir,
        // A function, because MikroORM deep-copies option objects and a copied Blob is unusable.
        driverOptions: config.embeddedSnapshot ? () => ({ loadDataDir: config.embeddedSnapshot }) : undefined,
      } as never) as unknown as MikroORM;
    }
  }

  get em(): SqlEntityManager {
    return this.orm.em as unknown as SqlEntityManager;
  }

  /** Applies pending migrations once, even when several processes start together (an advisory lock). */
  async migrate(): Promise<string[]> {
    // PGlite is one process with one connection: no one to race, and a lock held around the
    // migrator would block the migrator's own bookkeeping queries.
    if (this.kind === 'pglite') return (await this.orm.migrator.up()).map((m) => m.name);
    const em = this.em.fork();
    return em.transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      const applied = await this.orm.migrator.up({ transaction: tx.getTransactionContext() });
      return applied.map((m) => m.name);
    });
  }

  async status(): Promise<MigrationStatus> {
    const [executed, pending] = await Promise.all([
      this.orm.migrator.getExecuted(),
      this.orm.migrator.getPending(),
    ]);
    return { executed: executed.map((m) => m.name), pending: pending.map((m) => m.name) };
  }

  async isReachable(): Promise<boolean> {
    return (await this.orm.checkConnection()).ok;
  }

  /**
   * True when a query goes through, false while the server cannot be reached (worth waiting
   * for); a BootError when it answers but refuses for good (no such database, a bad role).
   */
  async probe(): Promise<boolean> {
    let check = await this.orm.checkConnection();
    if (!check.ok && !check.error) {
      // Not connected yet (the ORM connects on first use): connect, then ask again.
      try {
        await this.orm.connect();
        check = await this.orm.checkConnection();
      } catch (error) {
        check = { ok: false, reason: (error as Error).message, error: error as Error };
      }
    }
    if (check.ok || !this.#url) return check.ok;
    const refusal = connectionRefusal(check.error, this.#url);
    if (refusal) throw refusal;
    return false;
  }

  /** For commands that cannot wait: resolves once a query goes through, else a BootError. */
  async assertConnected(): Promise<void> {
    if (await this.probe()) return;
    const check = await this.orm.checkConnection();
    const error = check.ok ? undefined : (check.error ?? new Error(check.reason));
    throw this.#url ? unreachable(error, this.#url) : error;
  }

  /** True when a query goes through and no migration is pending. */
  async isReady(): Promise<boolean> {
    try {
      const { pending } = await this.status();
      return pending.length === 0;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    try {
      await this.orm.close(true);
    } finally {
      this.#unlock?.();
    }
  }
}

/**
 * The master key: from config, else (embedded database on disk only) the one kept beside the
 * data, generated on first start. A server database without a key refuses to boot rather than
 * encrypt with a key that would be lost.
 */
export function resolveMasterKey(config: DatabaseConfig, given: string | undefined): Buffer {
  if (given) {
    const key = Buffer.from(given, 'base64');
    if (key.length !== 32) {
      throw new BootError({
        problem: 'the master key is not 32 bytes of base64',
        fix: 'set GATEWAY_MASTER_KEY to the output of `openssl rand -base64 32`',
      });
    }
    return key;
  }
  if (config.url) {
    throw new BootError({
      problem: 'no master key is set for a PostgreSQL server',
      fix: 'set GATEWAY_MASTER_KEY to the output of `openssl rand -base64 32` and keep it in your secret store',
    });
  }
  const dataDir = config.dataDir ?? DEFAULT_DATA_DIR;
  if (dataDir.startsWith('memory:')) return Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'), {
      mode: 0o600,
    });
    chmodSync(file, 0o600);
  }
  return resolveMasterKey(config, readFileSync(file, 'utf8').trim());
}
