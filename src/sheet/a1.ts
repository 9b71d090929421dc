/**
 * A1 notation: parse and format. Pure; knows nothing about a spreadsheet's tabs.
 *
 * Forms: `Sheet1!A1:Z100`, `'Q1 ''24'!B:D`, `A2:F`, `Sheet1`, `5:100`, `B:B`, `A1`, a named range.
 * A bare word that is not a cell or a range (`Orders`) is a tab title or a named range; which one
 * is settled later against the spreadsheet's metadata.
 */
import { UsageError, showInput } from '../shared/errors.js';

/** Half of a UTF-16 pair (global: for replace). It has no UTF-8 spelling, so no URL or file name can carry it. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The last column the API accepts: ZZZ. */
export const MAX_COLUMN = 18_278;
/** No grid holds more rows than the 10 M cells a spreadsheet may have. */
export const MAX_ROW = 10_000_000;

/** One corner of a range; a missing part is open (whole column, whole row). */
export interface A1Point {
  col?: number; // 1-based
  row?: number; // 1-based
}

export interface A1Range {
  kind: 'range';
  sheet?: string;
  start?: A1Point;
  end?: A1Point;
  /**
   * The text as given (trimmed), kept only for cells written with no tab and no quotes (`Q1`,
   * `FY24`, `A1:B5`): such text may also be a tab's title or a named range's name, which only the
   * spreadsheet's metadata can tell.
   */
  text?: string;
}

/** A bare name: a tab title or a named range, told apart by the spreadsheet's metadata. */
export interface A1Name {
  kind: 'name';
  name: string;
}

export type A1 = A1Range | A1Name;

/** 1 → A, 27 → AA, 18278 → ZZZ. */
export function columnToLetters(col: number): string {
  if (!Number.isInteger(col) || col < 1) throw new RangeError(`column ${col} is not a positive integer`);
  let letters = '';
  let n = col;
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** A → 1, ZZZ → 18278; case-insensitive. */
export function lettersToColumn(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) throw new RangeError(`"${letters}" is not a column`);
    n = n * 26 + (code - 64);
  }
  return n;
}

/** Quotes a tab title the way the API wants it: always, with inner quotes doubled. */
export function quoteSheetName(name: string): string {
  return `'${name.replaceAll("'", "''")}'`;
}

const POINT = /^([A-Za-z]{1,3})?([0-9]+)?$/;
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CELL_SHAPED = /^[A-Za-z]{1,3}[0-9]+$/;
const R1C1_SHAPED = /^R[0-9]*C[0-9]*$/i;

/** Text that reads as a cell, in A1 (`B12`, `CRM26`) or R1C1 (`R1C1`, `rc5`) notation. */
export function isCellShaped(text: string): boolean {
  return CELL_SHAPED.test(text) || R1C1_SHAPED.test(text);
}

/**
 * A tab title as it is written before `!`: bare when nothing could misread it (letters, digits and
 * `_`, not starting with a digit, not shaped like a cell), else quoted.
 */
export function sheetPrefix(title: string): string {
  return PLAIN_NAME.test(title) && !isCellShaped(title) ? title : quoteSheetName(title);
}

function parsePoint(text: string, whole: string): A1Point | undefined {
  const m = POINT.exec(text);
  if (!m || (!m[1] && !m[2])) return undefined;
  const point: A1Point = {};
  if (m[1]) {
    point.col = lettersToColumn(m[1]);
    if (point.col > MAX_COLUMN) throw bad(whole, `column ${m[1]} is past ZZZ`);
  }
  if (m[2]) {
    const row = Number(m[2]);
    if (!Number.isSafeInteger(row) || row < 1 || row > MAX_ROW) {
      throw bad(whole, `row ${m[2]} is outside 1..${MAX_ROW}`);
    }
    point.row = row;
  }
  return point;
}

function bad(text: string, why: string): UsageError {
  return new UsageError(`bad range "${showInput(text)}": ${showInput(why, 200)} (use A1 notation like 'Sheet1'!A1:F or A2:D100)`);
}

/**
 * Parses the cell part of a range (after any `Sheet!`). Returns undefined when the text is not
 * cell notation at all, so that the caller can treat it as a name.
 */
