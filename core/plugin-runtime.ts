import type { MikroORM } from '@mikro-orm/core';
import type { PaymentMethodRegistry } from '../plugins/payments/method-registry.ts';
import type { SecretBox } from './crypto/secret-box.ts';
import type { HookBus } from './hook-bus.ts';
import type { Logger } from './logging.ts';
import type { GatewayServices } from './plugin.ts';

/** What a plugin is handed at setup: its own validated options and the kernel's shared parts. */
export interface PluginRuntime<Options = unknown> {
  readonly name: string;
  readonly options: Options;
  /** A child logger that names the plugin on every line. */
  readonly log: Logger;
  /** For work outside a request (janitors, CLI); requests use `ctx.em`. */
  readonly orm: MikroORM;
  /** Services of every plugin set up so far (the plugin's `requires` are always among them). */
  readonly services: GatewayServices;
  readonly hooks: HookBus;
  readonly secrets: SecretBox;
  /** Every installed plugin's payment methods (filled while plugins are set up; read at run time). */
  readonly paymentMethods: PaymentMethodRegistry;
}
