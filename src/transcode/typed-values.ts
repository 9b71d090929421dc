/**
 * A serial number as the sheet means it: ISO 8601 dates, date-times, times of day and durations,
 * and numbers shown through a zero-padding pattern (`00000`) as the text the sheet shows. Pure.
 *
 * Serial numbers count days from 1899-12-30 (serial 0); the fraction is the time of day. Sheets has
 * no Lotus 1900 leap day: serial 60 is 1900-02-28 and 61 is 1900-03-01. A date-time is the wall
 * time the sheet shows, in the spreadsheet's own time zone: nothing here converts between zones.
 * Values are rounded to the millisecond first, so a fraction that rounds to 24:00:00 carries into
 * the next day. A serial too large to be a date (past ±100,000,000 days, JavaScript's date range)
 * gives undefined: the caller writes the number as it came.
 */

const MS_PER_DAY = 86_400_000;
/** Serial days from 1899-12-30 to 1970-01-01, the epoch the civil calendar below counts from. */
const SERIAL_UNIX_EPOCH = 25_569;
/** Days either side of 1970 that a serial may reach and still be a date (JavaScript's Date range). */
const MAX_DAYS = 100_000_000;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** A year as ISO 8601 writes it: four digits, or signed and longer outside 0000–9999. */
function isoYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(year < 0 ? 4 : 5, '0')}`;
}

/** Year, month, day of a day count from 1970-01-01 (proleptic Gregorian; H. Hinnant's civil_from_days). */
function civil(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** A serial split into whole days (from serial 0) and milliseconds of the day, rounded to the ms; undefined past the date range. */
function split(serial: number): { days: number; ms: number } | undefined {
  const total = Math.round(serial * MS_PER_DAY);
  const days = Math.floor(total / MS_PER_DAY);
  if (!Number.isFinite(total) || Math.abs(days - SERIAL_UNIX_EPOCH) > MAX_DAYS) return undefined;
  return { days, ms: total - days * MS_PER_DAY };
}

function dateText(days: number): string {
  const [year, month, day] = civil(days - SERIAL_UNIX_EPOCH);
  return `${isoYear(year)}-${pad2(month)}-${pad2(day)}`;
}

/** `18:00:00`, with the milliseconds (`18:00:00.25`) only when there are some. */
function timeText(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const fraction = ms - seconds * 1000;
  const hms = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  return fraction === 0 ? hms : `${hms}.${pad3(fraction).replace(/0+$/, '')}`;
}

/** `2024-01-05`: the day of the serial (its time of day dropped, after rounding to the ms). */
export function serialToDate(serial: number): string | undefined {
  const parts = split(serial);
  return parts && dateText(parts.days);
}

/** `2024-01-05T18:00:00`, seconds' fraction only when not zero. */
export function serialToDateTime(serial: number): string | undefined {
  const parts = split(serial);
  return parts && `${dateText(parts.days)}T${timeText(parts.ms)}`;
}

/** `18:00:00`: the time of day of the serial (its whole days dropped). */
export function serialToTime(serial: number): string | undefined {
  const parts = split(serial);
  return parts && timeText(parts.ms);
}

/**
 * An elapsed time as an ISO 8601 duration in hours, minutes and seconds: `PT36H`, `PT1H30M5S`,
 * `PT0.5S`, `PT0S`, `-PT2H`. Hours are not folded into days (a duration's day is a calendar day to
 * ISO 8601, not 24 hours). Undefined when the milliseconds pass 2^53 (they would not be exact).
 */
export function serialToDuration(serial: number): string | undefined {
  const total = Math.round(serial * MS_PER_DAY);
  if (!Number.isSafeInteger(total)) return undefined;
  const sign = total < 0 ? '-' : '';
  let ms = Math.abs(total);
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const seconds = Math.floor(ms / 1000);
  const fraction = ms - seconds * 1000;
  let text = 'PT';
  if (hours > 0) text += `${hours}H`;
  if (minutes > 0) text += `${minutes}M`;
  if (seconds > 0 || fraction > 0) text += fraction === 0 ? `${seconds}S` : `${seconds}.${pad3(fraction).replace(/0+$/, '')}S`;
  return text === 'PT' ? 'PT0S' : `${sign}${text}`;
}

/** One piece of a zero-padding pattern: a digit placeholder or literal text. */
type CodePiece = { kind: 'digit'; placeholder: '0' | '#' | '?' } | { kind: 'text'; text: string };

/** A number pattern that pads with zeros (`00000`, `000-00-0000`, `"ID-"0000`), parsed. */
export interface CodePattern {
  readonly pieces: readonly CodePiece[];
  readonly digits: number;
}

/**
 * The pattern's zero-padding shape, or undefined when it is no such pattern: a code pattern has at
 * least two `0` placeholders and no decimal point, grouping comma, percent, exponent or date part,
 * so it shows a whole number with leading zeros and fixed literals. Only its first section (before
 * `;`) counts. `0` alone, `0.00` and `#,##0` are plain number formats.
 */
export function codePattern(pattern: string): CodePattern | undefined {
  const pieces: CodePiece[] = [];
  let zeros = 0;
  let digits = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === ';') break;
    if (c === '0' || c === '#' || c === '?') {
      pieces.push({ kind: 'digit', placeholder: c });
      digits += 1;
      if (c === '0') zeros += 1;
    } else if (c === '"') {
      const end = pattern.indexOf('"', i + 1);
      if (end < 0) return undefined;
      pieces.push({ kind: 'text', text: pattern.slice(i + 1, end) });
      i = end;
    } else if (c === '\\') {
      pieces.push({ kind: 'text', text: pattern[i + 1] ?? '' });
      i += 1;
    } else if ('.,%eE@*_[]'.includes(c) || /[A-Za-z]/.test(c)) {
      return undefined;
    } else {
      pieces.push({ kind: 'text', text: c });
    }
  }
  return zeros >= 2 ? { pieces, digits } : undefined;
}

/**
 * The text a code pattern shows for `value`: rounded to a whole number (half away from zero), its
 * digits filled into the placeholders from the right, the first placeholder taking any digits
 * left over (`00000` shows 2134 as `02134`, 1234567 as `1234567`). Undefined past 10^21, where
 * the number has no plain digit form.
 */
export function formatCode(value: number, pattern: CodePattern): string | undefined {
  const whole = Math.round(Math.abs(value));
  if (!(whole < 1e21)) return undefined;
  const digits = whole === 0 ? '' : whole.toFixed(0);
  let left = digits.length;
  let placeholders = pattern.digits;
  const out: string[] = [];
  for (let p = pattern.pieces.length - 1; p >= 0; p--) {
    const piece = pattern.pieces[p] as CodePiece;
    if (piece.kind === 'text') {
      out.push(piece.text);
      continue;
    }
    placeholders -= 1;
    if (placeholders === 0 && left > 0) {
      out.push(digits.slice(0, left));
      left = 0;
    } else if (left > 0) {
      left -= 1;
      out.push(digits[left] as string);
    } else {
      out.push(piece.placeholder === '0' ? '0' : piece.placeholder === '?' ? ' ' : '');
    }
  }
  const text = out.reverse().join('');
  return value < 0 && whole !== 0 ? `-${text}` : text;
}
