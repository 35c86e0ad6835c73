import { expect, test } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestGateway } from '../../../core/testing/create-test-gateway.ts';
import { mappedThing } from '../../support/fixture-plugins.ts';

const answering = mappedThing.definition;

function thingWith(hooks: Record<string, unknown>) {
  return definePlugin({ ...answering, name: 'forgetful-thing', setup: () => ({ hooks }) });
}

test('a plugin storing personal data without either subject hook stops boot, naming the field and the fix', async () => {
  await expect(createTestGateway({ plugins: [thingWith({})] })).rejects.toThrow(
    /plugin "forgetful-thing": it stores personal data \(Thing\.ownerEmail\) and does not handle "subject\.export" or "subject\.erase"\. Fix: return hooks: \{ 'subject\.export': \.\.\., 'subject\.erase': \.\.\. \}/,
  );
});

test('one hook is not enough: the missing one is named', async () => {
  const exportOnly = thingWith({ 'subject.export': () => [] });
  await expect(createTestGateway({ plugins: [exportOnly] })).rejects.toThrow(
    /does not handle "subject\.erase"\. Fix/,
  );
});

test('a plugin with no personal field needs neither hook', async () => {
  const technicalOnly = definePlugin({ name: 'technical-only', version: '1.0.0' });
  const t = await createTestGateway({ plugins: [technicalOnly] });
  await t.close();
});
