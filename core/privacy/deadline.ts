import { UTCDate } from '@date-fns/utc';
import { addBusinessDays, addDays, addHours, addMonths, addYears } from 'date-fns';
import type { Period } from './regulation-pack.ts';

/**
 * When a period the law counts from `from` ends, in UTC. Months follow Regulation 1182/71 Art.
 * 3(2)(c) (the same date of the last month, or that month's last day: 31 January + 1 month is
 * 28 or 29 February), which is date-fns's `addMonths`; business days skip Saturdays and Sundays
 * (public holidays are the operator's to add: they depend on the member state or country).
 */
export function deadline(from: Date, period: Period): Date {
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
