// Feed dates: RFC 822/2822 (RSS), RFC 3339 / W3C-DTF (Atom, JSON Feed) and the sloppy variants real
// feeds emit. Every instant is built with Date.UTC plus an explicit offset, so the machine's TZ never
// leaks in: a string without a zone is read as UTC.

/**
 * Zone names we accept, in minutes east of UTC. Chosen to be unambiguous in English-language feeds:
 * RFC 822 §5.1 names, plus common North American, European and Asia-Pacific abbreviations.
 * Deliberately absent, because they name several zones: IST (India/Ireland/Israel), AST (Atlantic/Arabia),
 * ADT, BT, SST, CDT-for-Cuba etc. An unknown alphabetic zone is read as UTC, as RFC 2822 §4.3 says
 * for zones it cannot interpret ("-0000").
 */
export const ZONE_OFFSETS_MINUTES: Readonly<Record<string, number>> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  // RFC 822 §5.1 North American zones
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  NST: -210,
  NDT: -150,
  // Europe (BST = British Summer Time)
  BST: 60,
  WEST: 60,
  CET: 60,
  MET: 60,
  CEST: 120,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  // Asia-Pacific
  HKT: 480,
  SGT: 480,
  AWST: 480,
  JST: 540,
  KST: 540,
  ACST: 570,
  ACDT: 630,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
};

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};

const WEEKDAYS: ReadonlySet<string> = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

