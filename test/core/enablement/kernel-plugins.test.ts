import { expect, test } from 'vitest';
import { authPlugin } from '../../../core/auth/auth.plugin.ts';
import { enablementPlugin } from '../../../core/enablement/enablement.plugin.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { privacyPlugin } from '../../../core/privacy/privacy.plugin.ts';
import { resolvePlugins } from '../../../core/registry.ts';

test('every plugin implicitly requires the kernel plugins, which come first', () => {
  const leaf = definePlugin({ name: 'leaf', version: '1.0.0', requires: ['stem'] });
  const stem = definePlugin({ name: 'stem', version: '1.0.0' });
  const installed = [leaf, stem];
  const resolved = resolvePlugins([
    authPlugin,
    privacyPlugin(installed),
    enablementPlugin(installed),
    ...installed,
  ]);
  expect(resolved.map((p) => p.definition.name)).toEqual(['auth', 'privacy', 'enablement', 'stem', 'leaf']);
  expect(resolved.map((p) => [...p.requires])).toEqual([
    [],
    ['auth'],
    ['auth', 'privacy'],
    ['auth', 'privacy', 'enablement'],
    ['auth', 'privacy', 'enablement', 'stem'],
  ]);
});

test('a plugin handles a kernel hook without listing the kernel in requires', async () => {
  // The events plugin handles `plugin.switched` and requires nothing: boot would refuse otherwise.
  const { eventsPlugin } = await import('../../../plugins/events/index.ts');
  expect(eventsPlugin.definition.requires ?? []).toEqual([]);
  const resolved = resolvePlugins([
    authPlugin,
    privacyPlugin([eventsPlugin]),
    enablementPlugin([eventsPlugin]),
    eventsPlugin,
  ]);
  expect(resolved.at(-1)!.requires).toEqual(new Set(['auth', 'privacy', 'enablement']));
});
