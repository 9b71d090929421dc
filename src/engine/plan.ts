/**
 * Bounded grid ranges → requests. Pure.
 *
 * Parts are sized by cells, not rows: the API's cost (payload, server time) follows cells, so a
 * 10-column tab and a 200-column tab both get requests of similar size, near Google's recommended
 * 2 MB payload. A range's first part is smaller when a smaller one brings its first rows sooner:
 * just the rows the width rule samples. Ranges that fit the budget are packed into one
 * values:batchGet, which costs one request against the quota however many ranges it holds.
 */
import { columnToLetters, quoteSheetName } from '../sheet/a1.js';
import { type GridRange, holdsNoCells } from '../sheet/resolve.js';
import { SAMPLE_ROWS } from '../transcode/output.js';

/** Cells per request when --chunk-rows is not given: ~1.8 MB of typical formatted JSON. */
export const DEFAULT_CELL_BUDGET = 150_000;
/** Grid cells one batchGet may cover: most of a small tab's grid is empty, and answers stream. */
export const BATCH_CELLS = 4 * DEFAULT_CELL_BUDGET;
/** Ranges one batchGet may hold, which keeps its URL short. */
export const BATCH_RANGES = 50;

export interface PlanOptions {
  /** Fixed rows per request; overrides the cell budget. */
  chunkRows?: number;
  /** Cells per request when chunkRows is absent. Default DEFAULT_CELL_BUDGET. */
  cellBudget?: number;
  /** Sheet rows to cover at most from the range's first row (--limit, plus the header). */
  maxRows?: number;
  /** Rows of a range's first part at most (the rows its width rule samples). */
  firstRows?: number;
}

/** A run of rows of one range (the target, by position), 1-based and inclusive. */
export interface Span {
  target: number;
  first: number;
  last: number;
  /** The range's last rows, its end row not named: read to the end of the tab as it is then. */
  open?: boolean;
}

export type PlannedRequest = { kind: 'values'; span: Span } | { kind: 'batch'; spans: Span[] };

export function columnsOf(range: GridRange): number {
  return Math.max(0, range.lastCol - range.firstCol + 1);
}

export function rowsPerChunk(columns: number, cellBudget = DEFAULT_CELL_BUDGET): number {
  return Math.max(1, Math.floor(cellBudget / Math.max(1, columns)));
}

/** The plan's options for a run: --chunk-rows, --limit (plus the header row it does not count), the width rule's sample. */
export function planOptions(options: { chunkRows?: number; limit?: number }, header: boolean): PlanOptions {
  const { chunkRows, limit } = options;
  return { chunkRows, maxRows: limit !== undefined ? limit + (header ? 1 : 0) : undefined, firstRows: SAMPLE_ROWS };
}

/** Rows per request after the first: --chunk-rows, else the cell budget ÷ the range's columns. */
export function steadyRows(range: GridRange, options: PlanOptions = {}): number {
  return options.chunkRows ?? rowsPerChunk(columnsOf(range), options.cellBudget);
}

/** The first part's rows: the sample, unless the budget or --chunk-rows says fewer. */
export function firstPartRows(range: GridRange, options: PlanOptions = {}): number {
  const steady = steadyRows(range, options);
  return options.chunkRows ?? Math.min(steady, options.firstRows ?? steady);
}

/** The last sheet row the plan covers (--limit may stop short of the range's end). */
export function lastPlannedRow(range: GridRange, options: PlanOptions = {}): number {
  return options.maxRows !== undefined ? Math.min(range.lastRow, range.firstRow + options.maxRows - 1) : range.lastRow;
}

export function chunkA1(range: GridRange, firstRow: number, lastRow: number): string {
  return `${quoteSheetName(range.sheet.title)}!${columnToLetters(range.firstCol)}${firstRow}:${columnToLetters(range.lastCol)}${lastRow}`;
}

/** The row spans of one range from row `from` (default its first row), in order. */
export function* rowSpans(range: GridRange, target: number, options: PlanOptions = {}, from = range.firstRow): Generator<Span> {
  if (holdsNoCells(range)) return;
  const last = lastPlannedRow(range, options);
  const steady = steadyRows(range, options);
  let row = from;
  // A small first part brings the first rows sooner, unless one request holds the whole range anyway.
  const fitsOne = last - from + 1 <= steady;
  let size = from === range.firstRow && !fitsOne ? firstPartRows(range, options) : steady;
  while (row <= last) {
    const end = Math.min(last, row + size - 1);
    yield end === last && readsToEnd(range, options) ? { target, first: row, last: end, open: true } : { target, first: row, last: end };
    row = end + 1;
    size = steady;
  }
}

/** A range whose end row is not named (and no --limit) is read to the end of the tab as it is when its last rows are read. */
function readsToEnd(range: GridRange, options: PlanOptions): boolean {
  return !range.rowsNamed && options.maxRows === undefined;
}

/**
 * Every range's requests in range order: a range that fits the cell budget joins a batch with its
 * small neighbours (up to BATCH_CELLS grid cells and BATCH_RANGES ranges); a larger one is chunked.
 * `from[i]`, when given, is range i's first row still to read (its first rows were read early): it
 * is chunked from there, never batched.
 */
export function* planRequests(
  ranges: readonly GridRange[],
  options: PlanOptions = {},
  from: readonly (number | undefined)[] = [],
): Generator<PlannedRequest> {
  const budget = options.cellBudget ?? DEFAULT_CELL_BUDGET;
  let batch: Span[] = [];
  let batchCells = 0;
  const flush = function* (): Generator<PlannedRequest> {
    if (batch.length === 1) yield { kind: 'values', span: batch[0] as Span };
    else if (batch.length > 1) yield { kind: 'batch', spans: batch };
    batch = [];
    batchCells = 0;
  };
  for (const [target, range] of ranges.entries()) {
    if (holdsNoCells(range)) continue;
    const rows = lastPlannedRow(range, options) - range.firstRow + 1;
    const cells = rows * columnsOf(range);
    const start = from[target];
    if (start !== undefined) {
      yield* flush();
      for (const span of rowSpans(range, target, options, start)) yield { kind: 'values', span };
      continue;
    }
    if (options.chunkRows === undefined && cells <= budget) {
      if (batchCells + cells > BATCH_CELLS || batch.length >= BATCH_RANGES) yield* flush();
      const span: Span = { target, first: range.firstRow, last: range.firstRow + rows - 1 };
      batch.push(readsToEnd(range, options) ? { ...span, open: true } : span);
      batchCells += cells;
      continue;
    }
    // The small ranges before a large one go first, so that the pool mixes both.
    yield* flush();
    for (const span of rowSpans(range, target, options)) yield { kind: 'values', span };
  }
  yield* flush();
}
