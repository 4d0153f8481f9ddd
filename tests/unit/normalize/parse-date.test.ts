import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDate, ZONE_OFFSETS_MINUTES } from '../../../src/normalize/parse-date.js';

// A zone far from UTC (and with DST) so that any reliance on local time shows up as a wrong hour.
const originalTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Pacific/Chatham';
});
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe('parseDate', () => {
  const cases: [name: string, raw: string | undefined, want: string | null][] = [
    // RFC 822 / 1123 / 2822
    ['RFC 1123 with +0000', 'Fri, 27 Mar 2015 11:29:00 +0000', '2015-03-27T11:29:00.000Z'],
    ['RFC 1123 with GMT', 'Fri, 27 Mar 2015 11:29:00 GMT', '2015-03-27T11:29:00.000Z'],
    ['without weekday', '27 Mar 2015 11:29:00 GMT', '2015-03-27T11:29:00.000Z'],
    ['one-digit day, no seconds', 'Tue, 3 Jun 2008 11:05 GMT', '2008-06-03T11:05:00.000Z'],
    ['numeric negative zone', 'Fri, 27 Mar 2015 07:29:00 -0400', '2015-03-27T11:29:00.000Z'],
    ['numeric zone with colon', 'Fri, 27 Mar 2015 13:29:00 +02:00', '2015-03-27T11:29:00.000Z'],
    ['half-hour zone', 'Fri, 27 Mar 2015 16:59:00 +0530', '2015-03-27T11:29:00.000Z'],
    ['-0000 (unknown local zone) is UTC', 'Fri, 27 Mar 2015 11:29:00 -0000', '2015-03-27T11:29:00.000Z'],
    ['UT', 'Fri, 27 Mar 2015 11:29:00 UT', '2015-03-27T11:29:00.000Z'],
    ['EST', 'Fri, 27 Mar 2015 06:29:00 EST', '2015-03-27T11:29:00.000Z'],
    ['EDT', 'Fri, 27 Mar 2015 07:29:00 EDT', '2015-03-27T11:29:00.000Z'],
    ['CST', 'Fri, 27 Mar 2015 05:29:00 CST', '2015-03-27T11:29:00.000Z'],
    ['MDT', 'Fri, 27 Mar 2015 05:29:00 MDT', '2015-03-27T11:29:00.000Z'],
    ['PST', 'Fri, 27 Mar 2015 03:29:00 PST', '2015-03-27T11:29:00.000Z'],
    ['PDT', 'Fri, 27 Mar 2015 04:29:00 PDT', '2015-03-27T11:29:00.000Z'],
    ['BST', 'Fri, 27 Mar 2015 12:29:00 BST', '2015-03-27T11:29:00.000Z'],
    ['CET', 'Fri, 27 Mar 2015 12:29:00 CET', '2015-03-27T11:29:00.000Z'],
    ['CEST', 'Fri, 27 Mar 2015 13:29:00 CEST', '2015-03-27T11:29:00.000Z'],
    ['AEDT', 'Fri, 27 Mar 2015 22:29:00 AEDT', '2015-03-27T11:29:00.000Z'],
    ['lower-case zone name', 'Fri, 27 Mar 2015 03:29:00 pst', '2015-03-27T11:29:00.000Z'],
    ['military letter is -0000 (RFC 2822 §4.3)', 'Fri, 27 Mar 2015 11:29:00 A', '2015-03-27T11:29:00.000Z'],
    ['ambiguous IST is read as UTC', 'Fri, 27 Mar 2015 11:29:00 IST', '2015-03-27T11:29:00.000Z'],
    ['missing zone is UTC', 'Fri, 27 Mar 2015 11:29:00', '2015-03-27T11:29:00.000Z'],
    ['date only is UTC midnight', '27 Mar 2015', '2015-03-27T00:00:00.000Z'],
    ['2-digit year < 50 → 20xx', 'Fri, 27 Mar 15 11:29:00 GMT', '2015-03-27T11:29:00.000Z'],
    ['2-digit year 49 → 2049', '01 Jan 49 00:00:00 GMT', '2049-01-01T00:00:00.000Z'],
    ['2-digit year ≥ 50 → 19xx', 'Sun, 06 Nov 94 08:49:37 GMT', '1994-11-06T08:49:37.000Z'],
    ['2-digit year 50 → 1950', '01 Jan 50 00:00:00 GMT', '1950-01-01T00:00:00.000Z'],
    ['RFC 850 dashes, full weekday', 'Sunday, 06-Nov-94 08:49:37 GMT', '1994-11-06T08:49:37.000Z'],
    ['full month name', 'Fri, 27 March 2015 11:29:00 GMT', '2015-03-27T11:29:00.000Z'],
    ['Sept', '1 Sept 2015 10:00:00 GMT', '2015-09-01T10:00:00.000Z'],
    ['upper-case names', 'FRI, 27 MAR 2015 11:29:00 GMT', '2015-03-27T11:29:00.000Z'],
    ['a wrong weekday is ignored', 'Mon, 27 Mar 2015 11:29:00 GMT', '2015-03-27T11:29:00.000Z'],
    ['trailing comment', 'Fri, 27 Mar 2015 11:29:00 +0000 (UTC)', '2015-03-27T11:29:00.000Z'],
    [
      'JavaScript Date#toString',
      'Fri Mar 27 2015 12:29:00 GMT+0100 (Central European Standard Time)',
      '2015-03-27T11:29:00.000Z',
    ],
    ['asctime', 'Fri Mar 27 11:29:00 2015', '2015-03-27T11:29:00.000Z'],
    ['US month-first with PM', 'March 27, 2015 3:05 PM', '2015-03-27T15:05:00.000Z'],
    ['12 AM is midnight', 'March 27, 2015 12:05 am', '2015-03-27T00:05:00.000Z'],
    ['extra whitespace', '  Fri,  27 Mar 2015   11:29:00   GMT ', '2015-03-27T11:29:00.000Z'],
    // W3C-DTF / RFC 3339 / ISO 8601
    ['RFC 3339 Z', '2015-03-27T11:29:00Z', '2015-03-27T11:29:00.000Z'],
    ['RFC 3339 lower-case t and z', '2015-03-27t11:29:00z', '2015-03-27T11:29:00.000Z'],
    ['RFC 3339 +hh:mm', '2015-03-27T13:29:00+02:00', '2015-03-27T11:29:00.000Z'],
    ['ISO +hhmm', '2015-03-27T06:29:00-0500', '2015-03-27T11:29:00.000Z'],
    ['ISO +hh', '2015-03-27T13:29:00+02', '2015-03-27T11:29:00.000Z'],
    ['fractional seconds', '2015-03-27T11:29:00.123Z', '2015-03-27T11:29:00.123Z'],
    ['microseconds are truncated', '2015-03-27T11:29:00.123987+00:00', '2015-03-27T11:29:00.123Z'],
    ['one fractional digit', '2015-03-27T11:29:00.5Z', '2015-03-27T11:29:00.500Z'],
    ['no seconds', '2015-03-27T11:29+01:00', '2015-03-27T10:29:00.000Z'],
    ['space instead of T, no zone → UTC', '2015-03-27 11:29:00', '2015-03-27T11:29:00.000Z'],
    ['space before the zone', '2015-03-27 11:29:00 +0000', '2015-03-27T11:29:00.000Z'],
    ['zone-less date-time is UTC', '2015-03-27T11:29:00', '2015-03-27T11:29:00.000Z'],
    ['date only', '2015-03-27', '2015-03-27T00:00:00.000Z'],
    ['year and month (W3C-DTF)', '2015-03', '2015-03-01T00:00:00.000Z'],
    ['year only (W3C-DTF)', '2015', '2015-01-01T00:00:00.000Z'],
    ['basic format', '20150327T112900Z', '2015-03-27T11:29:00.000Z'],
    ['leap day', '2016-02-29T00:00:00Z', '2016-02-29T00:00:00.000Z'],
    ['leap second is clamped', '2016-12-31T23:59:60Z', '2016-12-31T23:59:59.000Z'],
    ['24:00 is the end of the day', '2015-03-27T24:00:00Z', '2015-03-28T00:00:00.000Z'],
    ['year 1 is not mapped to 1901', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    // Invalid → null
    ['undefined', undefined, null],
    ['empty', '', null],
    ['blank', '   ', null],
    ['garbage', 'yesterday', null],
    ['month 13', '2015-13-01T00:00:00Z', null],
    ['month 00', '2015-00-10', null],
    ['day 32', '2015-01-32', null],
    ['31 April', '31 Apr 2015 10:00:00 GMT', null],
    ['29 Feb in a common year', '2015-02-29', null],
    ['hour 25', '2015-03-27T25:00:00Z', null],
    ['minute 60', 'Fri, 27 Mar 2015 11:60:00 GMT', null],
    ['unknown month', '27 Foo 2015 11:29:00 GMT', null],
    ['not a weekday', 'Xyz, 27 Mar 2015 11:29:00 GMT', null],
    ['zone out of range', '2015-03-27T11:29:00+25:00', null],
    ['13 PM', 'March 27, 2015 13:05 PM', null],
    ['trailing junk', '2015-03-27T11:29:00Z and more', null],
    ['number only', '1427455740', null],
  ];

  it.each(cases)('%s', (_name, raw, want) => {
    expect(parseDate(raw)?.toISOString() ?? null).toBe(want);
  });

  it('runs in a non-UTC zone, so local-time parsing would fail the cases above', () => {
    expect(new Date(Date.UTC(2015, 2, 27, 11, 29)).getHours()).not.toBe(11);
  });

  it('never throws on hostile input', () => {
    for (const raw of ['((((', ')', '\u0000', '9'.repeat(500), 'Fri, 27 Mar 99999 11:29:00 GMT', '-'.repeat(100)]) {
      expect(() => parseDate(raw)).not.toThrow();
    }
  });

  it('documents a UTC offset for every zone name it accepts', () => {
    expect(ZONE_OFFSETS_MINUTES.GMT).toBe(0);
    expect(ZONE_OFFSETS_MINUTES.EST).toBe(-300);
    expect(ZONE_OFFSETS_MINUTES.IST).toBeUndefined();
  });
});
