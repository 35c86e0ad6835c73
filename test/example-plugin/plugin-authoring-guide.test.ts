import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

// docs/plugin-authoring.md shows the guestbook as it would sit in plugins/guestbook/; the example
// sits in test/example-plugin/guestbook/, one folder deeper. A block whose first line names one of
// its files must be that file (or, marked "(excerpt)", a part of it), imports one level apart.

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
const guide = read('docs/plugin-authoring.md');
const MARKER =
  /^\/\/ (plugins\/guestbook\/\S+|test\/plugins\/guestbook\/guestbook\.test\.ts)( \(excerpt\))?\n/;

const snippets = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].flatMap(([, block]) => {
  const marker = MARKER.exec(block!);
  if (!marker) return [];
  const shown = marker[1]!;
  const file = shown.startsWith('test/')
    ? 'test/example-plugin/guestbook.test.ts'
    : shown.replace('plugins/guestbook/', 'test/example-plugin/guestbook/');
  const code = block!.slice(marker[0].length).replaceAll("'../../core/", "'../../../core/");
  return [{ shown, file, code, excerpt: marker[2] !== undefined }];
});

test('every guestbook snippet in the guide is the example’s code', () => {
  expect(snippets.length).toBeGreaterThan(10);
  for (const { shown, file, code, excerpt } of snippets) {
    const actual = read(file);
    if (excerpt) expect(actual, `${shown} (excerpt)`).toContain(code.trimEnd());
    else expect(code, shown).toBe(actual);
  }
});

test('the guide shows every source file of the example whole', () => {
  const files = (dir: string): string[] =>
    readdirSync(new URL(dir, ROOT), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? files(`${dir}${entry.name}/`)
        : entry.name.endsWith('.ts')
          ? [`${dir}${entry.name}`]
          : [],
    );
  const whole = new Set(snippets.filter((s) => !s.excerpt).map((s) => s.file));
  for (const file of files('test/example-plugin/guestbook/')) expect([...whole]).toContain(file);
});
