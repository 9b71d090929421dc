/**
 * A generated tab: deterministic, lazy data computed per cell from (seed, row, column), so a
 * 10 M-cell tab costs nothing up front and the same seed always serves the same bytes.
 *
 * Row 1 is a header: id, name, email, city, amount, date, qty, active, note, then col_10, col_11...
 * whose types cycle through integer, word, amount, boolean, date and code. The data mixes numbers,
 * amounts in a grouping number format (`1,234.50`), dates in a date format, booleans, unicode, and
 * notes holding commas, quotes and line breaks; some cells are empty, some rows end early, and a
 * rare row is wholly empty, so that the API's trailing-empty rules come into play.
 */
import { MAX_COLUMN, MAX_ROW } from '../sheet/a1.js';
import { UsageError } from '../shared/errors.js';
import { formatCount } from '../shared/plural.js';
import { type Cell, type NumberFormat, type RichCell, ISO_DATE_FORMAT, dateToSerial, serialToText } from './cells.js';
import type { TabSource } from './data.js';
import { DEFAULT_SEED } from './options.js';
import { DOMAINS, FIRST_NAMES, LAST_NAMES, emailOf } from './people.js';
import { hash3 } from './random.js';

export interface GeneratedTabSpec {
  /** Grid rows, the header row included. */
  rows: number;
  /** Grid columns. */
  cols: number;
  /** Seed of the data: same seed, same cells. Default 1. */
  seed?: number;
  /** Default 'Generated'. */
  title?: string;
  /** The tab's gid. Default: see TabSource.sheetId. */
  sheetId?: number;
}

const enum Kind {
  Id,
  Name,
  Email,
  City,
  Amount,
  Date,
  Qty,
  Active,
  Note,
  Int,
  Word,
  Bool,
  Code,
}

const NAMED_COLUMNS: readonly [string, Kind][] = [
  ['id', Kind.Id],
  ['name', Kind.Name],
  ['email', Kind.Email],
  ['city', Kind.City],
  ['amount', Kind.Amount],
  ['date', Kind.Date],
  ['qty', Kind.Qty],
  ['active', Kind.Active],
  ['note', Kind.Note],
];
const EXTRA_KINDS: readonly Kind[] = [Kind.Int, Kind.Word, Kind.Amount, Kind.Bool, Kind.Date, Kind.Code];

const CITIES = [
  'London',
  'Paris',
  'New York',
  'São Paulo',
  'Zürich',
  'Kraków',
  '東京',
  'Reykjavík',
  'Montréal',
  'Cape Town',
  'Mumbai',
  '서울',
  'Sydney',
  'Buenos Aires',
  'Oslo',
  'Nairobi',
  'Lagos',
  'Mexico City',
  'Αθήνα',
  'Kyiv',
  'Berlin',
  'Toronto',
  'Lima',
  'القاهرة',
];
const NOTES = [
  'call back',
  'VIP, priority',
  'said "maybe next week"',
  'line one\nline two',
  'naïve café ☕',
  '🚀 launch',
  'ok',
  'needs review; see ticket',
  'tab\tinside',
  "it's fine",
  'multi\nline\nnote, with "everything"',
  '  leading spaces',
  'trailing space ',
  'A1:B2',
  '=not a formula',
  '1,000 units',
];
const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliett',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
];

const FULL_NAMES: string[] = [];
const EMAILS: string[] = [];
for (let i = 0; i < FIRST_NAMES.length * LAST_NAMES.length; i += 1) {
  const first = FIRST_NAMES[i % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length)] as string;
  FULL_NAMES.push(`${first} ${last}`);
  EMAILS.push(emailOf(first, last, DOMAINS[i % DOMAINS.length] as string));
}
const CODES: string[] = [];
for (let i = 0; i < 676; i += 1) {
  CODES.push(`${String.fromCharCode(65 + (i % 26), 65 + Math.floor(i / 26))}-${1000 + ((i * 7919) % 9000)}`);
}

const FIRST_DAY = dateToSerial(2020, 1, 1);
const DAYS = 2192; // 2020-01-01 .. 2025-12-31
const DATE_CELLS: (RichCell | undefined)[] = new Array<RichCell | undefined>(DAYS);

