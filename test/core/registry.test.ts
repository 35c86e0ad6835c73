import { describe, expect, test } from 'vitest';
import { BootError } from '../../core/boot-error.ts';
import { createGateway } from '../../core/gateway.ts';
import { kernelPlugins } from '../../core/kernel-plugins.ts';
import { definePlugin } from '../../core/plugin.ts';
import { resolvePlugins } from '../../core/registry.ts';
import { createTestGateway } from '../../core/testing/create-test-gateway.ts';
import { eventsPlugin } from '../../plugins/events/index.ts';
import { paymentsPlugin } from '../../plugins/payments/index.ts';
import {
  base,
  cycleA,
  cycleB,
  mappedThing,
  needsMissing,
  staleDataMap,
  unguardedField,
  unmappedField,
  withOptions,
} from '../support/fixture-plugins.ts';

function refusal(run: () => unknown): BootError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BootError);
    return error as BootError;
  }
  throw new Error('expected the registry to refuse');
}

describe('the registry refuses a broken plugin list with one clear message', () => {
  test('a missing dependency names both plugins and the fix', () => {
    const error = refusal(() => resolvePlugins([base, needsMissing]));
    expect(error.message).toBe(
      'plugin "needs-missing": it requires "ghost", which is not installed. Fix: add "ghost" to the plugins in yoga.config.ts, or remove "needs-missing"',
    );
  });

  test('a cycle shows the whole cycle', () => {
    const error = refusal(() => resolvePlugins([cycleA, cycleB]));
    expect(error.message).toContain('cycle-a -> cycle-b -> cycle-a');
    expect(error.fix).toMatch(/break the cycle/);
  });

  test('a duplicate name', () => {
    const error = refusal(() => resolvePlugins([base, base]));
    expect(error.message).toMatch(/^plugin "base": it is installed twice/);
  });

  test('a bad option names the option path and the plugin', () => {
    const error = refusal(() => resolvePlugins([withOptions.with({ limit: -3 })]));
    expect(error.plugin).toBe('with-options');
    expect(error.message).toBe(
      'plugin "with-options": option "limit" is invalid: Too small: expected number to be >0. Fix: correct "limit" in withOptionsPlugin.with({ ... }) in yoga.config.ts',
    );
  });

  test('a misspelt option key is refused, naming the export and the keys the object takes', () => {
    const error = refusal(() =>
      resolvePlugins([paymentsPlugin.with({ janitor: { intervalSecs: 5 } } as never)]),
    );
    expect(error.message).toBe(
      'plugin "payments": option "janitor.intervalSecs" is unknown. Fix: remove it or correct its name in paymentsPlugin.with({ ... }) in yoga.config.ts; "janitor" takes intervalSeconds, retryBaseSeconds, retryMaxSeconds',
    );
  });

  test('a kernel plugin’s options are named by their section of yoga.config.ts', () => {
    const error = refusal(() =>
      resolvePlugins(kernelPlugins({ auth: { cacheSeconds: 1 } as never, plugins: [] })),
    );
    expect(error.message).toMatch(
      /^plugin "auth": option "cacheSeconds" is unknown\. Fix: .* in auth: \{ \.\.\. \} in yoga\.config\.ts; the options take principalCacheSeconds$/,
    );
  });

  test('every bad plugin is reported at once, every problem on its own line', () => {
    const error = refusal(() =>
      resolvePlugins([
        paymentsPlugin.with({ janitor: { intervalSecs: 5 }, methodTimeoutSeconds: -1 } as never),
        eventsPlugin.with({ retentionDay: 7 } as never),
        needsMissing,
        base,
      ]),
    );
    expect(error.message.split('\n')).toEqual([
      '4 problems stop boot:',
      expect.stringMatching(
        /^- plugin "payments": option "methodTimeoutSeconds" is invalid: .* Fix: correct "methodTimeoutSeconds" in paymentsPlugin\.with/,
      ),
      expect.stringMatching(/^- plugin "payments": option "janitor\.intervalSecs" is unknown\. Fix: /),
      expect.stringMatching(
        /^- plugin "events": option "retentionDay" is unknown\. Fix: .* eventsPlugin\.with\(/,
      ),
      expect.stringMatching(/^- plugin "needs-missing": it requires "ghost", which is not installed\./),
    ]);
  });

  test('an unknown enum value in options', () => {
    const error = refusal(() => resolvePlugins([withOptions.with({ region: 'mars' as 'eu' })]));
    expect(error.message).toContain('option "region" is invalid');
  });

  test('options given to a plugin that takes none', () => {
    const error = refusal(() => resolvePlugins([{ definition: base.definition, rawOptions: { x: 1 } }]));
    expect(error.message).toContain('the plugin takes none');
  });

  test('a stored field missing from the data map', () => {
    const error = refusal(() => resolvePlugins([unmappedField]));
    expect(error.message).toBe(
      'plugin "unmapped-field": entity Thing stores "ownerEmail" without a data map entry. Fix: add dataMap.Thing.ownerEmail = { category, purpose, retention } to the plugin definition',
    );
  });

  test('a data map entry for a field that is not stored', () => {
    const error = refusal(() => resolvePlugins([staleDataMap]));
    expect(error.message).toContain('classifies "nickname", which the entity does not store');
  });

  test('two plugins declaring the same entity', () => {
    const other = definePlugin({ ...mappedThing.definition, name: 'other-thing' });
    const error = refusal(() => resolvePlugins([mappedThing, other]));
    expect(error.message).toContain('entity Thing is already declared by plugin "mapped-thing"');
  });
});

test('valid options get their defaults, and plugins come out in dependency order', () => {
  const needsBase = definePlugin({ ...base.definition, name: 'needs-base', requires: ['base'] });
  const resolved = resolvePlugins([needsBase, withOptions.with({ limit: 3 }), base]);
  expect(resolved.map((p) => p.definition.name)).toEqual(['base', 'needs-base', 'with-options']);
  expect(resolved[2]!.options).toEqual({ limit: 3, region: 'eu' });
});

test('boot stops when a field has no auth policy, naming the field', async () => {
  await expect(
    createGateway({
      database: { dataDir: 'memory://' },
      plugins: [unguardedField],
      log: { level: 'silent' },
    }),
  ).rejects.toThrow(/1 field\(s\) have no auth policy: Query\.leaky/);
});

test('a plugin with an entity, a migration and a complete data map boots, and its table exists', async () => {
  const t = await createTestGateway({ plugins: [mappedThing] });
  try {
    const rows = await t.gateway.database.em.fork().execute(`select count(*)::int as n from "thing"`);
    expect(rows[0]).toEqual({ n: 0 });
    const { executed } = await t.gateway.database.status();
    expect(executed.at(-1)).toBe('mapped-thing/0001-thing');
    expect(executed.slice(0, -1).every((name) => /^(auth|privacy|enablement)\//.test(name))).toBe(true);
  } finally {
    await t.close();
  }
});
