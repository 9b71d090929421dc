/**
 * A bounded grid range → row chunks, each one request. Pure.
 *
 * Chunks are sized by cells, not rows: the API's cost (payload, server time) follows cells, so a
 * 10-column tab and a 200-column tab both get requests of similar size. The default budget keeps a
 * formatted answer near Google's recommended 2 MB payload.
 */
import { columnToLetters, quoteSheetName } from './a1.js';
import type { GridRange } from './resolve.js';

/** Cells per request when --chunk-rows is not given: ~1.8 MB of typical formatted JSON. */
export const DEFAULT_CELL_BUDGET = 150_000;
/** Cells in the first request when sizing by budget and the range needs more than one. */
export const FIRST_CHUNK_CELLS = 10_000;

/** Cells to fetch ahead of the writer, as a target: the window never drops below concurrency + 1. */
export const PREFETCH_CELLS = 1_000_000;

/**
 * Chunks started but not yet written, at most: one more than the requests in flight, and up to
 * twice as many while they are small, so that one slow answer at the head does not idle the pool.
 */
export function prefetchWindow(concurrency: number, cellsPerChunk: number): number {
  return Math.max(concurrency + 1, Math.min(2 * concurrency, Math.floor(PREFETCH_CELLS / Math.max(1, cellsPerChunk))));
}

export interface Chunk {
  /** 0-based position in sheet order. */
  index: number;
  /** The request range, tab always quoted: `'Data'!A2201:Z2400`. */
  a1: string;
  /** 1-based first sheet row of the chunk. */
  firstRow: number;
  /** Rows asked for; the answer may hold fewer (trailing empty rows are dropped by the API). */
  rows: number;
}

export interface PlanOptions {
  /** Fixed rows per request; overrides the cell budget. */
  chunkRows?: number;
  /** Cells per request when chunkRows is absent. Default DEFAULT_CELL_BUDGET. */
  cellBudget?: number;
  /** Sheet rows to cover at most from the range's first row (for --limit). */
  maxRows?: number;
}

export function rowsPerChunk(columns: number, cellBudget = DEFAULT_CELL_BUDGET): number {
  return Math.max(1, Math.floor(cellBudget / Math.max(1, columns)));
}

export function chunkA1(range: GridRange, firstRow: number, lastRow: number): string {
  const sheet = quoteSheetName(range.sheet.title);
  return `${sheet}!${columnToLetters(range.firstCol)}${firstRow}:${columnToLetters(range.lastCol)}${lastRow}`;
}

/** Rows per request after the first: --chunk-rows, else the cell budget ÷ the range's columns. */
export function steadyRows(range: GridRange, options: PlanOptions = {}): number {
  return options.chunkRows ?? rowsPerChunk(range.lastCol - range.firstCol + 1, options.cellBudget);
}

/** Lazily yields the chunks of `range`; never one that starts past the grid. */
export function* planChunks(range: GridRange, options: PlanOptions = {}): Generator<Chunk> {
  const columns = range.lastCol - range.firstCol + 1;
  const lastRow = options.maxRows !== undefined ? Math.min(range.lastRow, range.firstRow + options.maxRows - 1) : range.lastRow;
  if (lastRow < range.firstRow || columns < 1) return;
  const steady = steadyRows(range, options);
  // A small first request gets rows out sooner, unless one request holds the whole range anyway.
  const fitsOne = lastRow - range.firstRow + 1 <= steady;
  const first = options.chunkRows ?? (fitsOne ? steady : Math.min(steady, rowsPerChunk(columns, FIRST_CHUNK_CELLS)));
  let row = range.firstRow;
  let index = 0;
  while (row <= lastRow) {
    const rows = Math.min(index === 0 ? first : steady, lastRow - row + 1);
    yield { index, a1: chunkA1(range, row, row + rows - 1), firstRow: row, rows };
    row += rows;
    index += 1;
  }
}

/** How many chunks planChunks will yield, and the sheet rows they cover: the progress totals. */
export function planTotals(range: GridRange, options: PlanOptions = {}): { chunks: number; rows: number } {
  let chunks = 0;
  let rows = 0;
  for (const chunk of planChunks(range, options)) {
    chunks += 1;
    rows += chunk.rows;
  }
  return { chunks, rows };
}
