import { createRequire } from 'node:module';
import { TZDate } from '@date-fns/tz';
import { UTCDate } from '@date-fns/utc';
// One module per function: the `date-fns` index loads every function of the library, which
// took the gateway process from about 80 MB to over 400 MB of peak RSS at import (Node 24,
// measured with VmHWM); issue 12's export target is 256 MB for the whole process.
import { addBusinessDays } from 'date-fns/addBusinessDays';
import { addDays } from 'date-fns/addDays';
import { addHours } from 'date-fns/addHours';
import { addMonths } from 'date-fns/addMonths';
import { addYears } from 'date-fns/addYears';
import { format } from 'date-fns/format';
import type HolidaysType from 'date-holidays';
import type { HolidayCalendar, Period } from './regulation-pack.ts';

/**
 * When a period the law counts from `from` ends. Months follow Regulation 1182/71 Art. 3(2)(c)
 * (the same date of the last month, or that month's last day: 31 January + 1 month is 28 or 29
 * February), which is date-fns's `addMonths`; hours, days, months and years count in UTC.
 *
 * Business days skip Saturdays and Sundays, and, when the period names a holiday calendar (the
 * CPRA's: California's state holidays), that calendar's public holidays, counted in its own time
 * zone: a request received on a Friday evening in Los Angeles is counted from Los Angeles's
 * Friday. The holidays come from date-holidays (type `public`), not from a list kept here.
 */
export function deadline(from: Date, period: Period): Date {
  if (period.unit === 'business-days' && period.calendar) {
    return addWorkingDays(from, period.amount, period.calendar);
  }
  const start = new UTCDate(from.getTime());
  const add = {
    hours: addHours,
    days: addDays,
    'business-days': addBusinessDays,
    months: addMonths,
    years: addYears,
  }[period.unit];
  return new Date(add(start, period.amount).getTime());
}

/** Whether `day` (any instant of it in the calendar's zone) is one of the calendar's public holidays. */
export function isPublicHoliday(day: Date, calendar: HolidayCalendar): boolean {
  const local = new TZDate(day.getTime(), calendar.timeZone);
  return publicHolidays(calendar, local.getFullYear()).has(format(local, 'yyyy-MM-dd'));
}

function addWorkingDays(from: Date, amount: number, calendar: HolidayCalendar): Date {
  let day = new TZDate(from.getTime(), calendar.timeZone);
  for (let left = amount; left > 0; ) {
    day = addBusinessDays(day, 1);
    if (!isPublicHoliday(day, calendar)) left--;
  }
  return new Date(day.getTime());
}

/** date-holidays computes a year's rules on each call: each calendar's year is asked once. */
const years = new Map<string, ReadonlySet<string>>();

/**
 * date-holidays loaded on the first calendar asked for, not at import: it parses the holidays of
 * every country it knows (about 8 MB of live heap), and most processes never count business days
 * against a calendar (issue 12's memory target is for the whole gateway process).
 */
let Holidays: typeof HolidaysType | undefined;
const require = createRequire(import.meta.url);

function publicHolidays(calendar: HolidayCalendar, year: number): ReadonlySet<string> {
  const key = `${calendar.country}-${calendar.region ?? ''}:${year}`;
  let found = years.get(key);
  if (!found) {
    Holidays ??= require('date-holidays') as typeof HolidaysType;
    const holidays = calendar.region
      ? new Holidays(calendar.country, calendar.region)
      : new Holidays(calendar.country);
    // `date` is the local date (`2026-11-26 00:00:00`); substitute days (observed) are public too.
    found = new Set(
      holidays
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    years.set(key, found);
  }
  return found;
}
