import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

// docs/writing-a-regulation-pack.md shows the APPI pack as it would sit in plugins/appi/; the
// example sits in test/example-pack/appi/, one folder deeper (imports one level apart).
const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
const guide = read('docs/writing-a-regulation-pack.md');

test('every file the guide shows is the example pack’s code, and it shows them all', () => {
  const shown = [...guide.matchAll(/```ts\n\/\/ plugins\/appi\/(\S+)\n([\s\S]*?)```/g)].map(
    ([, file, code]) => ({
      file: file!,
      code: code!.replaceAll("'../../core/", "'../../../core/"),
    }),
  );
  expect(shown.map((s) => s.file).sort()).toEqual(['appi.pack.ts', 'index.ts']);
  for (const { file, code } of shown) expect(code, file).toBe(read(`test/example-pack/appi/${file}`));
});
