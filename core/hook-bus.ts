import type { GatewayHooks, HookHandler, HookHandlers, HookName } from './plugin.ts';

type Results<K extends HookName> = Awaited<ReturnType<HookHandler<K>>>[];

/** Runs each plugin's handler for a hook, in plugin dependency order, one after another. */
export class HookBus {
  readonly #handlers = new Map<HookName, { plugin: string; handler: (...args: unknown[]) => unknown }[]>();

  register(plugin: string, handlers: HookHandlers): void {
    for (const [name, handler] of Object.entries(handlers) as [HookName, HookHandler<HookName>][]) {
      if (!handler) continue;
      const list = this.#handlers.get(name) ?? [];
      list.push({ plugin, handler: handler as (...args: unknown[]) => unknown });
      this.#handlers.set(name, list);
    }
  }

  has(name: HookName): boolean {
    return (this.#handlers.get(name)?.length ?? 0) > 0;
  }

  async run<K extends HookName>(
    name: K,
    ...args: GatewayHooks[K] extends (...a: infer A) => unknown ? A : never
  ): Promise<Results<K>> {
    const results: unknown[] = [];
    for (const { handler } of this.#handlers.get(name) ?? []) results.push(await handler(...args));
    return results as Results<K>;
  }
}
