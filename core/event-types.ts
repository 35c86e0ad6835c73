import type { z } from 'zod';
import { BootError } from './boot-error.ts';

/**
 * An event type a plugin emits, declared in its setup (`eventTypes: [...]`), so that partners can
 * look up what it means and the shape of its payload (`query { eventTypes { ... } }`). The kernel
 * only collects the declarations; the events plugin stores, delivers and lists them.
 */
export interface EventTypeDeclaration {
  /** Dot-separated lower-case segments: `payment.captured`. */
  readonly type: string;
  readonly description: string;
  /** The payload as stored (JSON: bigints as decimal strings). */
  readonly payload: z.ZodType;
}

export interface DeclaredEventType extends EventTypeDeclaration {
  /** The plugin that declared it. */
  readonly plugin: string;
}

/** Every plugin's declarations, in plugin order; a type declared twice stops boot. */
export class EventTypeRegistry {
  readonly #types = new Map<string, DeclaredEventType>();

  add(plugin: string, declarations: readonly EventTypeDeclaration[] = []): void {
    for (const declaration of declarations) {
      const owner = this.#types.get(declaration.type)?.plugin;
      if (owner !== undefined) {
        throw new BootError({
          plugin,
          problem: `event type "${declaration.type}" is already declared by plugin "${owner}"`,
          fix: 'declare each event type once, in the plugin that emits it',
        });
      }
      this.#types.set(declaration.type, { ...declaration, plugin });
    }
  }

  list(): readonly DeclaredEventType[] {
    return [...this.#types.values()];
  }
}
