import type { EntityManager, EntitySchema, MigrationObject } from '@mikro-orm/core';
import type { z } from 'zod';
import type { GatewayBuilder, ScopeLoaderFactory } from '../schema/builder.ts';
import type { DataMap } from './db/data-map.ts';
import type { EventTypeDeclaration } from './event-types.ts';
import type { GatewayServices } from './global-types.ts';
import type { HookHandlers } from './hooks.ts';
import type { PluginRoute } from './http/plugin-routes.ts';
import type { PluginRuntime } from './plugin-runtime.ts';
import type { ProcessingPurpose } from './privacy/profile-purposes.ts';
import type { RegulationPack } from './privacy/regulation-pack.ts';

/** A MikroORM migration, named so that it is recorded as `<plugin>/<name>`. */
export type PluginMigration = MigrationObject;

type AnyOptionsSchema = z.ZodType<unknown, unknown>;
export type OptionsOf<S> = S extends z.ZodType<infer O, unknown> ? O : Record<string, never>;
type OptionsInputOf<S> = S extends z.ZodType<unknown, infer I> ? I : Record<string, never>;

/** The services a plugin must offer: what its `global-types.ts` declared under its name. */
export type ServicesOf<Name extends string> = Name extends keyof GatewayServices
  ? GatewayServices[Name]
  : never;

/**
 * Whether operators turn the plugin on and off per merchant at run time (regulation packs, fraud
 * rules). Installing it (listing it in yoga.config.ts) adds its schema, tables and migrations;
 * enabling decides, per merchant, whether its hooks run and its fields answer.
 */
export interface PluginEnablement {
  readonly perMerchant: true;
  /** For a merchant no operator has decided for yet. */
  readonly default: 'on' | 'off';
}

/** A CLI command a plugin adds: `npm run gateway -- <name>` (e.g. `ledger verify`). */
export interface PluginCommand {
  readonly summary: string;
  /** Runs on a migrated database; the exit code is the process's. */
  run(io: {
    em: EntityManager;
    out(line: string): void;
    /** The command line's `--name value` options the CLI knows (`--format`, `--in`, `--out`). */
    flags: Readonly<Record<string, string | undefined>>;
  }): Promise<number>;
}

/** What a plugin contributes, from one closure: per-gateway state is a local of `setup`. */
export interface PluginSetup<Services> {
  /** What other plugins (and this one's schema) call, as `services.<plugin name>`. */
  services?: Services;
  /** Extends the GraphQL schema. Runs after every plugin is set up. */
  schema?(builder: GatewayBuilder): void;
  /** Handlers for hooks that plugins this one requires declare. */
  hooks?: HookHandlers;
  /** Loaders for the auth scopes this plugin adds to `GatewayAuthScopes`. */
  authScopes?: ScopeLoaderFactory;
  commands?: Readonly<Record<string, PluginCommand>>;
  /** HTTP routes beside `/graphql`, each under a path prefix of its own (a download). */
  routes?: readonly PluginRoute[];
  /** Every event type the plugin emits, with its payload's schema (listed by `eventTypes`). */
  eventTypes?: readonly EventTypeDeclaration[];
  /** The law this plugin encodes (a regulation pack: `plugins/gdpr`); the plugin must be switched per merchant. */
  regulation?: RegulationPack;
  /** Runs once the database is migrated and the server is about to accept traffic. */
  onReady?(): Promise<void> | void;
  onClose?(): Promise<void> | void;
}

export interface PluginDefinition<
  Name extends string = string,
  Schema extends AnyOptionsSchema | undefined = AnyOptionsSchema | undefined,
> {
  /** Unique, kebab-case; also the prefix of its migrations and the key of its services. */
  name: Name;
  version: string;
  description?: string;
  /** Plugins that must be installed and set up before this one. */
  requires?: readonly string[];
  /** Validated at boot; a bad option stops boot with the plugin's name and the path of the bad value. */
  options?: Schema;
  entities?: readonly EntitySchema[];
  /** Applied in plugin dependency order, each once, recorded as `<plugin>/<migration name>`. */
  migrations?: readonly PluginMigration[];
  /** Every stored field of every entity above, classified; a missing one stops boot. */
  dataMap?: DataMap;
  /** Absent: always on once installed. */
  enablement?: PluginEnablement;
  /**
   * What the plugin processes customers' profile fields for, by purpose name. A purpose is
   * enabled for a merchant when the plugin is: a field no enabled purpose needs is not collected.
   */
  purposes?: Readonly<Record<string, ProcessingPurpose>>;
  /** Called once per gateway, in dependency order, after the plugins it requires. */
  setup?(
    plugin: PluginRuntime<OptionsOf<Schema>>,
  ): PluginSetup<ServicesOf<Name>> | Promise<PluginSetup<ServicesOf<Name>>>;
}

/** A plugin chosen in `yoga.config.ts`, with the raw options the operator gave it. */
export interface InstalledPlugin {
  readonly definition: PluginDefinition;
  readonly rawOptions: unknown;
}

export interface GatewayPlugin<
  Name extends string = string,
  Schema extends AnyOptionsSchema | undefined = AnyOptionsSchema | undefined,
> extends InstalledPlugin {
  readonly definition: PluginDefinition<Name, Schema>;
  readonly name: Name;
  /** The same plugin with options; the operator writes `walletPlugin.with({ ... })` in yoga.config.ts. */
  with(options: OptionsInputOf<Schema>): InstalledPlugin;
}

export function definePlugin<
  const Name extends string,
  Schema extends AnyOptionsSchema | undefined = undefined,
>(definition: PluginDefinition<Name, Schema>): GatewayPlugin<Name, Schema> {
  const erased = definition as unknown as PluginDefinition;
  return {
    definition,
    name: definition.name,
    rawOptions: undefined,
    with: (options) => ({ definition: erased, rawOptions: options }),
  };
}
