import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import type { z } from 'zod';
import type { PaymentMethod } from '../plugins/payments/payment-method.ts';
import type { GatewayBuilder, ScopeLoaderFactory } from '../schema/builder.ts';
import type { DataMap } from './db/data-map.ts';
import type { PluginRuntime } from './plugin-runtime.ts';

/**
 * Services each plugin offers to the others, keyed by plugin name. A plugin adds its entry
 * by declaration merging:
 *
 *   declare module '../../core/plugin.ts' { interface GatewayServices { wallet: WalletService } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface GatewayServices {}

/**
 * Typed hooks: hook name -> handler signature. Declared by the module that runs the hook,
 * implemented by any plugin through `hooks`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface GatewayHooks {}

export type HookName = keyof GatewayHooks;
export type HookHandler<K extends HookName> = GatewayHooks[K] extends (...args: infer A) => infer R
  ? (...args: A) => R
  : never;
export type HookHandlers = { [K in HookName]?: HookHandler<K> };

/** A MikroORM migration, named so that it is recorded as `<plugin>/<name>`. */
export type PluginMigration = MigrationObject;

type AnyOptionsSchema = z.ZodType<unknown, unknown>;
type OptionsOf<S> = S extends z.ZodType<infer O, unknown> ? O : Record<string, never>;
type OptionsInputOf<S> = S extends z.ZodType<unknown, infer I> ? I : Record<string, never>;

export interface PluginDefinition<
  Name extends string = string,
  Schema extends AnyOptionsSchema | undefined = AnyOptionsSchema | undefined,
  Services = unknown,
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
  /** Services other plugins (and this plugin's schema) may call. */
  services?: (plugin: PluginRuntime<OptionsOf<Schema>>) => Services;
  /** Ways to pay this plugin adds (payment-method plugins only); registered with the payments engine. */
  paymentMethods?: (plugin: PluginRuntime<OptionsOf<Schema>>) => readonly PaymentMethod[];
  /** Extends the GraphQL schema. Runs after every plugin's services exist. */
  schema?: (builder: GatewayBuilder, plugin: PluginRuntime<OptionsOf<Schema>>) => void;
  hooks?: (plugin: PluginRuntime<OptionsOf<Schema>>) => HookHandlers;
  /** Loaders for the auth scopes this plugin adds to `GatewayAuthScopes`. */
  authScopes?: (plugin: PluginRuntime<OptionsOf<Schema>>) => ScopeLoaderFactory;
  /** Runs once the database is migrated and the server is about to accept traffic. */
  onReady?: (plugin: PluginRuntime<OptionsOf<Schema>>) => Promise<void> | void;
  onClose?: (plugin: PluginRuntime<OptionsOf<Schema>>) => Promise<void> | void;
}

/** A plugin chosen in `yoga.config.ts`, with the raw options the operator gave it. */
export interface InstalledPlugin {
  readonly definition: PluginDefinition;
  readonly rawOptions: unknown;
}

export interface GatewayPlugin<
  Name extends string = string,
  Schema extends AnyOptionsSchema | undefined = AnyOptionsSchema | undefined,
  Services = unknown,
> extends InstalledPlugin {
  readonly definition: PluginDefinition<Name, Schema, Services>;
  readonly name: Name;
  /** The same plugin with options; the operator writes `wallet.with({ ... })` in yoga.config.ts. */
  with(options: OptionsInputOf<Schema>): InstalledPlugin;
}

export function definePlugin<
  const Name extends string,
  Schema extends AnyOptionsSchema | undefined = undefined,
  Services = undefined,
>(definition: PluginDefinition<Name, Schema, Services>): GatewayPlugin<Name, Schema, Services> {
  const erased = definition as unknown as PluginDefinition;
  return {
    definition,
    name: definition.name,
    rawOptions: undefined,
    with: (options) => ({ definition: erased, rawOptions: options }),
  };
}