function parseCells(cells: string, whole: string): Pick<A1Range, 'start' | 'end'> | undefined {
  const parts = cells.split(':');
  if (parts.length > 2) throw bad(whole, 'more than one ":"');
  const start = parsePoint(parts[0] ?? '', whole);
  if (parts.length === 1) {
    // A lone point must be a whole cell: `B` or `5` alone would read as a name.
    if (!start || start.col === undefined || start.row === undefined) return undefined;
    return { start, end: { ...start } };
  }
  const end = parsePoint(parts[1] ?? '', whole);
  if (!start || !end) throw bad(whole, `"${cells}" is not cells like A1:F100, B:D or 5:100`);
  const startShape = shape(start);
  const endShape = shape(end);
  const allowed =
    (startShape === 'cell' && endShape !== 'none') ||
    (startShape === 'col' && endShape === 'col') ||
    (startShape === 'row' && endShape === 'row');
  if (!allowed) throw bad(whole, `"${cells}" mixes a ${startShape} with a ${endShape}`);
  // The API reads B5:A1 as A1:B5; so do we.
  if (start.col !== undefined && end.col !== undefined && end.col < start.col) [start.col, end.col] = [end.col, start.col];
  if (start.row !== undefined && end.row !== undefined && end.row < start.row) [start.row, end.row] = [end.row, start.row];
  return { start, end };
}

function shape(p: A1Point): 'cell' | 'col' | 'row' | 'none' {
  if (p.col !== undefined && p.row !== undefined) return 'cell';
  if (p.col !== undefined) return 'col';
  if (p.row !== undefined) return 'row';
  return 'none';
}

/** Parses A1 text. Throws UsageError (exit 2) with a one-line reason when it cannot. */
export function parseA1(input: string): A1 {
  const text = input.trim();
  if (text === '') throw bad(input, 'it is empty');
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f]/.test(text)) throw bad(input, 'it contains a control character');

  if (text.startsWith("'")) {
    // Quoted tab title: '' is a literal quote; the title ends at a lone quote.
    let i = 1;
    let title = '';
    for (;;) {
      if (i >= text.length) throw bad(input, 'the quoted tab name is not closed');
      const ch = text[i] as string;
      if (ch === "'") {
        if (text[i + 1] === "'") {
          title += "'";
          i += 2;
          continue;
        }
        i += 1;
        break;
      }
      title += ch;
      i += 1;
    }
    if (title === '') throw bad(input, 'the tab name is empty');
    const rest = text.slice(i);
    if (rest === '') return { kind: 'range', sheet: title };
    if (!rest.startsWith('!')) throw bad(input, 'expected "!" after the quoted tab name');
    const cells = rest.slice(1);
    if (cells === '') return { kind: 'range', sheet: title };
    const parsed = parseCells(cells, input);
    if (!parsed) throw bad(input, `"${cells}" is not cells like A1:F100, B:D or 5:100`);
    return { kind: 'range', sheet: title, ...parsed };
  }

  const bang = text.lastIndexOf('!');
  if (bang >= 0) {
    const sheet = text.slice(0, bang);
    const cells = text.slice(bang + 1);
    if (sheet === '') throw bad(input, 'the tab name before "!" is empty');
    if (sheet.includes("'")) throw bad(input, "a tab name with a quote must be quoted, with the quote doubled: 'It''s'!A1");
    if (cells === '') return { kind: 'range', sheet };
    const parsed = parseCells(cells, input);
    if (!parsed) throw bad(input, `"${cells}" is not cells like A1:F100, B:D or 5:100`);
    return { kind: 'range', sheet, ...parsed };
  }

  const parsed = parseCells(text, input);
  if (parsed) return { kind: 'range', ...parsed, text };
  if (text.includes(':')) throw bad(input, `"${text}" is not cells like A1:F100, B:D or 5:100`);
  if (text.includes("'")) throw bad(input, "a tab name with a quote must be quoted, with the quote doubled: 'It''s'!A1");
  return { kind: 'name', name: text };
}

function formatPoint(p: A1Point | undefined): string {
  if (!p) return '';
  return (p.col !== undefined ? columnToLetters(p.col) : '') + (p.row !== undefined ? String(p.row) : '');
}

/** Formats a parsed range back to A1 text; the tab name is always quoted. */
export function formatA1(a1: A1): string {
  if (a1.kind === 'name') return a1.name;
  const sheet = a1.sheet !== undefined ? quoteSheetName(a1.sheet) : '';
  if (!a1.start && !a1.end) return sheet;
  const cells = `${formatPoint(a1.start)}:${formatPoint(a1.end)}`;
  return sheet ? `${sheet}!${cells}` : cells;
}
