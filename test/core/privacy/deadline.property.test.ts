import { TZDate } from '@date-fns/tz';
import { addBusinessDays, addDays, isWeekend, startOfDay } from 'date-fns';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { deadline, isPublicHoliday } from '../../../core/privacy/deadline.ts';

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

const CALIFORNIA = { country: 'US', region: 'CA', timeZone: 'America/Los_Angeles' } as const;
const losAngelesDay = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: CALIFORNIA.timeZone, weekday: 'short' }).format(d);

test('a named calendar: n working days in its zone, never ending on a weekend or one of its public holidays', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 1, max: 30 }), (from, n) => {
      const due = deadline(from, { amount: n, unit: 'business-days', calendar: CALIFORNIA });
      expect(['Sat', 'Sun']).not.toContain(losAngelesDay(due));
      expect(isPublicHoliday(due, CALIFORNIA)).toBe(false);
      // Never sooner than the same count without holidays, and as many working days in between.
      const plain = addBusinessDays(new TZDate(from.getTime(), CALIFORNIA.timeZone), n);
      expect(due.getTime()).toBeGreaterThanOrEqual(plain.getTime());
      // Whole local days after the day of receipt, up to the due day.
      const lastDay = startOfDay(new TZDate(due.getTime(), CALIFORNIA.timeZone));
      let working = 0;
      for (
        let d = addDays(startOfDay(new TZDate(from.getTime(), CALIFORNIA.timeZone)), 1);
        d <= lastDay;
        d = addDays(d, 1)
      ) {
        if (!isWeekend(d) && !isPublicHoliday(d, CALIFORNIA)) working++;
      }
      expect(working).toBe(n);
    }),
    { numRuns: 200 },
  );
});

test('Thanksgiving and the day after are not California business days (11 CCR 7001)', () => {
  // Received Wednesday 25 November 2026, 10:00 in Los Angeles: Thursday 26 and Friday 27 are
  // state holidays, so the 10th business day is Thursday 10 December (not Tuesday 8).
  const received = new Date('2026-11-25T18:00:00Z');
  expect(isPublicHoliday(new Date('2026-11-26T20:00:00Z'), CALIFORNIA)).toBe(true);
  expect(isPublicHoliday(new Date('2026-11-27T20:00:00Z'), CALIFORNIA)).toBe(true);
  expect(deadline(received, { amount: 10, unit: 'business-days' }).toISOString()).toBe(
    '2026-12-09T18:00:00.000Z',
  );
  expect(deadline(received, { amount: 10, unit: 'business-days', calendar: CALIFORNIA }).toISOString()).toBe(
    '2026-12-11T18:00:00.000Z',
  );
});
