/**
 * Staff working hours, e.g. "Mon-Fri 09:00-17:00 Europe/Riga" or "Mon-Fri 09:00-17:00, Sat 10:00-14:00
 * Europe/Riga". Parsed once at start-up; evaluated with Intl in the given time zone, so daylight-saving
 * changes need no table of our own.
 */

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

interface Window {
  days: ReadonlySet<number>;
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

export interface BusinessHours {
  readonly timeZone: string;
  /** Whether staff are at work at this instant. */
  isOpen(at: Date): boolean;
  /** The next instant staff are at work: `at` itself when open now. */
  nextOpening(at: Date): Date;
  /** The next opening, said in the customer's language ("Monday 09:00 GMT+3"). */
  describeNextOpening(at: Date, language: string): string;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minutes: number;
}

function parseDay(name: string, spec: string): number {
  const index = DAY_NAMES.indexOf(name.toLowerCase().slice(0, 3) as (typeof DAY_NAMES)[number]);
  if (index < 0 || name.length < 3) throw new RangeError(`unknown day "${name}" in "${spec}" (use Mon, Tue, … Sun)`);
  return index;
}

function parseDays(text: string, spec: string): Set<number> {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to] = part.split('-');
    if (from === undefined || from === '') throw new RangeError(`missing day in "${spec}"`);
    const first = parseDay(from, spec);
    const last = to === undefined ? first : parseDay(to, spec);
    // Ranges may wrap the week: "Sat-Mon".
    for (let d = first; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === last) break;
    }
  }
  return days;
}

function parseClock(text: string, spec: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) throw new RangeError(`bad time "${text}" in "${spec}" (use HH:MM)`);
  return hours * 60 + minutes;
}

/**
 * Parses an hours spec; throws a RangeError naming the problem. Windows are separated by commas followed by
 * a day name; the IANA time zone comes last.
 */
export function parseBusinessHours(spec: string): BusinessHours {
  const trimmed = spec.trim();
  const lastSpace = trimmed.lastIndexOf(' ');
  if (lastSpace < 0) throw new RangeError(`"${spec}" needs days, hours and a time zone, e.g. "Mon-Fri 09:00-17:00 Europe/Riga"`);
  const timeZone = trimmed.slice(lastSpace + 1);
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}" in "${spec}" (use an IANA name like Europe/Riga)`);
  }
  const windows: Window[] = trimmed
    .slice(0, lastSpace)
    .split(/,\s*(?=[A-Za-z]{3}[a-z]*[\s-])/)
    .map((group) => {
      const match = /^([A-Za-z,-]+)\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(group.trim());
      if (!match?.[1] || !match[2] || !match[3]) throw new RangeError(`cannot read "${group.trim()}" in "${spec}" (expected e.g. "Mon-Fri 09:00-17:00")`);
      const start = parseClock(match[2], spec);
      const end = parseClock(match[3], spec);
      if (end <= start) throw new RangeError(`"${group.trim()}" in "${spec}" ends before it starts`);
      return { days: parseDays(match[1], spec), start, end };
    });
  return createBusinessHours(windows, timeZone);
}

function createBusinessHours(windows: readonly Window[], timeZone: string): BusinessHours {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
  });

  function local(at: Date): LocalTime {
    const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, x.value]));
    return {
      year: Number(p.year),
      month: Number(p.month),
      day: Number(p.day),
      weekday: DAY_NAMES.indexOf(String(p.weekday).toLowerCase() as (typeof DAY_NAMES)[number]),
      minutes: Number(p.hour) * 60 + Number(p.minute),
    };
  }

  /** The UTC instant of a local wall-clock time; two passes settle the zone offset across a DST change. */
  function toInstant(year: number, month: number, day: number, minutes: number): Date {
    const wall = Date.UTC(year, month - 1, day, 0, minutes);
    let guess = wall;
    for (let i = 0; i < 2; i += 1) {
      const seen = local(new Date(guess));
      const seenWall = Date.UTC(seen.year, seen.month - 1, seen.day, 0, seen.minutes);
      guess += wall - seenWall;
    }
    return new Date(guess);
  }

  function isOpen(at: Date): boolean {
    const now = local(at);
    return windows.some((w) => w.days.has(now.weekday) && now.minutes >= w.start && now.minutes < w.end);
  }

  function nextOpening(at: Date): Date {
    if (isOpen(at)) return at;
    const today = local(at);
    for (let offset = 0; offset <= 7; offset += 1) {
      // Calendar arithmetic on the local date, in UTC so no zone shifts the day.
      const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
      const weekday = date.getUTCDay();
      const starts = windows
        .filter((w) => w.days.has(weekday))
        .map((w) => toInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), w.start))
        .filter((instant) => instant.getTime() > at.getTime())
        .sort((a, b) => a.getTime() - b.getTime());
      if (starts[0]) return starts[0];
    }
    throw new RangeError('business hours have no opening in the next week');
  }

  return {
    timeZone,
    isOpen,
    nextOpening,
    describeNextOpening(at, language) {
      return new Intl.DateTimeFormat(language, {
        timeZone,
        weekday: 'long',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      }).format(nextOpening(at));
    },
  };
}
