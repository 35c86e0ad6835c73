import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { signatureHeader } from '../../../plugins/events/webhook-signature.ts';

type Verify = (rawBody: string, header: string, secret: string) => boolean;

test('the partner guide’s verification snippet accepts our signatures and refuses forgeries', async () => {
  const guide = readFileSync(new URL('../../../docs/partner-guide.md', import.meta.url), 'utf8');
  const snippet = /### Verify the signature \(Node\)[\s\S]*?```js\n([\s\S]*?)```/.exec(guide)?.[1];
  expect(snippet).toBeDefined();
  const { verify } = (await import(
    `data:text/javascript,${encodeURIComponent(`${snippet}\nexport { verify };`)}`
  )) as { verify: Verify };
  const body = '{"id":"e1","type":"payment.captured","data":{"amount":"1050"}}';
  const t = Math.floor(Date.now() / 1000);
  const header = signatureHeader(['whsec_new', 'whsec_old'], t, body);
  expect(verify(body, header, 'whsec_new')).toBe(true);
  expect(verify(body, header, 'whsec_old')).toBe(true);
  expect(verify(body.replace('1050', '9050'), header, 'whsec_new')).toBe(false);
  expect(verify(body, header, 'whsec_other')).toBe(false);
  expect(verify(body, header.replace(/t=\d+/, `t=${t - 301}`), 'whsec_new')).toBe(false);
  expect(verify(body, 't=1,v1=not-hex', 'whsec_new')).toBe(false);
});