// W3C-DTF / RFC 3339 extended format: YYYY, YYYY-MM, YYYY-MM-DD, then optional [T or space]hh:mm[:ss[.fff]][zone].
const ISO_EXTENDED =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:(?:T|\s+)(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;
// ISO 8601 basic format with a time: 20150327T112900Z.
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?`;
const ZONE = String.raw`((?:GMT|UTC|UT)?\s*[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})`;
const WEEKDAY = String.raw`(?:([A-Za-z]{3,9})\.?\s*,?\s*)?`;
const MONTH = String.raw`([A-Za-z]{3,9})\.?`;
// RFC 822: [Wkd,] D Mon YY[YY] [hh:mm[:ss]] [zone]  (also with dashes: 27-Mar-2015)
const RFC822 = new RegExp(
  String.raw`^${WEEKDAY}(\d{1,2})[\s-]+${MONTH}[\s-]+(\d{2,4})(?:,?\s+${TIME})?(?:\s*${ZONE})?$`,
);
// Month first, as JavaScript's Date#toString and US sites write it: [Wkd] Mon D[,] YYYY [hh:mm[:ss]] [zone]
const MONTH_FIRST = new RegExp(
  String.raw`^${WEEKDAY}${MONTH}\s+(\d{1,2}),?\s+(\d{4})(?:,?\s+${TIME})?(?:\s*${ZONE})?$`,
);
// asctime(): Wkd Mon D hh:mm:ss YYYY
const ASCTIME = new RegExp(String.raw`^${WEEKDAY}${MONTH}\s+(\d{1,2})\s+${TIME}\s+(\d{4})(?:\s*${ZONE})?$`);

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fraction: string | undefined;
  /** Minutes east of UTC. */
  offsetMinutes: number;
}

/** Returns the instant a feed date string denotes, or null when it is empty, malformed or out of range. */
export function parseDate(raw: string | undefined): Date | null {
  if (raw === undefined) return null;
  // RFC 2822 §3.2.3 comments such as "+0000 (UTC)" or "GMT+0100 (Central European Standard Time)".
  const text = to24Hour(
    raw
      .replace(/\([^()]*\)/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
  if (text === '') return null;
  const parts = parseIso(text) ?? parseRfc822(text);
  return parts ? toDate(parts) : null;
}

/** Returns `text` with a 12-hour clock time (`3:05 PM`, `3:05pm`) rewritten as 24-hour (`15:05`). */
function to24Hour(text: string): string {
  return text.replace(
    /\b(\d{1,2})(:\d{2}(?::\d{2})?)\s*([ap])\.?m\.?(?=\s|$)/i,
    (_all, h: string, rest: string, ap: string) => {
      const hour = Number(h);
      // 13 PM and 0 AM are not times; make the hour invalid so the range check rejects the string.
      if (hour < 1 || hour > 12) return `99${rest}`;
      return `${(hour % 12) + (ap.toLowerCase() === 'p' ? 12 : 0)}${rest}`;
    },
  );
}

/** Returns the parts of a W3C-DTF / ISO 8601 date, or null when `text` is not one. */
function parseIso(text: string): DateParts | null {
  const m = ISO_EXTENDED.exec(text) ?? ISO_BASIC.exec(text);
  if (!m) return null;
  const offsetMinutes = m[8] === undefined ? 0 : parseNumericOffset(m[8]);
  if (offsetMinutes === null) return null;
  return {
    year: Number(m[1]),
    month: m[2] === undefined ? 1 : Number(m[2]),
    day: m[3] === undefined ? 1 : Number(m[3]),
    hour: m[4] === undefined ? 0 : Number(m[4]),
    minute: m[5] === undefined ? 0 : Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]),
    fraction: m[7],
    offsetMinutes,
  };
}

/** Returns the parts of an RFC 822-like date (day-first, month-first or asctime), or null. */
function parseRfc822(text: string): DateParts | null {
  let weekday: string | undefined;
  let dayText: string | undefined;
  let monthText: string | undefined;
  let yearText: string | undefined;
  let time: (string | undefined)[];
  let zone: string | undefined;
  let m = RFC822.exec(text);
  if (m) {
    [, weekday, dayText, monthText, yearText] = m;
    time = m.slice(5, 9);
    zone = m[9];
  } else if ((m = MONTH_FIRST.exec(text))) {
    [, weekday, monthText, dayText, yearText] = m;
    time = m.slice(5, 9);
    zone = m[9];
  } else if ((m = ASCTIME.exec(text))) {
    [, weekday, monthText, dayText] = m;
    time = m.slice(4, 8);
    yearText = m[8];
    zone = m[9];
  } else {
    return null;
  }
  // The weekday is only checked for being a weekday: feeds often get it wrong, the date wins.
  if (weekday !== undefined && !WEEKDAYS.has(weekday.slice(0, 3).toLowerCase())) return null;
  const month = MONTHS[(monthText ?? '').toLowerCase()];
  if (month === undefined || dayText === undefined || yearText === undefined) return null;
  const offsetMinutes = zone === undefined ? 0 : parseZone(zone);
  if (offsetMinutes === null) return null;
  const [hour, minute, second, fraction] = time;
  return {
    year: expandYear(yearText),
    month,
    day: Number(dayText),
    hour: hour === undefined ? 0 : Number(hour),
    minute: minute === undefined ? 0 : Number(minute),
    second: second === undefined ? 0 : Number(second),
    fraction,
    offsetMinutes,
  };
}

/** Returns a four-digit year: RFC 2822 §4.3 maps 00–49 to 20xx, 50–99 to 19xx, three digits to +1900. */
function expandYear(text: string): number {
  const year = Number(text);
  if (text.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  if (text.length === 3) return 1900 + year;
  return year;
}

/** Returns the offset in minutes east of UTC for a named or numeric zone, or null when malformed. */
function parseZone(zone: string): number | null {
  const compact = zone.replace(/\s+/g, '').toUpperCase();
  const numeric = /^(?:GMT|UTC|UT)?([+-].*)$/.exec(compact);
  if (numeric?.[1] !== undefined) return parseNumericOffset(numeric[1]);
  const named = ZONE_OFFSETS_MINUTES[compact];
  if (named !== undefined) return named;
  // RFC 2822 §4.3: military single letters were defined with the wrong sign in RFC 822 and
  // SHOULD be read as -0000; other unknown names get the same treatment.
  return 0;
}

/** Returns minutes east of UTC for `+hh`, `+hhmm`, `+hh:mm` (also `+h`, `+hmm`), or null when out of range. */
function parseNumericOffset(text: string): number | null {
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(text.toUpperCase());
  if (!m) return text.toUpperCase() === 'Z' ? 0 : null;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 23 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** Returns the instant for validated parts, or null when a field is out of range. */
function toDate(p: DateParts): Date | null {
  if (p.month < 1 || p.month > 12) return null;
  if (p.day < 1 || p.day > daysInMonth(p.year, p.month)) return null;
  // 24:00:00 is ISO 8601's end of day; 60 seconds is a leap second, which Date cannot hold.
  const endOfDay = p.hour === 24 && p.minute === 0 && p.second === 0;
  if ((p.hour > 23 && !endOfDay) || p.minute > 59 || p.second > 60) return null;
  const second = Math.min(p.second, 59);
  const ms = p.fraction === undefined ? 0 : Number(p.fraction.slice(0, 3).padEnd(3, '0'));
  // Date.UTC maps years 0–99 to 1900–1999; set the full year explicitly to keep e.g. 0001-01-01.
  const date = new Date(Date.UTC(2000, p.month - 1, p.day, p.hour, p.minute, second, ms));
  date.setUTCFullYear(p.year);
  const time = date.getTime() - p.offsetMinutes * 60_000;
  return Number.isFinite(time) ? new Date(time) : null;
}

/** Returns the number of days in a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
