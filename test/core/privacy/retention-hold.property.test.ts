import { UTCDate } from '@date-fns/utc';
import { addMonths, addYears } from 'date-fns';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { deadline } from '../../../core/privacy/deadline.ts';
import type { DeclaredRegulationPack, Period, RecordType } from '../../../core/privacy/regulation-pack.ts';
import { retentionHold } from '../../../core/privacy/retention-hold.ts';
import { GDPR } from '../../../plugins/gdpr/gdpr.pack.ts';
import { PIPA } from '../../../plugins/pipa/pipa.pack.ts';

const RECORD_TYPES: readonly RecordType[] = ['payment', 'aml', 'consent-proof'];
const instant = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});
const period: fc.Arbitrary<Period> = fc.record({
  amount: fc.integer({ min: 1, max: 12 }),
  unit: fc.constantFrom('days' as const, 'months' as const, 'years' as const),
});
const hold = fc.record({
  recordType: fc.constantFrom(...RECORD_TYPES),
  keep: period,
  article: fc.string({ minLength: 1, maxLength: 20 }),
});
const packs: fc.Arbitrary<DeclaredRegulationPack[]> = fc
  .array(fc.array(hold, { maxLength: 3 }), { maxLength: 4 })
  .map((holdsPerPack) =>
    holdsPerPack.map((retentionHolds, i) => ({
      ...GDPR,
      name: `pack-${i}`,
      rules: { ...GDPR.rules, retentionHolds },
    })),
  );
const types = fc.subarray([...RECORD_TYPES], { minLength: 1 });

test('the purge date is never earlier than any applicable hold, and is one of them: the longest wins', () => {
  fc.assert(
    fc.property(packs, types, instant, (installed, recordTypes, date) => {
      const applicable = installed.flatMap((pack) =>
        pack.rules.retentionHolds
          .filter((h) => recordTypes.includes(h.recordType))
          .map((h) => ({ law: pack.name, article: h.article, until: deadline(date, h.keep) })),
      );
      const held = retentionHold(installed, recordTypes, date);
      if (applicable.length === 0) {
        expect(held).toBeNull();
        return;
      }
      expect(held).not.toBeNull();
      for (const a of applicable) expect(held!.until.getTime()).toBeGreaterThanOrEqual(a.until.getTime());
      // The winner is a real rule: its law, article and date together.
      expect(applicable).toContainEqual({ law: held!.law, article: held!.article, until: held!.until });
      // Ties go to the first pack in plugin order.
      const first = applicable.find((a) => a.until.getTime() === held!.until.getTime())!;
      expect(held!.law).toBe(first.law);
      expect(held!.until.getTime()).toBeGreaterThan(date.getTime());
    }),
  );
});

test('purge date = the record’s date plus the pack’s period, counted in UTC', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 1, max: 10 }), fc.boolean(), (date, amount, inYears) => {
      const keep: Period = { amount, unit: inYears ? 'years' : 'months' };
      const pack = {
        ...PIPA,
        name: 'pipa',
        rules: { ...PIPA.rules, retentionHolds: [{ ...PIPA.rules.retentionHolds[0]!, keep }] },
      };
      const held = retentionHold([pack], ['payment'], date)!;
      const utc = new UTCDate(date.getTime());
      const expected = inYears ? addYears(utc, amount) : addMonths(utc, amount);
      expect(held.until.getTime()).toBe(expected.getTime());
      // The same time of day in UTC, whatever the process's time zone.
      expect(held.until.toISOString().slice(11)).toBe(date.toISOString().slice(11));
    }),
  );
});

test('the shipped packs: PIPA holds Korean payment records 5 years; a leap day ends on 28 February', () => {
  const pipa = { ...PIPA, name: 'pipa' };
  const gdpr = { ...GDPR, name: 'gdpr' };
  const leap = new Date('2024-02-29T15:00:00Z');
  expect(retentionHold([pipa], ['payment', 'aml'], leap)).toEqual({
    law: 'pipa',
    recordType: 'payment',
    article: PIPA.rules.retentionHolds[0]!.article,
    until: new Date('2029-02-28T15:00:00Z'),
  });
  // The GDPR holds AML records, not payment records as such.
  expect(retentionHold([gdpr], ['payment'], leap)).toBeNull();
  expect(retentionHold([gdpr], ['payment', 'aml'], leap)?.article).toBe(
    'GDPR Art. 17(3)(b); Directive (EU) 2015/849 Art. 40(1)',
  );
  // Both apply (a Korean customer of a merchant established in the EU): equal, the first pack wins.
  expect(retentionHold([pipa, gdpr], ['payment', 'aml'], leap)?.law).toBe('pipa');
});
