/**
 * Typed values' columns: what a cell's number format says its number means, the one meaning a
 * column's sample of formats gives it, and the type a column's values then have. Pure.
 *
 * A column's kind comes from the number formats of its first rows (the header row left out): the
 * format most of its formatted cells share, ties going to the one met first; cells without a
 * format (automatic) do not vote. A column whose formats mix dates and date-times is a date-time
 * column, so that no cell loses its time. Every number of the column is written as its kind, also
 * below the rows that decided it.
 */
import {
  type CodePattern,
  codePattern,
  formatCode,
  serialToDate,
  serialToDateTime,
  serialToDuration,
  serialToTime,
} from './typed-values.js';

/** `effectiveFormat.numberFormat`: TEXT, NUMBER, PERCENT, CURRENCY, DATE, TIME, DATE_TIME, SCIENTIFIC. */
export interface NumberFormat {
  type: string;
  pattern?: string;
}

/** What a column's numbers mean. A plain number (NUMBER, CURRENCY, PERCENT, SCIENTIFIC, automatic) is written as it came. */
export type ColumnKind =
  | { readonly kind: 'number' }
  | { readonly kind: 'date' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'time' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'code'; readonly pattern: CodePattern; readonly source: string };

/** The type of a column's values as a typed export writes them; `null` when the sample holds none. */
export type ColumnType = 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'time' | 'duration' | 'null';

export const COLUMN_TYPES: readonly ColumnType[] = ['string', 'number', 'boolean', 'date', 'datetime', 'time', 'duration', 'null'];

/** A column of a typed export: its name (the NDJSON key) and the type of its values. */
export interface Column {
  name: string;
  type: ColumnType;
}

const NUMBER: ColumnKind = { kind: 'number' };

/** `[h]`, `[mm]`, `[ss]` outside quoted text: hours, minutes or seconds counted past their clock limit. */
function isElapsed(pattern: string): boolean {
  return /\[(?:h+|m+|s+)\]/i.test(pattern.replace(/"[^"]*"/g, ''));
}

/** What one cell's number format makes of its number. */
export function kindOfFormat(format: NumberFormat | undefined): ColumnKind {
  if (format === undefined) return NUMBER;
  const pattern = format.pattern ?? '';
  if (isElapsed(pattern)) return { kind: 'duration' };
  switch (format.type) {
    case 'DATE':
      return { kind: 'date' };
    case 'DATE_TIME':
      return { kind: 'datetime' };
    case 'TIME':
      return { kind: 'time' };
    case 'NUMBER': {
      const code = codePattern(pattern);
      return code ? { kind: 'code', pattern: code, source: pattern } : NUMBER;
    }
    default:
      return NUMBER;
  }
}

const keyOf = (kind: ColumnKind): string => (kind.kind === 'code' ? `code ${kind.source}` : kind.kind);

/**
 * Each column's kind from the formats of its sample rows (`rows[r][c]`, undefined where a cell has
 * no format), for `width` columns.
 */
export function columnKinds(rows: readonly (readonly (NumberFormat | undefined)[])[], width: number): ColumnKind[] {
  const kinds: ColumnKind[] = [];
  for (let c = 0; c < width; c++) {
    const votes = new Map<string, { kind: ColumnKind; count: number }>();
    for (const row of rows) {
      const format = row[c];
      if (format === undefined) continue;
      const kind = kindOfFormat(format);
      const key = keyOf(kind);
      const vote = votes.get(key);
      if (vote) vote.count += 1;
      else votes.set(key, { kind, count: 1 });
    }
    let winner: { kind: ColumnKind; count: number } | undefined;
    // Map keeps insertion order: a tie goes to the format met first.
    for (const vote of votes.values()) if (!winner || vote.count > winner.count) winner = vote;
    const kind = winner?.kind ?? NUMBER;
    kinds.push(kind.kind === 'date' && votes.has('datetime') ? { kind: 'datetime' } : kind);
  }
  return kinds;
}

/** The text a typed export writes for a number of this kind; undefined: the number as it came. */
export function typedText(kind: ColumnKind, value: number): string | undefined {
  switch (kind.kind) {
    case 'number':
      return undefined;
    case 'date':
      return serialToDate(value);
    case 'datetime':
      return serialToDateTime(value);
    case 'time':
      return serialToTime(value);
    case 'duration':
      return serialToDuration(value);
    case 'code':
      return formatCode(value, kind.pattern);
  }
}

/** Bits of the value kinds a column held. */
export const SEEN_NUMBER = 1;
export const SEEN_STRING = 2;
export const SEEN_BOOL = 4;

/** The type of a column of `kind` whose values were of the kinds in `seen`: one kind gives its type, a mix is text. */
export function columnType(kind: ColumnKind, seen: number): ColumnType {
  switch (seen) {
    case 0:
      return 'null';
    case SEEN_NUMBER:
      return kind.kind === 'code' ? 'string' : kind.kind;
    case SEEN_BOOL:
      return 'boolean';
    default:
      return 'string';
  }
}
