import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createLogger } from '../../core/logging.ts';
import { requestScope } from '../../core/request-scope.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination }) };
}

test('secrets are redacted by name at any depth a plugin might log them', () => {
  const { lines, log } = capture();
  log.info(
    {
      authorization: 'Bearer gw_op_abc',
      input: { apiKey: 'gw_mk_def', cardNumber: '4242424242424242', cvc: '123' },
      factor: { attempt: { totpCode: '287082', recoveryCode: 'r3c0v' } },
      secret: 'JBSWY3DPEHPK3PXP',
    },
    'a careless log line',
  );
  const text = JSON.stringify(lines);
  for (const leaked of [
    'gw_op_abc',
    'gw_mk_def',
    '4242424242424242',
    '123"',
    '287082',
    'r3c0v',
    'JBSWY3DPEHPK3PXP',
  ]) {
    expect(text).not.toContain(leaked);
  }
  expect(text.match(/\[redacted\]/g)?.length).toBe(7);
});

test('each line written inside a request carries its request id', async () => {
  const { lines, log } = capture();
  await requestScope.run({ requestId: 'req-1' }, async () => {
    log.info('first');
    await new Promise((resolve) => setTimeout(resolve, 5));
    log.child({ plugin: 'wallet' }).warn('after an await, from a child logger');
  });
  log.info('outside any request');
  expect(lines.map((l) => l.requestId)).toEqual(['req-1', 'req-1', undefined]);
});
