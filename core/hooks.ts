import { BootError } from './boot-error.ts';
import type { GatewayHooks, HookSpec } from './global-types.ts';

export type HookName = keyof GatewayHooks;
export type HookInput<K extends HookName> = GatewayHooks[K] extends HookSpec<infer I, unknown> ? I : never;
export type HookAnswer<K extends HookName> = GatewayHooks[K] extends HookSpec<unknown, infer A> ? A : never;
export type HookHandler<K extends HookName> = (input: HookInput<K>) => HookAnswer<K> | Promise<HookAnswer<K>>;
/** What a plugin's `setup` returns under `hooks`: a handler for any declared hook. */
export type HookHandlers = { [K in HookName]?: HookHandler<K> };

/** One handler's answer, with the plugin that gave it. */
export interface HookAnswerOf<K extends HookName> {
  readonly plugin: string;
  readonly answer: HookAnswer<K>;
}

/** How the declaring plugin runs its hook. */
export interface HookDeclaration<K extends HookName, Result> {
  /**
   * The one rule for combining every handler's answer (given in plugin dependency order; empty
   * when no handler ran) into the result the declaring plugin acts on.
   */
  combine(answers: readonly HookAnswerOf<K>[]): Result;
  /** The merchant an input concerns: handlers of plugins disabled for that merchant are skipped. */
  merchantOf?(input: HookInput<K>): string | undefined;
}

export interface HookRunner<K extends HookName, Result> {
  readonly name: K;
  /** False when no installed plugin handles the hook: callers may skip building its input. */
  readonly handled: boolean;
  /**
   * False when no handler would run for this merchant: none is installed, or every handler's
   * plugin is switched off for it. A hot path can then skip the hook without yielding.
   */
  handledFor(merchantId: string): boolean;
  run(input: HookInput<K>): Promise<Result>;
}

type AnyHandler = (input: unknown) => unknown;

/**
 * The gateway's hooks: declared by the plugin that runs them, handled by plugins that require
 * it. Handlers run one after another in plugin dependency order, so a handler can rely on the
 * plugins it requires having answered first; the declaration's `combine` makes one result.
 */
export class HookBus {
  readonly #declared = new Map<HookName, string>();
  readonly #handlers = new Map<HookName, { plugin: string; handler: AnyHandler }[]>();
  readonly #isEnabled: (plugin: string, merchantId: string) => boolean;

  constructor(isEnabled: (plugin: string, merchantId: string) => boolean) {
    this.#isEnabled = isEnabled;
  }

  declare<K extends HookName, Result>(
    plugin: string,
    name: K,
    declaration: HookDeclaration<K, Result>,
  ): HookRunner<K, Result> {
    const owner = this.#declared.get(name);
    if (owner) {
      throw new BootError({
        plugin,
        problem: `hook "${name}" is already declared by plugin "${owner}"`,
        fix: 'a hook is declared once, by the plugin that runs it: handle it instead',
      });
    }
    this.#declared.set(name, plugin);
    const handlers = () => this.#handlers.get(name) ?? [];
    const isEnabled = this.#isEnabled;
    return {
      name,
      get handled() {
        return handlers().length > 0;
      },
      handledFor(merchantId) {
        return handlers().some(({ plugin: by }) => isEnabled(by, merchantId));
      },
      async run(input) {
        const merchantId = declaration.merchantOf?.(input);
        const answers: HookAnswerOf<K>[] = [];
        for (const { plugin: by, handler } of handlers()) {
          if (merchantId !== undefined && !isEnabled(by, merchantId)) continue;
          answers.push({ plugin: by, answer: (await handler(input)) as HookAnswer<K> });
        }
        return declaration.combine(answers);
      },
    };
  }

  /** Called at boot in dependency order, so handlers are kept in that order. */
  handle(plugin: string, handlers: HookHandlers): void {
    for (const [name, handler] of Object.entries(handlers) as [HookName, AnyHandler | undefined][]) {
      if (!handler) continue;
      const list = this.#handlers.get(name) ?? [];
      list.push({ plugin, handler });
      this.#handlers.set(name, list);
    }
  }

  /** Whether `plugin` handles hook `name` (boot checks that plugins answer what they must). */
  handles(plugin: string, name: HookName): boolean {
    return (this.#handlers.get(name) ?? []).some((entry) => entry.plugin === plugin);
  }

  /**
   * Once every plugin is set up: a handler for a hook no installed plugin declares would never
   * run, and one whose plugin does not require the declaring plugin could run before it is set up.
   */
  assertHandledHooksDeclared(requiresOf: (plugin: string) => ReadonlySet<string>): void {
    for (const [name, list] of this.#handlers) {
      const owner = this.#declared.get(name);
      for (const { plugin } of list) {
        if (!owner) {
          throw new BootError({
            plugin,
            problem: `it handles hook "${name}", which no installed plugin declares`,
            fix: `install the plugin that declares "${name}", or remove the handler`,
          });
        }
        if (owner !== plugin && !requiresOf(plugin).has(owner)) {
          throw new BootError({
            plugin,
            problem: `it handles hook "${name}" but does not require "${owner}", which declares it`,
            fix: `add "${owner}" to the plugin's requires`,
          });
        }
      }
    }
  }
}
