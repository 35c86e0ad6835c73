import { UTCDate } from '@date-fns/utc';
// One module per function: the `date-fns` index loads every function of the library, which
// took the gateway process from about 80 MB to over 400 MB of peak RSS at import (Node 24,
// measured with VmHWM); issue 12's export target is 256 MB for the whole process.
import { addBusinessDays } from 'date-fns/addBusinessDays';
import { addDays } from 'date-fns/addDays';
import { addHours } from 'date-fns/addHours';
import { addMonths } from 'date-fns/addMonths';
import { addYears } from 'date-fns/addYears';
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
