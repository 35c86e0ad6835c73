import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AttemptGenerator } from '../../../bench/fraud/attempt-generator.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootFraudGateway } from './support.ts';

/** `gateway fraud replay`, run as the CLI runs it: the gateway's command on its migrated database. */
let t: TestGateway;
const dir = mkdtempSync(join(tmpdir(), 'fraud-replay-'));
beforeAll(async () => {
  t = await bootFraudGateway();
});
afterAll(() => t?.close());

async function replay(lines: readonly string[]): Promise<{ code: number; said: string[]; out: string[] }> {
  const input = join(dir, 'in.jsonl');
  const output = join(dir, 'out.jsonl');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const said: string[] = [];
  const command = t.gateway.commands.get('fraud replay');
  if (!command) throw new Error('fraud replay is not installed');
  const code = await command.run({
    em: t.gateway.database.em.fork(),
    out: (line) => said.push(line),
    flags: { in: input, out: output },
  });
  return { code, said, out: readFileSync(output, 'utf8').split('\n').filter(Boolean) };
}

test('one decision per attempt, in input order, with exactly id, decision, score and reasons; extra fields ignored', async () => {
  const { attempts, labels } = new AttemptGenerator(12).generate(4_000);
  const lines = attempts.map((a, n) => JSON.stringify(n % 2 ? { ...a, extra: 'ignored', note: n } : a));
  const { code, said, out } = await replay(lines);
  expect(code).toBe(0);
  expect(said.join('\n')).toMatch(/^4000 attempts decided in/);
  const decisions = out.map((line) => JSON.parse(line));
  expect(decisions.map((d) => d.id)).toEqual(attempts.map((a) => a.id));
  for (const d of decisions) {
    expect(Object.keys(d)).toEqual(['id', 'decision', 'score', 'reasons']);
    expect(['allow', 'challenge', 'review', 'block']).toContain(d.decision);
    expect(Number.isInteger(d.score) && d.score >= 0 && d.score <= 100).toBe(true);
    expect(Array.isArray(d.reasons)).toBe(true);
  }
  // The built-in cash-out rules, seeded by the command, flag ring attempts.
  const ring = new Set(labels.filter((l) => l.kind === 'cash_out_ring').map((l) => l.id));
  const flaggedRing = decisions.filter((d) => ring.has(d.id) && d.decision !== 'allow');
  expect(ring.size).toBeGreaterThan(0);
  expect(flaggedRing.length).toBeGreaterThan(0);
  expect(flaggedRing[0].reasons.length).toBeGreaterThan(0);
});

test('a malformed line or one out of time order stops the replay with its line number, exit code 1', async () => {
  const { attempts } = new AttemptGenerator(11).generate(10);
  const good = attempts.map((a) => JSON.stringify(a));
  const bad = await replay([good[0]!, JSON.stringify({ ...attempts[1], amount: 'ten' })]);
  expect(bad.code).toBe(1);
  expect(bad.said.join('\n')).toMatch(/line 2/);
  const backwards = await replay([good[5]!, good[1]!]);
  expect(backwards.code).toBe(1);
  expect(backwards.said.join('\n')).toMatch(/line 2: .* earlier than the one before/);
});

test('without --in and --out it prints its usage and exits 2', async () => {
  const command = t.gateway.commands.get('fraud replay');
  const said: string[] = [];
  const code = await command!.run({ em: t.gateway.database.em.fork(), out: (l) => said.push(l), flags: {} });
  expect(code).toBe(2);
  expect(said.join('\n')).toMatch(/--in attempts.jsonl --out decisions.jsonl/);
});
