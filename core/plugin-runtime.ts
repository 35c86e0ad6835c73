import type { MikroORM } from '@mikro-orm/core';
import type { GraphQLSchema } from 'graphql';
import type { SecretBox } from './crypto/secret-box.ts';
import type { DeclaredEventType } from './event-types.ts';
import type { GatewayServices } from './global-types.ts';
import type { HookDeclaration, HookName, HookRunner } from './hooks.ts';
import type { Logger } from './logging.ts';
import type { DeclaredRegulationPack } from './privacy/regulation-pack.ts';

/** What a plugin's `setup` is handed: its own validated options and the kernel's shared parts. */
export interface PluginRuntime<Options = unknown> {
  readonly name: string;
  readonly options: Options;
  /** A child logger that names the plugin on every line. */
  readonly log: Logger;
  /** For work outside a request (janitors, CLI); requests use `ctx.em`. */
  readonly orm: MikroORM;
  /** The kernel's services and those of every plugin set up so far (this plugin's `requires` among them). */
  readonly services: GatewayServices;
  readonly secrets: SecretBox;
  /** Declares a hook this plugin runs; plugins that require this one may handle it. */
  /** The event types every plugin declared; complete once every plugin is set up. */
  eventTypes(): readonly DeclaredEventType[];
  /** The regulation packs every plugin contributed; complete once every plugin is set up. */
  regulationPacks(): readonly DeclaredRegulationPack[];
  /**
   * The gateway's built schema, for work outside a request that runs a document through it (a
   * webhook's payload query). Throws before the schema is built: call it from `onReady` on.
   */
  schema(): GraphQLSchema;
  declareHook<K extends HookName, Result>(
    name: K,
    declaration: HookDeclaration<K, Result>,
  ): HookRunner<K, Result>;
}
