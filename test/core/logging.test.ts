import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createLogger } from '../../core/logging.ts';
import { requestScope } from '../../core/request-scope.ts';

function capture() {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { raw, lines, log: createLogger({ level: 'debug', destination, format: 'json' }) };
}

function capturePretty(config: Parameters<typeof createLogger>[0] = {}) {
  let text = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { text: () => text, log: createLogger({ level: 'debug', destination, ...config }) };
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

test('a child logger that binds its own requestId inside a request writes the key once', async () => {
  const { raw, lines, log } = capture();
  requestScope.run({ requestId: 'req-2' }, () => {
    log.child({ requestId: 'janitor-1' }).info('a job run from a request');
    log.child({ plugin: 'wallet' }).info('a plugin line');
  });
  expect(raw.map((line) => line.match(/"requestId":/g)?.length)).toEqual([1, 1]);
  expect(lines.map((l) => l.requestId)).toEqual(['janitor-1', 'req-2']);
});

test('pretty mode writes readable lines, still redacted', () => {
  const { text, log } = capturePretty({ format: 'pretty' });
  log.info({ apiKey: 'gw_mk_secret', plugin: 'wallet' }, 'wallet ready');
  expect(text()).not.toMatch(/^\{/);
  expect(text()).toMatch(/INFO.*wallet ready/);
  expect(text()).not.toContain('gw_mk_secret');
});

test('LOG_FORMAT chooses the format when the config does not', () => {
  const before = process.env.LOG_FORMAT;
  try {
    process.env.LOG_FORMAT = 'pretty';
    const pretty = capturePretty();
    pretty.log.info('hello');
    expect(pretty.text()).toMatch(/INFO.*hello/);
    process.env.LOG_FORMAT = 'json';
    const json = capturePretty();
    json.log.info('hello');
    expect(JSON.parse(json.text())).toMatchObject({ msg: 'hello' });
  } finally {
    if (before === undefined) delete process.env.LOG_FORMAT;
    else process.env.LOG_FORMAT = before;
  }
});

test('an unknown LOG_FORMAT is refused with the values it takes', () => {
  expect(() => createLogger({ format: 'fancy' as 'json' })).toThrow(
    'LOG_FORMAT "fancy" is not a log format. Fix: set LOG_FORMAT to json or pretty, or unset it (pretty on a terminal, else json)',
  );
});
