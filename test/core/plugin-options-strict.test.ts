import { expect, test } from 'vitest';
import type { z } from 'zod';
import { BootError } from '../../core/boot-error.ts';
import { kernelPlugins } from '../../core/kernel-plugins.ts';
import type { InstalledPlugin } from '../../core/plugin.ts';
import { resolvePlugins } from '../../core/registry.ts';
import config from '../../yoga.config.ts';

/** Every path of an object in the schema: [] for the options themselves, ['janitor'], ... */
function objectPaths(schema: z.ZodType, path: string[] = []): string[][] {
  const def = (schema as unknown as { def: Record<string, unknown> }).def;
  switch (def.type) {
    case 'object':
      return [
        path,
        ...Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, value]) =>
          objectPaths(value, [...path, key]),
        ),
      ];
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      return objectPaths(def.innerType as z.ZodType, path);
    case 'pipe':
      return objectPaths(def.in as z.ZodType, path);
    default:
      return [];
  }
}

const nest = (path: string[], leaf: Record<string, unknown>): Record<string, unknown> =>
  path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), leaf);

const installed: InstalledPlugin[] = [...kernelPlugins(config), ...config.plugins];

test.each(
  installed
    .filter(({ definition }) => definition.options)
    .map((plugin) => [plugin.definition.name, plugin] as const),
)('every options object of %s, at any depth, refuses a key it does not know', (name, plugin) => {
  const paths = objectPaths(plugin.definition.options as z.ZodType);
  expect(paths.length).toBeGreaterThan(0);
  for (const path of paths) {
    const typo = [...path, 'misspeltKey'].join('.');
    const rawOptions = nest(path, { misspeltKey: 1 });
    const others = installed.filter((p) => p.definition.name !== name);
    let refused: unknown;
    try {
      resolvePlugins([...others, { definition: plugin.definition, rawOptions }]);
    } catch (error) {
      refused = error;
    }
    expect(refused, typo).toBeInstanceOf(BootError);
    expect((refused as BootError).message, typo).toContain(`option "${typo}" is unknown`);
  }
});
