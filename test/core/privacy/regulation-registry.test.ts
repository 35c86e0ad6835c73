import { expect, test } from 'vitest';
import { definePlugin } from '../../../core/plugin-api.ts';
import { createTestGateway } from '../../../core/testing/create-test-gateway.ts';
import { APPI } from '../../example-pack/appi/appi.pack.ts';

test('a pack that operators could not switch per merchant stops boot, naming the plugin and the fix', async () => {
  const alwaysOn = definePlugin({ name: 'appi', version: '1.0.0', setup: () => ({ regulation: APPI }) });
  await expect(createTestGateway({ plugins: [alwaysOn] })).rejects.toThrow(
    /appi.*not switched per merchant.*perMerchant: true/s,
  );
});
