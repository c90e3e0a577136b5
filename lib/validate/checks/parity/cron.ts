// The schedule grammar of CronJobs: robfig/cron's standard parser, which the API server uses.

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Field { readonly name: string; readonly min: number; readonly max: number; readonly names?: string[] }

const FIELDS: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: DAYS },
];

function value(field: Field, text: string): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.min;
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Why one comma-separated item of a field is invalid, or undefined. */
function itemError(field: Field, item: string): string | undefined {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || (step !== undefined && !/^\d+$/.test(step))) return `"${item}" has an invalid step`;
  if (step !== undefined && Number(step) === 0) return `"${item}" has a step of 0`;
  if (range === '*' || range === '?') return undefined;
  const [lowText, highText, more] = range.split('-');
  const low = value(field, lowText);
  const high = highText === undefined ? (step !== undefined ? field.max : low) : value(field, highText);
  if (more !== undefined || low === undefined || high === undefined) return `"${item}" is not a number, range or name`;
  if (low < field.min || high > field.max) return `"${item}" is outside ${field.min}-${field.max}`;
  if (low > high) return `"${item}" starts after it ends`;
  return undefined;
}

/** Why a CronJob schedule is invalid, or undefined when the API server accepts it. */
export function cronScheduleError(schedule: string): string | undefined {
  const trimmed = schedule.trim();
  if (/^(CRON_)?TZ=/.test(trimmed)) return 'may not set a time zone (TZ= or CRON_TZ=): use spec.timeZone';
  if (trimmed.startsWith('@')) {
    if (MACROS.has(trimmed)) return undefined;
    if (/^@every \d+(\.\d+)?(ns|us|µs|ms|s|m|h)(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))*$/.test(trimmed)) return undefined;
    return `unknown descriptor "${trimmed}" (one of ${[...MACROS].join(', ')}, or @every <duration>)`;
  }
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`;
  for (const [i, part] of parts.entries()) {
    for (const item of part.split(',')) {
      const error = itemError(FIELDS[i], item);
      if (error) return `${FIELDS[i].name} field: ${error}`;
    }
  }
  return undefined;
}

/** Whether the IANA time zone database (as Node ships it) knows `zone`. */
export function isTimeZone(zone: string): boolean {
  if (zone === '' || zone === 'Local' || /\s/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
