import { definePlugin, type InstalledPlugin } from '../plugin.ts';
import { registerPrivacySchema } from './privacy.schema.ts';
import { type PluginErasure, PrivacyService } from './privacy.service.ts';
import { recordOfProcessing } from './record-of-processing.ts';
import { ropaCommand } from './ropa-command.ts';
import type { SubjectSection } from './subject-hooks.ts';
import './global-types.ts';

/**
 * The kernel's privacy plugin, always installed: it declares the data-subject hooks, so every
 * plugin can answer for what it stores about a subject without requiring any other plugin, and
 * keeps the record of processing built from every installed plugin's data map (`installed`:
 * all of them, the kernel's own included).
 */
export function privacyPlugin(installed: readonly InstalledPlugin[]) {
  return definePlugin({
    name: 'privacy',
    version: '1.0.0',
    description: 'Data-subject hooks and the record of processing built from every plugin’s data map',
    setup: (plugin) => {
      // No `merchantOf`: a plugin disabled for a merchant may still hold what it stored while it
      // was enabled, and a subject's export or erasure must reach all of it.
      const exportRunner = plugin.declareHook('subject.export', {
        combine: (answers): readonly SubjectSection[] => answers.flatMap(({ answer }) => answer),
      });
      const eraseRunner = plugin.declareHook('subject.erase', {
        combine: (answers): readonly PluginErasure[] =>
          answers.map(({ plugin: by, answer }) => ({ plugin: by, ...answer })),
      });
      const record = recordOfProcessing(installed.map(({ definition }) => definition));
      return {
        services: new PrivacyService(exportRunner, eraseRunner),
        schema: (builder) => registerPrivacySchema(builder, record),
        commands: { 'privacy ropa': ropaCommand(record) },
      };
    },
  });
}
