import type { PluginDefinition } from '../plugin.ts';

/** One (merchant, plugin) state as processes exchange it: a NOTIFY payload, or a row read back. */
export interface SwitchState {
  readonly merchantId: string;
  readonly plugin: string;
  readonly enabled: boolean;
  /** The id of the change that set it: larger is later, for the same merchant and plugin. */
  readonly version: bigint;
}

interface Switchable {
  readonly defaultOn: boolean;
  readonly decisions: Map<string, { enabled: boolean; version: bigint }>;
}

/**
 * The in-process answer to "is this plugin on for this merchant?", asked for every hook handler
 * on the payment path and every gated field: two map lookups, no I/O. States arrive from
 * notifications, full reloads and this process's own changes in any order; each carries its
 * version, so an older one arriving late (a reload that read before a notification was applied)
 * never overwrites a newer one. Switch rows are never deleted, so merging a reload is complete.
 */
export class Switchboard {
  readonly #plugins = new Map<string, Switchable>();

  constructor(definitions: readonly PluginDefinition[]) {
    for (const { name, enablement } of definitions) {
      if (enablement?.perMerchant) {
        this.#plugins.set(name, { defaultOn: enablement.default === 'on', decisions: new Map() });
      }
    }
  }

  /** The plugins operators switch per merchant, sorted, with whether each is on by default. */
  perMerchant(): [plugin: string, defaultOn: boolean][] {
    return [...this.#plugins]
      .map(([name, p]): [string, boolean] => [name, p.defaultOn])
      .sort(([a], [b]) => a.localeCompare(b));
  }

  /** The declared default; undefined when the plugin is not switched per merchant. */
  defaultOf(plugin: string): boolean | undefined {
    return this.#plugins.get(plugin)?.defaultOn;
  }

  isEnabled(plugin: string, merchantId: string): boolean {
    const switchable = this.#plugins.get(plugin);
    if (!switchable) return true;
    return switchable.decisions.get(merchantId)?.enabled ?? switchable.defaultOn;
  }

  apply(state: SwitchState): void {
    // A row of a plugin that is no longer installed, or no longer per merchant, is kept but unused.
    const decisions = this.#plugins.get(state.plugin)?.decisions;
    const known = decisions?.get(state.merchantId);
    if (!decisions || (known && known.version >= state.version)) return;
    decisions.set(state.merchantId, { enabled: state.enabled, version: state.version });
  }
}
