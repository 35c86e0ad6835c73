import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Check } from './reconcile.ts';

/** Prints a part's figures (and appends them as a JSON line to $RELIABILITY_FIGURES, if set). */
export function printFigures(part: string, figures: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  const lines = Object.entries(figures).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  process.stdout.write(`\n== reliability figures: ${part}\n${lines.join('\n')}\n`);
  const file = process.env.RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ part, at: new Date().toISOString(), ...figures })}\n`);
}

/** Fails with the invariant's name and what broke it. */
export function holds(checks: readonly Check[] | undefined, name: string): void {
  if (!checks) throw new Error('the run did not get as far as this check (see the first failure)');
  const check = checks.find((c) => c.name === name);
  if (!check) throw new Error(`the check "${name}" was not run`);
  expect(check.failures, `invariant broken: ${name}`).toEqual([]);
}
