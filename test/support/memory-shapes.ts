/**
 * Lazily computed tabs of the shapes that once made memory grow with the sheet: a long run of
 * empty rows, rows of 18,278 columns, cells of 50,000 characters, and a dense tab as the control.
 * Nothing is held: each row is computed when the emulator reads it, so a 3.1 M-row tab costs the
 * test process nothing up front.
 */
import type { Cell, TabSource } from '../../src/emulator/index.js';
import { MAX_COLUMN } from '../../src/sheet/a1.js';

const NO_CELLS: readonly Cell[] = Object.freeze([]);

/** Rows of a one-column tab: the data rows at `rows`, the last data row `rows.at(-1)`. */
function columnTab(title: string, rowCount: number, cell: (row: number) => Cell | undefined, dataRowCount: number): TabSource {
  return {
    title,
    rowCount,
    columnCount: 1,
    dataRowCount,
    row(row, firstCol) {
      if (firstCol > 1) return NO_CELLS;
      const value = cell(row);
      return value === undefined ? NO_CELLS : [value];
    },
  };
}

/**
 * A header as long as real ones often are: as an NDJSON key it makes each empty row ~58 bytes, so
 * that an engine expanding a run of them in one piece shows.
 */
export const LONG_HEADER = 'customer_reference_number_as_printed_on_invoices';

/** One column, a value in row 1 (the header) and one in the last row; every row between empty. */
export function sparseColumnTab(rows: number, header = LONG_HEADER): TabSource {
  return columnTab('Sparse', rows, (row) => (row === 1 ? header : row === rows ? 'last' : undefined), rows);
}

/** One column, a value in every row: the sparse tab's size with no empty row. */
export function denseColumnTab(rows: number, header = LONG_HEADER): TabSource {
  return columnTab('Dense', rows, (row) => (row === 1 ? header : `v${row}`), rows);
}

/**
 * MAX_COLUMN (18,278) columns: a header row, `dense` full rows after it, then empty rows up to the
 * last row, which is full again. Cells are short strings that differ by row and column.
 */
export function wideTab(rows: number, dense: number): TabSource {
  const full = (row: number) => row <= 1 + dense || row === rows;
  return {
    title: 'Wide',
    rowCount: rows,
    columnCount: MAX_COLUMN,
    dataRowCount: rows,
    row(row, firstCol, lastCol) {
      if (!full(row)) return NO_CELLS;
      const cells: Cell[] = [];
      for (let col = firstCol; col <= lastCol; col++) cells.push(row === 1 ? `c${col}` : `${row % 97}.${col % 89}`);
      return cells;
    },
  };
}

/** The longest text a cell holds. */
export const MAX_CELL_CHARS = 50_000;

// Quotes, a separator, a line break and non-ASCII text, so every encoding escapes something.
const LONG_BASE = 'He said "ok", then\nleft — café ☕ '.repeat(Math.ceil(MAX_CELL_CHARS / 30)).slice(0, MAX_CELL_CHARS - 10);

/** A cell of exactly MAX_CELL_CHARS characters, different for each row and column. */
export function longCell(row: number, col: number): string {
  return `${LONG_BASE}${String(row * 10 + col).padStart(10, '0')}`;
}

/** The long-cell tab's header: as NDJSON keys they make each empty row ~87 bytes. */
export const LONG_CELL_HEADERS = ['description_as_entered_by_customer', 'internal_notes_from_the_support_team'] as const;

/**
 * Two columns: a header row, `long` rows of two 50,000-character cells, then empty rows up to the
 * last row, which holds long cells again.
 */
export function longCellTab(rows: number, long: number): TabSource {
  return {
    title: 'Long',
    rowCount: rows,
    columnCount: 2,
    dataRowCount: rows,
    row(row, firstCol, lastCol) {
      if (row === 1) return LONG_CELL_HEADERS.slice(firstCol - 1, lastCol);
      if (row > 1 + long && row !== rows) return NO_CELLS;
      const cells: Cell[] = [];
      for (let col = firstCol; col <= lastCol; col++) cells.push(longCell(row, col));
      return cells;
    },
  };
}
