/**
 * Text typed into a cell of an en_US spreadsheet, read as Sheets reads it (the API's USER_ENTERED):
 * numbers, TRUE/FALSE, dates, times, durations, percents and dollar amounts get a value, and all
 * but plain numbers and booleans the number format Sheets gives them; anything else stays text.
 * FORMATTED_VALUE shows the text as written. Pure.
 */
import { type Cell, type NumberFormat, type NumberFormatType, type RichCell, dateToSerial } from './cells.js';

const PLAIN_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)$/;
const EXPONENT_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$/;
const GROUPED_NUMBER = /^[-+]?\d{1,3}(?:,\d{3})+(?:\.(\d+))?$/;
const PERCENT = /^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?)%$/;
const DOLLARS = /^(-?)\$(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const TIME = /^(\d+):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?$/;

const SECONDS_PER_DAY = 86_400;
const SCIENTIFIC: NumberFormat = Object.freeze({ type: 'SCIENTIFIC', pattern: '0.00E+00' });

function withFormat(value: number, text: string, type: NumberFormatType, pattern: string): RichCell {
  return { value, formatted: text, format: { type, pattern } };
}

/** `.00` for two written decimals, nothing for none. */
function decimals(fraction: string | undefined): string {
  return fraction ? `.${'0'.repeat(fraction.length)}` : '';
}

/** A serial day number and its pattern, or undefined for no calendar date. */
function dateOf(text: string): { serial: number; pattern: string } | undefined {
  const iso = ISO_DATE.exec(text);
  const us = iso ? undefined : US_DATE.exec(text);
  const parts = iso ? [iso[1], iso[2], iso[3]] : us ? [us[3], us[1], us[2]] : undefined;
  if (!parts) return undefined;
  const [year, month, day] = parts.map(Number) as [number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const [, monthText = '', dayText = ''] = us ?? [];
  // A US date's pattern pads as the text does: 1/5/2024 is M/d/yyyy, 01/05/2024 MM/dd/yyyy.
  const pattern = iso ? 'yyyy-mm-dd' : `${monthText.length === 2 ? 'MM' : 'M'}/${dayText.length === 2 ? 'dd' : 'd'}/yyyy`;
  return { serial: dateToSerial(year, month, day), pattern };
}

type TimeOfText = { kind: 'time' | 'duration'; days: number; pattern: string };

/**
 * A time of day (`18:00:00`, `6:00 PM`) or, past 23 hours, a duration (`36:00:00`, `[h]:mm:ss`),
 * as a fraction of a day and its pattern; undefined for neither.
 */
function timeOf(text: string): TimeOfText | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [, hourText = '', minuteText = '', secondText, meridiem] = m;
  const [hours, minutes, seconds] = [Number(hourText), Number(minuteText), Number(secondText ?? 0)];
  if (minutes > 59 || seconds > 59) return undefined;
  const rest = `mm${secondText === undefined ? '' : ':ss'}`;
  if (meridiem !== undefined) {
    if (hours < 1 || hours > 12) return undefined;
    const hour24 = (hours % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
    return { kind: 'time', days: (hour24 * 3600 + minutes * 60 + seconds) / SECONDS_PER_DAY, pattern: `h:${rest} am/pm` };
  }
  const days = (hours * 3600 + minutes * 60 + seconds) / SECONDS_PER_DAY;
  if (hours > 23) return { kind: 'duration', days, pattern: `[h]:${rest}` };
  // Padded as written: 8:30 is H:mm, 08:30 HH:mm.
  return { kind: 'time', days, pattern: `${/^0\d$/.test(hourText) ? 'HH' : 'H'}:${rest}` };
}

function dateTimeCell(text: string): RichCell | undefined {
  const date = dateOf(text);
  if (date) return withFormat(date.serial, text, 'DATE', date.pattern);
  const time = timeOf(text);
  if (time) return withFormat(time.days, text, 'TIME', time.pattern);
  const space = text.indexOf(' ');
  const day = space < 0 ? undefined : dateOf(text.slice(0, space));
  const clock = day && timeOf(text.slice(space + 1));
  if (!day || clock?.kind !== 'time') return undefined;
  return withFormat(day.serial + clock.days, text, 'DATE_TIME', `${day.pattern} ${clock.pattern}`);
}

function numberCell(text: string): number | RichCell | undefined {
  if (PLAIN_NUMBER.test(text)) {
    const value = Number(text);
    return String(value) === text ? value : { value, formatted: text };
  }
  if (EXPONENT_NUMBER.test(text)) return { value: Number(text), formatted: text, format: SCIENTIFIC };
  const grouped = GROUPED_NUMBER.exec(text);
  if (grouped) return withFormat(Number(text.replaceAll(',', '')), text, 'NUMBER', `#,##0${decimals(grouped[1])}`);
  const percent = PERCENT.exec(text);
  if (percent) {
    const [, written = '', fraction] = percent;
    const base = written.includes(',') ? '#,##0' : '0';
    // Read as `15e-2`, not 15 / 100: the double nearest the written decimal, as Sheets stores it.
    const value = Number(`${written.replaceAll(',', '')}e-2`);
    return withFormat(value, text, 'PERCENT', `${base}${decimals(fraction)}%`);
  }
  const dollars = DOLLARS.exec(text);
  if (dollars) {
    const [, sign = '', whole = '', fraction] = dollars;
    const value = Number(`${sign}${whole.replaceAll(',', '')}${fraction === undefined ? '' : `.${fraction}`}`);
    return withFormat(value, text, 'CURRENCY', `"$"#,##0${decimals(fraction)}`);
  }
  return undefined;
}

/** A field of a CSV/TSV file, typed the way Sheets types what is typed into a cell. */
export function typedCell(text: string): Cell {
  if (text === '') return null;
  const number = numberCell(text);
  if (number !== undefined) return number;
  if (text.length <= 5) {
    const upper = text.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return upper === 'TRUE';
  }
  return dateTimeCell(text) ?? text;
}
