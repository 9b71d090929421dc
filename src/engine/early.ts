/**
 * The early read: a range's first rows requested together with the metadata, before the grid size
 * is known, so that the first row arrives after one round trip instead of two. Pure.
 *
 * Possible when the range's first rows can be named without the metadata: a range on a named tab,
 * a bare name (most often a tab), or a range on the first tab (sent without a tab name: the API
 * reads the first visible tab, and the answer's echo tells which). The API clips an end past the
 * grid. Once the metadata is in, the early read is kept only if it is exactly the range's first
 * part; otherwise it is dropped and nothing of it is written.
 */
import type { A1 } from '../sheet/a1.js';
import { type PlanOptions, columnsOf, rowsPerChunk } from './plan.js';
import { type GridRange, holdsNoCells } from '../sheet/resolve.js';

export interface EarlySpan {
  /** The tab title as given, or undefined for the first visible tab. */
  sheet: string | undefined;
  firstRow: number;
  lastRow: number;
  firstCol: number;
  /** The range's last column when it names one; else the read runs to the grid's edge. */
  lastCol: number | undefined;
}

/** The early read for `a1`, or undefined when its first rows cannot be named yet. */
export function earlySpan(
  a1: A1 | undefined,
  gid: number | undefined,
  sampleRows: number,
  options: PlanOptions = {},
): EarlySpan | undefined {
  // A gid names a tab only through the metadata.
  if (gid !== undefined) return undefined;
  const sheet = a1 === undefined ? undefined : a1.kind === 'name' ? a1.name : a1.sheet;
  const start = a1?.kind === 'range' ? (a1.start ?? {}) : {};
  const end = a1?.kind === 'range' ? (a1.end ?? {}) : {};
  const firstRow = start.row ?? 1;
  const firstCol = start.col ?? 1;
  const lastCol = end.col;
  // Without a tab name the metadata cannot confirm the read: its rows are held until it ends, so
  // it is no larger than the sample.
  let rows = options.chunkRows ?? sampleRows;
  if (sheet === undefined && rows > sampleRows) return undefined;
  if (lastCol !== undefined && options.chunkRows === undefined)
    rows = Math.min(rows, rowsPerChunk(lastCol - firstCol + 1, options.cellBudget));
  if (end.row !== undefined) rows = Math.min(rows, end.row - firstRow + 1);
  if (options.maxRows !== undefined) rows = Math.min(rows, options.maxRows);
  return { sheet, firstRow, lastRow: firstRow + rows - 1, firstCol, lastCol };
}

/**
 * True when the early read is the start of the resolved range: same tab (for a named tab), same
 * first row and column, the same column rule, and no larger than two requests' worth of cells.
 */
export function earlyMatches(early: EarlySpan, range: GridRange, cellBudget: number): boolean {
  if (holdsNoCells(range)) return false;
  if (early.sheet !== undefined && early.sheet !== range.sheet.title) return false;
  if (early.firstRow !== range.firstRow || early.firstCol !== range.firstCol) return false;
  if (early.lastCol !== (range.colsNamed ? range.lastCol : undefined)) return false;
  const rows = Math.min(early.lastRow, range.lastRow) - early.firstRow + 1;
  return rows * columnsOf(range) <= 2 * cellBudget;
}

/** The tab an answer's `range` echo names (`Sheet1!A1:Z1000`, `'My tab'!A1:B2`). */
export function echoedSheet(echo: string | undefined): string | undefined {
  if (echo === undefined) return undefined;
  const bang = echo.lastIndexOf('!');
  if (bang < 0) return undefined;
  const sheet = echo.slice(0, bang);
  return sheet.startsWith("'") && sheet.endsWith("'") ? sheet.slice(1, -1).replaceAll("''", "'") : sheet;
}
