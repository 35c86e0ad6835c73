import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const require = createRequire(import.meta.url);
const packageJson = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };

let cached: Promise<Blob> | undefined;

/**
 * A freshly initialised (empty) PGlite cluster. initdb takes seconds under WASM; loading this
 * snapshot takes well under one, so each test gateway still gets its own empty database, fast.
 * Kept in the temp folder per PGlite version, shared by the test processes.
 */
export function freshClusterSnapshot(): Promise<Blob> {
  cached ??= (async () => {
    const file = join(tmpdir(), `gateway-pglite-${version}-fresh.tar`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const pglite = await PGlite.create();
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return dump;
  })();
  return cached;
}
