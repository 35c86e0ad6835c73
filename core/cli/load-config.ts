import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BootError } from '../boot-error.ts';
import type { GatewayConfig } from '../config.ts';

export const DEFAULT_CONFIG_FILE = 'yoga.config.ts';

/** The operator's config module (its default export). */
export async function loadConfig(file = DEFAULT_CONFIG_FILE): Promise<GatewayConfig> {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new BootError({
      problem: `no config at ${path}`,
      fix: 'run from the project folder or pass --config <file>',
    });
  }
  const module = (await import(pathToFileURL(path).href)) as { default?: GatewayConfig };
  if (!module.default?.plugins) {
    throw new BootError({
      problem: `${file} has no default export from defineConfig`,
      fix: 'export default defineConfig({ plugins: [...] })',
    });
  }
  return module.default;
}

/** The same config on a throwaway in-memory database: for commands that only need the schema. */
export function withoutDatabase(config: GatewayConfig): GatewayConfig {
  return {
    ...config,
    database: { dataDir: 'memory://' },
    secrets: { masterKey: Buffer.alloc(32).toString('base64') },
    log: { level: 'silent' },
  };
}
