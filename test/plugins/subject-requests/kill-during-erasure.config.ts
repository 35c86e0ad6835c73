import { defineConfig } from '../../../core/config.ts';
import type { InstalledPlugin } from '../../../core/plugin.ts';
import base from '../../../yoga.config.ts';

/**
 * The shipped yoga.config.ts, with the subject-requests check run every second and a claim of
 * two seconds, so that a restarted process resumes an interrupted erasure within seconds
 * instead of the production minutes (60 s check, 120 s claim). Used by kill-during-erasure.test.ts.
 */
const plugins: InstalledPlugin[] = base.plugins.map((plugin) =>
  plugin.definition.name === 'subject-requests'
    ? {
        definition: plugin.definition,
        rawOptions: {
          ...((plugin.rawOptions as Record<string, unknown>) ?? {}),
          checkIntervalSeconds: 1,
          claimSeconds: 2,
        },
      }
    : plugin,
);

export default defineConfig({ ...base, plugins });
