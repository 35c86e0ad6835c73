import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';

/**
 * Issue 17: after a fuzz run the gateway's memory stayed high when idle. The heap held Yoga's
 * parse cache: its last 1,024 documents, whatever their size, for an hour. A burst of large
 * distinct documents, then a full collection: the heap must come back near where it started.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};
const MB = 1024 * 1024;

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway();
}, 180_000);
afterAll(() => t?.close());

/** One POST on its own connection (no keep-alive to race the server's idle timeout under load). */
function post(query: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const req = request(t.url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Each one distinct and about 130 kB: padding the parser skips, a long string, or many aliases. */
function document(i: number): string {
  const pad = 'x'.repeat(200_000);
  switch (i % 3) {
    case 0:
      return `{ viewer { kind } } # ${i} ${pad}`;
    case 1:
      return `query($s: String) { viewer { kind } } # ${i}\n${' '.repeat(200_000)}`;
    default:
      return `{ ${Array.from({ length: 400 }, (_, k) => `a${i}_${k}: viewer { kind }`).join(' ')} }`;
  }
}

test('memory returns near its start after a burst of large distinct documents', async () => {
  for (let i = 0; i < 30; i++) await t.anonymous.request('{ viewer { kind } }');
  const start = heapAfterGc();
  for (let i = 0; i < 240; i += 20) {
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, j) => post(document(i + j))));
    for (const status of statuses) expect(status).toBeLessThan(500);
  }
  const answer = await t.anonymous.request('{ viewer { kind } }');
  expect(answer.data).toEqual({ viewer: { kind: 'anonymous' } });
  const grown = (heapAfterGc() - start) / MB;
  // The burst sent about 32 MB of documents; what stays is a bounded cache of a few MB.
  expect(grown).toBeLessThan(16);
}, 120_000);
