import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import config from '../../yoga.config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PUBLIC = new Set(['core/plugin-api.ts', 'core/global-types.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative module a file names: imports, re-exports, dynamic imports, augmentations. */
function importsOf(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...source.matchAll(/(?:from|import|declare module)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)];
  return specifiers.map(([, spec]) => relative(ROOT, normalize(join(ROOT, dirname(file), spec!))));
}

const requires = new Map(config.plugins.map((p) => [p.definition.name, p.definition.requires ?? []]));
const folders = [
  ...readdirSync(join(ROOT, 'plugins')).map((name) => `plugins/${name}`),
  'test/example-plugin/guestbook',
];

test('a plugin imports only core/plugin-api.ts, core/global-types.ts and the api.ts of a plugin it requires', () => {
  const crossings: string[] = [];
  for (const folder of folders) {
    const name = folder.split('/').pop()!;
    const allowed = new Set([...PUBLIC, ...(requires.get(name) ?? []).map((dep) => `plugins/${dep}/api.ts`)]);
    for (const file of tsFiles(folder)) {
      for (const target of importsOf(file)) {
        if (target.startsWith(`${folder}/`) || allowed.has(target)) continue;
        crossings.push(`${file} imports ${target}`);
      }
    }
  }
  expect(
    crossings,
    'import what you need through core/plugin-api.ts (or the required plugin’s api.ts)',
  ).toEqual([]);
});

test('the kernel knows no plugin: nothing under core/ or schema/ imports from plugins/', () => {
  const crossings = ['core', 'schema']
    .flatMap(tsFiles)
    .flatMap((file) => importsOf(file).map((target) => `${file} imports ${target}`))
    .filter((line) => line.includes(' imports plugins/'));
  expect(crossings).toEqual([]);
});

test('the check sees every installed plugin’s folder', () => {
  for (const name of requires.keys()) expect(folders).toContain(`plugins/${name}`);
});
