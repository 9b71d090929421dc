/**
 * Tab sources: where the cells of each emulated tab come from. In-memory rows, a CSV/TSV file, or
 * generated data (generated.ts).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { MAX_COLUMN, MAX_ROW } from '../sheet/a1.js';
import { UsageError } from '../shared/errors.js';
import type { Cell } from './cells.js';
import { parseCsv, parseTsv } from './delimited.js';
import { typedCell } from './user-entered.js';

export interface TabSource {
  readonly title: string;
  /** The tab's gid. Default: 0 for the first tab, a stable number derived from the title for others. */
  readonly sheetId?: number;
  /** GRID (the default) or OBJECT: a chart sheet, listed in the metadata but holding no cells. */
  readonly sheetType?: 'GRID' | 'OBJECT';
  /** Hidden from view: listed with `hidden: true`, and a range without a tab name skips it, as the API reads the first visible tab. */
  readonly hidden?: boolean;
  /** The grid size (gridProperties), which may exceed the data. */
  readonly rowCount: number;
  readonly columnCount: number;
  /** Rows below this one are all empty, so the server can stop reading there. Default rowCount. */
  readonly dataRowCount?: number;
  /**
   * The cells of columns firstCol..lastCol of row `row` (all 1-based, inside the grid): index 0 is
   * firstCol. A shorter array means the rest is empty; trailing empty cells are allowed.
   */
  row(row: number, firstCol: number, lastCol: number): readonly Cell[];
}

/** The grid of a new sheet: at least 1000 × 26, larger when the data needs it. */
export const DEFAULT_GRID_ROWS = 1000;
export const DEFAULT_GRID_COLUMNS = 26;

const NO_CELLS: readonly Cell[] = Object.freeze([]);

export interface MemoryTabSpec {
  title: string;
  /** Row 1 first; each row's cells from column A. */
  rows: readonly (readonly Cell[])[];
  /** Grid rows. Default: the larger of 1000 and the number of rows. */
  gridRows?: number;
  /** Grid columns. Default: the larger of 26 and the widest row. */
  gridCols?: number;
  /** The tab's gid. Default: see TabSource.sheetId. */
  sheetId?: number;
  /** Hidden from view (see TabSource.hidden). */
  hidden?: boolean;
}

function checkGridSize(title: string, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROW) {
    throw new UsageError(`tab "${title}": grid rows must be an integer from 1 to ${MAX_ROW}, got ${rows}`);
  }
  if (!Number.isInteger(cols) || cols < 1 || cols > MAX_COLUMN) {
    throw new UsageError(`tab "${title}": grid columns must be an integer from 1 to ${MAX_COLUMN}, got ${cols}`);
  }
}

/** A tab whose cells are held in memory. */
export function memoryTab(spec: MemoryTabSpec): TabSource {
  const { title, rows } = spec;
  const widest = rows.reduce((max, row) => Math.max(max, row.length), 0);
  const rowCount = spec.gridRows ?? Math.max(DEFAULT_GRID_ROWS, rows.length);
  const columnCount = spec.gridCols ?? Math.max(DEFAULT_GRID_COLUMNS, widest);
  checkGridSize(title, rowCount, columnCount);
  if (rows.length > rowCount || widest > columnCount) {
    throw new UsageError(
      `tab "${title}": the data (${rows.length} rows × ${widest} columns) does not fit its grid (${rowCount} × ${columnCount})`,
    );
  }
  return {
    title,
    sheetId: spec.sheetId,
    hidden: spec.hidden,
    rowCount,
    columnCount,
    dataRowCount: rows.length,
    row(row, firstCol, lastCol) {
      const stored = rows[row - 1];
      if (!stored) return NO_CELLS;
      // Hand the stored row over as is when it already is the asked slice: no copy per row.
      if (firstCol === 1 && stored.length <= lastCol) return stored;
      return stored.slice(firstCol - 1, lastCol);
    },
  };
}

/** A chart sheet: listed in the metadata, no grid, no cells. */
export function chartTab(title: string, sheetId?: number): TabSource {
  return { title, sheetId, sheetType: 'OBJECT', rowCount: 0, columnCount: 0, row: () => NO_CELLS };
}

/** A tab from CSV or TSV text; the grid is the data's size, at least 1000 × 26. */
export function delimitedTab(title: string, text: string, format: 'csv' | 'tsv', file = title): TabSource {
  const fields = format === 'csv' ? parseCsv(text, file) : parseTsv(text);
  return memoryTab({ title, rows: fields.map((row) => row.map(typedCell)) });
}

/**
 * A tab from a `.csv` or `.tsv` file, titled after the file's name without its extension.
 * Throws UsageError naming the file when it cannot be read or parsed.
 */
export async function fileTab(path: string): Promise<TabSource> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.tsv') throw new UsageError(`${path}: expected a .csv or .tsv file`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${path}: cannot read the file (${reason})`, { cause: error });
  }
  return delimitedTab(basename(path, extname(path)), text, ext === '.csv' ? 'csv' : 'tsv', path);
}
