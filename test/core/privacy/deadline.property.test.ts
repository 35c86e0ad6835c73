import fc from 'fast-check';
import { expect, test } from 'vitest';
import { deadline } from '../../../core/privacy/deadline.ts';

const instant = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});
const HOUR = 3_600_000;

test('hours are exact: 72 h after discovery, to the millisecond, whatever the calendar', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 1, max: 1000 }), (from, hours) => {
      expect(deadline(from, { amount: hours, unit: 'hours' }).getTime() - from.getTime()).toBe(hours * HOUR);
    }),
  );
});

test('days are calendar days in UTC: the same time of day, n dates later', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 1, max: 400 }), (from, days) => {
      const due = deadline(from, { amount: days, unit: 'days' });
      expect(due.getTime() - from.getTime()).toBe(days * 24 * HOUR);
    }),
  );
});

test('months end on the same date, or on the last day of a shorter month (Reg. 1182/71 Art. 3(2)(c))', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 1, max: 24 }), (from, months) => {
      const due = deadline(from, { amount: months, unit: 'months' });
      const target = from.getUTCFullYear() * 12 + from.getUTCMonth() + months;
      expect(due.getUTCFullYear() * 12 + due.getUTCMonth()).toBe(target);
      const lastDay = new Date(Date.UTC(Math.floor(target / 12), (target % 12) + 1, 0)).getUTCDate();
      expect(due.getUTCDate()).toBe(Math.min(from.getUTCDate(), lastDay));
      expect(due.toISOString().slice(11)).toBe(from.toISOString().slice(11));
    }),
  );
  expect(deadline(new Date('2026-01-31T09:00:00Z'), { amount: 1, unit: 'months' }).toISOString()).toBe(
    '2026-02-28T09:00:00.000Z',
  );
});

test('business days skip weekends: n weekdays later, never on a Saturday or Sunday', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 1, max: 60 }), (from, n) => {
      const due = deadline(from, { amount: n, unit: 'business-days' });
      expect([0, 6]).not.toContain(due.getUTCDay());
      let weekdays = 0;
      for (let d = new Date(from); d < due; ) {
        d = new Date(d.getTime() + 24 * HOUR);
        if (d <= due && d.getUTCDay() !== 0 && d.getUTCDay() !== 6) weekdays++;
      }
      expect(weekdays).toBe(n);
    }),
  );
});
