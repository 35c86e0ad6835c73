import { afterAll, beforeAll, expect, test } from 'vitest';
import type { HookSpec } from '../../../core/global-types.ts';
import { HookBus } from '../../../core/hooks.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';

declare module '../../../core/global-types.ts' {
  interface GatewayHooks {
    'test.vote': HookSpec<{ merchantId: string; topic: string }, { vote: number; note: string }>;
  }
}

/** Declares `test.vote` and adds the votes up; the field shows what the combined answer was. */
const ballot = definePlugin({
  name: 'ballot',
  version: '1.0.0',
  setup: (plugin) => {
    const vote = plugin.declareHook('test.vote', {
      merchantOf: (input) => input.merchantId,
      combine: (answers) => ({
        total: answers.reduce((sum, { answer }) => sum + answer.vote, 0),
        order: answers.map(({ plugin: by, answer }) => `${by}:${answer.note}`),
      }),
    });
    return {
      schema: (builder) => {
        builder.queryField('testVote', (t) =>
          t.string({
            authScopes: { public: true },
            args: { topic: t.arg.string({ required: true }) },
            resolve: async (_root, { topic }) => JSON.stringify(await vote.run({ merchantId: 'm', topic })),
          }),
        );
      },
    };
  },
});

const voter = (name: string, vote: number, requires: string[] = ['ballot']) =>
  definePlugin({
    name,
    version: '1.0.0',
    requires,
    setup: () => ({ hooks: { 'test.vote': ({ topic }) => ({ vote, note: `${topic}/${vote}` }) } }),
  });

let t: TestGateway;
beforeAll(async () => {
  // Listed out of order: the registry puts `early` (required by `late`) first.
  t = await createTestGateway({
    plugins: [voter('late', 10, ['ballot', 'early']), voter('early', 1), ballot],
  });
});
afterAll(() => t?.close());

test('handlers run in plugin dependency order and the declaring plugin combines their answers', async () => {
  const { testVote } = await t.anonymous.data<{ testVote: string }>('{ testVote(topic: "tea") }');
  expect(JSON.parse(testVote)).toEqual({ total: 11, order: ['early:tea/1', 'late:tea/10'] });
});

test('boot refuses a handler for a hook nobody declares, naming the plugin and the fix', async () => {
  await expect(createTestGateway({ plugins: [voter('stray', 1, [])] })).rejects.toThrow(
    /stray.*handles hook "test\.vote", which no installed plugin declares/s,
  );
});

test('boot refuses a handler whose plugin does not require the declaring plugin', async () => {
  await expect(createTestGateway({ plugins: [ballot, voter('loose', 1, [])] })).rejects.toThrow(
    /loose.*does not require "ballot".*add "ballot" to the plugin's requires/s,
  );
});

test('a hook is declared once', async () => {
  const again = definePlugin({
    name: 'ballot-again',
    version: '1.0.0',
    setup: (plugin) => {
      plugin.declareHook('test.vote', { combine: () => null });
      return {};
    },
  });
  await expect(createTestGateway({ plugins: [ballot, again] })).rejects.toThrow(
    /ballot-again.*already declared by plugin "ballot"/s,
  );
});

test('handledFor is false for a merchant every handler’s plugin is switched off for', () => {
  const off = new Set(['early@m-off']);
  const bus = new HookBus((plugin, merchantId) => !off.has(`${plugin}@${merchantId}`));
  const runner = bus.declare('ballot', 'test.vote', {
    merchantOf: (input) => input.merchantId,
    combine: (answers) => answers.length,
  });
  expect(runner.handledFor('m-on')).toBe(false);
  bus.handle('early', { 'test.vote': () => ({ vote: 1, note: '' }) });
  expect(runner.handledFor('m-on')).toBe(true);
  expect(runner.handledFor('m-off')).toBe(false);
  bus.handle('late', { 'test.vote': () => ({ vote: 1, note: '' }) });
  expect(runner.handledFor('m-off')).toBe(true);
});
