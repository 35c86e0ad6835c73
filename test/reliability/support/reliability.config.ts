import { defineConfig } from '../../../core/config.ts';
import type { InstalledPlugin } from '../../../core/plugin.ts';
import base from '../../../yoga.config.ts';

/**
 * The operator's yoga.config.ts as shipped (its limits, headers, plugins and their defaults),
 * with only the periods shortened that would otherwise make the suite wait minutes: the
 * janitor's, the external method timeout (a crashed call's operation is due 2x this after it
 * started) and the webhook retry delays. Webhooks may go to the suite's receiver on 127.0.0.1.
 */
const overrides: Record<string, Record<string, unknown>> = {
  payments: {
    methodTimeoutSeconds: 5,
    janitor: { intervalSeconds: 1, retryBaseSeconds: 1, retryMaxSeconds: 5 },
  },
  events: {
    webhooks: { allowInsecureUrls: true, retryBaseDelayMs: 200, retryMaxDelayMs: 2000, timeoutMs: 5000 },
  },
};

function deepMerge(into: unknown, from: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...((into as Record<string, unknown>) ?? {}) };
  for (const [key, value] of Object.entries(from)) {
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    merged[key] = isObject ? deepMerge(merged[key], value as Record<string, unknown>) : value;
  }
  return merged;
}

const plugins: InstalledPlugin[] = base.plugins.map((plugin) => {
  const override = overrides[plugin.definition.name];
  return override
    ? { definition: plugin.definition, rawOptions: deepMerge(plugin.rawOptions, override) }
    : plugin;
});

export default defineConfig({ ...base, plugins });
