import { BootError } from './boot-error.ts';
import { assertDataMapCovers } from './db/data-map.ts';
import type { InstalledPlugin, PluginDefinition } from './plugin.ts';
import { validateOptions } from './plugin-options.ts';

export interface ResolvedPlugin {
  readonly definition: PluginDefinition;
  /** The options after validation and defaults. */
  readonly options: unknown;
  /** Every plugin it requires, directly or through another. */
  readonly requires: ReadonlySet<string>;
}

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The kernel's own plugins, which the gateway installs first. Every other plugin requires them
 * implicitly: they are set up before it, and it may handle the hooks they declare.
 */
export const KERNEL_PLUGINS: readonly string[] = ['auth', 'privacy', 'enablement'];

/** Depth-first topological order; the path in a cycle's message is the cycle itself. */
function orderByRequires(requiresOf: (name: string) => readonly string[], listed: string[]): string[] {
  const done = new Set<string>();
  const visiting: string[] = [];
  const order: string[] = [];
  const visit = (name: string) => {
    if (done.has(name)) return;
    const at = visiting.indexOf(name);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), name].join(' -> ');
      throw new BootError({
        plugin: name,
        problem: `plugins require each other in a cycle: ${cycle}`,
        fix: 'break the cycle: move the shared part into one plugin, or call the other through a hook',
      });
    }
    visiting.push(name);
    for (const dep of requiresOf(name)) visit(dep);
    visiting.pop();
    done.add(name);
    order.push(name);
  };
  for (const name of listed) visit(name);
  return order;
}

/**
 * Checks the operator's plugin list and returns it in dependency order with validated options.
 * Each refusal is a BootError naming the plugin and the fix.
 */
export function resolvePlugins(installed: readonly InstalledPlugin[]): ResolvedPlugin[] {
  const byName = new Map<string, InstalledPlugin>();
  for (const plugin of installed) {
    const { name } = plugin.definition;
    if (!NAME.test(name)) {
      throw new BootError({
        plugin: name,
        problem: 'the name is not kebab-case',
        fix: 'name plugins like "carrier-billing": lower-case letters, digits and dashes',
      });
    }
    if (byName.has(name)) {
      throw new BootError({
        plugin: name,
        problem: 'it is installed twice',
        fix: `list "${name}" once in yoga.config.ts (two plugins may not share a name)`,
      });
    }
    byName.set(name, plugin);
  }
  // Every bad plugin is reported at once: an operator fixes them all in one edit.
  const refusals: BootError[] = [];
  const optionsOf = new Map<string, unknown>();
  for (const [name, plugin] of byName) {
    const validated = validateOptions(plugin.definition, plugin.rawOptions, KERNEL_PLUGINS.includes(name));
    if ('errors' in validated) refusals.push(...validated.errors);
    else optionsOf.set(name, validated.options);
    for (const dep of plugin.definition.requires ?? []) {
      if (!byName.has(dep)) {
        refusals.push(
          new BootError({
            plugin: name,
            problem: `it requires "${dep}", which is not installed`,
            fix: `add "${dep}" to the plugins in yoga.config.ts, or remove "${name}"`,
          }),
        );
      }
    }
  }
  if (refusals.length > 0) throw BootError.all(refusals);
  const kernel = KERNEL_PLUGINS.filter((name) => byName.has(name));
  const requirementsOf = (name: string): readonly string[] => {
    const declared = byName.get(name)!.definition.requires ?? [];
    return KERNEL_PLUGINS.includes(name) ? declared : [...new Set([...kernel, ...declared])];
  };
  const order = orderByRequires(requirementsOf, [...byName.keys()]);
  const entityOwner = new Map<string, string>();
  const requiresOf = new Map<string, ReadonlySet<string>>();
  return order.map((name) => {
    const { definition } = byName.get(name)!;
    const options = optionsOf.get(name);
    for (const entity of definition.entities ?? []) {
      const owner = entityOwner.get(entity.meta.className);
      if (owner) {
        throw new BootError({
          plugin: name,
          problem: `entity ${entity.meta.className} is already declared by plugin "${owner}"`,
          fix: 'give the entity a plugin-specific name; a plugin uses another plugin’s data through its services',
        });
      }
      entityOwner.set(entity.meta.className, name);
    }
    assertDataMapCovers(name, definition.entities ?? [], definition.dataMap);
    // In dependency order, so every required plugin's own set is already known.
    const requires = new Set(requirementsOf(name).flatMap((dep) => [dep, ...(requiresOf.get(dep) ?? [])]));
    requiresOf.set(name, requires);
    return { definition, options, requires };
  });
}
