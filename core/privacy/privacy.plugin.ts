import { definePlugin } from '../plugin.ts';
import { type PluginErasure, PrivacyService } from './privacy.service.ts';
import type { SubjectSection } from './subject-hooks.ts';
import './global-types.ts';

/**
 * The kernel's privacy plugin, always installed: it declares the data-subject hooks, so every
 * plugin can answer for what it stores about a subject without requiring any other plugin.
 */
export const privacyPlugin = definePlugin({
  name: 'privacy',
  version: '1.0.0',
  description: 'Data-subject hooks: every plugin exports and erases what it keeps about a subject',
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
    return { services: new PrivacyService(exportRunner, eraseRunner) };
  },
});
