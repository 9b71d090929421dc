/**
 * Stored cells and how the API renders them under each valueRenderOption. Pure.
 */

export type CellValue = number | string | boolean;

export type NumberFormatType = 'TEXT' | 'NUMBER' | 'PERCENT' | 'CURRENCY' | 'DATE' | 'TIME' | 'DATE_TIME' | 'SCIENTIFIC';

/** A cell's number format, as the API's CellFormat.numberFormat holds it. */
export interface NumberFormat {
  type: NumberFormatType;
  /** E.g. `yyyy-mm-dd`, `[h]:mm:ss`, `00000`. Absent: the locale's default for the type. */
  pattern?: string;
}

/** A cell with more than a bare value: a display text, a formula, or a number format. */
export interface RichCell {
  /** The unformatted value; for a date or time, the serial number (days since 1899-12-30). */
  value: CellValue;
  /** What FORMATTED_VALUE shows. Default: the value as text (a date as YYYY-MM-DD, and HH:MM:SS for a time of day). */
  formatted?: string;
  /** What FORMULA shows, e.g. `=SUM(A1:A3)`. Default: the unformatted value. */
  formula?: string;
  /** The number format. Absent: the API's "automatic" format, which it leaves out of effectiveFormat. */
  format?: NumberFormat;
}

/** `null`, `undefined` and `''` are empty cells. */
export type Cell = CellValue | RichCell | null | undefined;

export const VALUE_RENDER_OPTIONS = ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'] as const;
export type ValueRenderOption = (typeof VALUE_RENDER_OPTIONS)[number];
export const DATE_TIME_RENDER_OPTIONS = ['SERIAL_NUMBER', 'FORMATTED_STRING'] as const;
export type DateTimeRenderOption = (typeof DATE_TIME_RENDER_OPTIONS)[number];

/** A rendered cell as it goes into the JSON answer; `''` means empty. */
export type Rendered = string | number | boolean;
export type CellRenderer = (cell: Cell) => Rendered;

/** The format Sheets gives an ISO date typed into an en_US spreadsheet. */
export const ISO_DATE_FORMAT: NumberFormat = Object.freeze({ type: 'DATE', pattern: 'yyyy-mm-dd' });

/** The cell's number format; undefined for the automatic one. */
export function formatOf(cell: Cell): NumberFormat | undefined {
  return cell !== null && typeof cell === 'object' ? cell.format : undefined;
}

/** A date, time or date-time value is a serial number that dateTimeRenderOption applies to. */
function isDateTime(cell: RichCell): boolean {
  const type = cell.format?.type;
  return type === 'DATE' || type === 'TIME' || type === 'DATE_TIME';
}

const DAY_MS = 86_400_000;
const EPOCH_MS = Date.UTC(1899, 11, 30);
/** What Sheets shows for a number it cannot hold. */
const NUM_ERROR = '#NUM!';

/** Days since 1899-12-30 for a calendar date (month 1-based). */
export function dateToSerial(year: number, month: number, day: number): number {
  return Math.round((Date.UTC(year, month - 1, day) - EPOCH_MS) / DAY_MS);
}

/** A serial number as `YYYY-MM-DD`, with ` HH:MM:SS` when it has a time of day. */
export function serialToText(serial: number): string {
  if (!Number.isFinite(serial)) return NUM_ERROR;
  const iso = new Date(EPOCH_MS + Math.round(serial * DAY_MS)).toISOString();
  return Number.isInteger(serial) ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A bare number as the "Automatic" format shows it. */
export function numberToText(n: number): string {
  if (!Number.isFinite(n)) return NUM_ERROR;
  const text = String(n);
  // Only exponent forms hold a letter: 1e+21 shows as 1E+21.
  return n >= 1e21 || n <= -1e21 || (n !== 0 && n > -1e-6 && n < 1e-6) ? text.toUpperCase() : text;
}

function valueToText(value: CellValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberToText(value);
  return value ? 'TRUE' : 'FALSE';
}

function formattedValue(cell: Cell): Rendered {
  if (cell === null || cell === undefined) return '';
  if (typeof cell !== 'object') return valueToText(cell);
  if (cell.formatted !== undefined) return cell.formatted;
  return isDateTime(cell) && typeof cell.value === 'number' ? serialToText(cell.value) : valueToText(cell.value);
}

/** JSON cannot carry NaN or Infinity; Sheets shows an error text instead. */
function safeValue(value: CellValue): Rendered {
  return typeof value === 'number' && !Number.isFinite(value) ? NUM_ERROR : value;
}

function unformattedValue(cell: Cell, datesAsText: boolean): Rendered {
  if (cell === null || cell === undefined) return '';
  if (typeof cell !== 'object') return safeValue(cell);
  if (datesAsText && isDateTime(cell)) return formattedValue(cell);
  return safeValue(cell.value);
}

/**
 * The renderer for one request's options. dateTimeRenderOption applies under UNFORMATTED_VALUE and
 * FORMULA alike (a date cell without a formula comes as a serial or as text, as asked): the API's
 * published reference ignores it only under FORMATTED_VALUE. That follows the reference, not a
 * recorded answer.
 */
export function cellRenderer(value: ValueRenderOption, dateTime: DateTimeRenderOption): CellRenderer {
  const datesAsText = dateTime === 'FORMATTED_STRING';
  switch (value) {
    case 'FORMATTED_VALUE':
      return formattedValue;
    case 'UNFORMATTED_VALUE':
      return (cell) => unformattedValue(cell, datesAsText);
    case 'FORMULA':
      return (cell) =>
        cell !== null && typeof cell === 'object' && cell.formula !== undefined ? cell.formula : unformattedValue(cell, datesAsText);
  }
}