function dateCell(day: number): RichCell {
  let cell = DATE_CELLS[day];
  if (!cell) {
    const serial = FIRST_DAY + day;
    cell = { value: serial, formatted: serialToText(serial), format: ISO_DATE_FORMAT };
    DATE_CELLS[day] = cell;
  }
  return cell;
}

const GROUPED_CENTS: NumberFormat = Object.freeze({ type: 'NUMBER', pattern: '#,##0.00' });

function amountCell(h: number): RichCell {
  const cents = (h >>> 4) % ((h & 0x300) === 0 ? 100_000_000 : 100_000);
  const negative = (h & 0xf000) === 0;
  const frac = cents % 100;
  const text = `${negative ? '-' : ''}${formatCount(Math.floor(cents / 100))}.${frac < 10 ? '0' : ''}${frac}`;
  return { value: (negative ? -cents : cents) / 100, formatted: text, format: GROUPED_CENTS };
}

function pick<T>(table: readonly T[], h: number): T {
  return table[h % table.length] as T;
}

/** `person` is the row's hash, so that a row's name and email belong together. */
function cellOf(kind: Kind, row: number, h: number, person: number): Cell {
  if (kind === Kind.Id) return row - 1;
  if (kind === Kind.Note) return h % 100 < 45 ? null : pick(NOTES, h >>> 8);
  if (h % 40 === 0) return null;
  switch (kind) {
    case Kind.Name:
      return pick(FULL_NAMES, person >>> 6);
    case Kind.Email:
      return pick(EMAILS, person >>> 6);
    case Kind.City:
      return pick(CITIES, h >>> 6);
    case Kind.Amount:
      return amountCell(h);
    case Kind.Date:
      return dateCell((h >>> 6) % DAYS);
    case Kind.Qty:
      return 1 + ((h >>> 6) % 500);
    case Kind.Active:
    case Kind.Bool:
      return (h & 0x40) !== 0;
    case Kind.Int:
      return (h >>> 6) % 100_000;
    case Kind.Word:
      return pick(WORDS, h >>> 6);
    case Kind.Code:
      return pick(CODES, h >>> 6);
  }
}

function columnPlan(cols: number): { header: string[]; kinds: Kind[] } {
  const header: string[] = [];
  const kinds: Kind[] = [];
  for (let c = 1; c <= cols; c += 1) {
    const named = NAMED_COLUMNS[c - 1];
    header.push(named ? named[0] : `col_${c}`);
    kinds.push(named ? named[1] : (EXTRA_KINDS[(c - NAMED_COLUMNS.length - 1) % EXTRA_KINDS.length] as Kind));
  }
  return { header, kinds };
}

/** A generated tab of `rows` × `cols` (the grid; row 1 is the header). */
export function generatedTab(spec: GeneratedTabSpec): TabSource {
  const { rows, cols } = spec;
  const title = spec.title ?? 'Generated';
  const seed = spec.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROW) {
    throw new UsageError(`generated tab "${title}": rows must be an integer from 1 to ${MAX_ROW}, got ${rows}`);
  }
  if (!Number.isInteger(cols) || cols < 1 || cols > MAX_COLUMN) {
    throw new UsageError(`generated tab "${title}": cols must be an integer from 1 to ${MAX_COLUMN}, got ${cols}`);
  }
  if (!Number.isSafeInteger(seed)) throw new UsageError(`generated tab "${title}": seed must be an integer, got ${seed}`);
  const { header, kinds } = columnPlan(cols);
  const seed32 = seed >>> 0;
  return {
    title,
    sheetId: spec.sheetId,
    rowCount: rows,
    columnCount: cols,
    row(row, firstCol, lastCol) {
      if (row === 1) return header.slice(firstCol - 1, lastCol);
      const rowHash = hash3(seed32, row, 0);
      if (rowHash % 997 === 0) return [];
      // About one row in fifty ends early, leaving trailing empty cells.
      const endsAt = (rowHash >>> 10) % 50 === 0 ? 2 + ((rowHash >>> 16) % Math.max(1, cols - 1)) : cols;
      const last = Math.min(lastCol, endsAt);
      const cells: Cell[] = [];
      for (let col = firstCol; col <= last; col += 1) {
        cells.push(cellOf(kinds[col - 1] as Kind, row, hash3(seed32, row, col), rowHash));
      }
      return cells;
    },
  };
}
