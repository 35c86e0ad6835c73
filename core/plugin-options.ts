import type { z } from 'zod';
import { BootError } from './boot-error.ts';
import type { PluginDefinition } from './plugin.ts';

/**
 * Where the operator writes a plugin's options: `carrierBillingPlugin.with({ ... })` (plugins
 * export themselves as their camel-cased name plus `Plugin`), or a kernel plugin's own section.
 */
export function optionsLocation(name: string, kernel: boolean): string {
  return kernel
    ? `${name}: { ... } in yoga.config.ts`
    : `${exportName(name)}.with({ ... }) in yoga.config.ts`;
}

/** `carrier-billing` -> `carrierBillingPlugin`, the name plugin authors export (docs/plugin-authoring.md). */
export function exportName(name: string): string {
  return `${name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())}Plugin`;
}

/** The keys an object in the options schema takes, at a path of it (`janitor`). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const def = (schema as unknown as { def: Record<string, unknown> }).def;
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      if (path.length === 0) return Object.keys(shape);
      const next = shape[String(path[0])];
      return next ? keysAt(next, path.slice(1)) : [];
    }
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      return keysAt(def.innerType as z.ZodType, path);
    case 'pipe':
      return keysAt(def.in as z.ZodType, path);
    default:
      return [];
  }
}

/** Validates one plugin's options: its options with defaults, or one refusal per problem found. */
export function validateOptions(
  definition: PluginDefinition,
  raw: unknown,
  kernel: boolean,
): { options: unknown } | { errors: BootError[] } {
  const { name } = definition;
  const where = optionsLocation(name, kernel);
  if (!definition.options) {
    if (raw === undefined || (typeof raw === 'object' && raw && Object.keys(raw).length === 0)) {
      return { options: {} };
    }
    return {
      errors: [
        new BootError({
          plugin: name,
          problem: 'options were given, but the plugin takes none',
          fix: `list ${exportName(name)} without .with(...) in yoga.config.ts`,
        }),
      ],
    };
  }
  const parsed = definition.options.safeParse(raw ?? {});
  if (parsed.success) return { options: parsed.data };
  const schema = definition.options;
  const errors = parsed.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const parent = issue.path.join('.');
      const takes = keysAt(schema, issue.path).join(', ');
      return issue.keys.map(
        (key) =>
          new BootError({
            plugin: name,
            problem: `option "${[...issue.path, key].join('.')}" is unknown`,
            fix: `remove it or correct its name in ${where}; ${parent ? `"${parent}"` : 'the options'} take${parent ? 's' : ''} ${takes}`,
          }),
      );
    }
    const path = issue.path.length > 0 ? issue.path.join('.') : '(options)';
    return [
      new BootError({
        plugin: name,
        problem: `option "${path}" is invalid: ${issue.message}`,
        fix: `correct "${path}" in ${where}`,
      }),
    ];
  });
  return { errors };
}
