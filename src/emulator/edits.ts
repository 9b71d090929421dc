/**
 * Edits made to a spreadsheet while it serves, as a person editing it during an export would make
 * them: rows inserted, deleted, reordered or changed at a row, or appended after the data. Each edit is a
 * view over the tab's cells before it, so a tab of any size (a generated one too) is edited in no
 * memory: rows below the edit are the same cells, moved.
 */
import { UsageError } from '../shared/errors.js';
import type { Cell } from './cells.js';
import type { TabSource } from './data.js';

export const EDIT_KINDS = ['insert', 'delete', 'reorder', 'change', 'append'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

export interface RowEdit {
  /**
   * - `insert`: `rows` new rows at row `at` (the rows from `at` on move down);
   * - `delete`: rows `at`.. `at + rows - 1` (the rows below move up);
   * - `reorder`: rows `at`.. `at + rows - 1` in reverse order (a sort, as far as an export can tell);
   * - `change`: rows `at`.. `at + rows - 1` get new values where they stand (no row moves);
   * - `append`: `rows` new rows after the last row holding data (`at` is not used).
   */
  kind: EditKind;
  /** 1-based row. Required except for `append`. */
  at?: number;
  /** How many rows. */
  rows: number;
  /** The tab's title. Default: the first visible tab. */
  tab?: string;
}

/** Throws a UsageError naming what is wrong with `edit`; `where` says where it was given. */
export function checkEdit(edit: RowEdit, where: string): void {
  const fail = (why: string): never => {
    throw new UsageError(`${where}: ${why}`);
  };
  if (!(EDIT_KINDS as readonly string[]).includes(edit.kind))
    fail(`an edit is one of ${EDIT_KINDS.join(', ')}, got "${String(edit.kind)}"`);
  if (!Number.isInteger(edit.rows) || edit.rows < 1) fail(`an edit's rows must be a positive integer, got ${String(edit.rows)}`);
  if (edit.kind !== 'append' && !(Number.isInteger(edit.at) && (edit.at as number) >= 1)) {
    fail(`${edit.kind} needs the row it is made at (at ≥ 1), got ${String(edit.at)}`);
  }
}

const NO_CELLS: readonly Cell[] = Object.freeze([]);

/**
 * `source` as it reads after `edit`, the `serial`-th edit of the spreadsheet (new rows name it, so
 * that no two edits insert the same cells). Throws a UsageError for an edit outside the tab.
 */
export function editedTab(source: TabSource, edit: RowEdit, serial: number): TabSource {
  const data = source.dataRowCount ?? source.rowCount;
  const count = edit.rows;
  const at = edit.kind === 'append' ? data + 1 : (edit.at as number);
  const last = edit.kind === 'insert' || edit.kind === 'append' ? at : at + count - 1;
  if (last > source.rowCount + (edit.kind === 'append' ? 1 : 0)) {
    throw new UsageError(`edit ${serial}: rows ${at}..${last} are outside tab "${source.title}" (${source.rowCount} rows)`);
  }
  // A new row (or new values): a marker in its first column, so that it differs from every row around it.
  const fresh =
    (index: number, what = 'new row') =>
    (firstCol: number, lastCol: number): readonly Cell[] =>
      firstCol === 1 && lastCol >= 1 ? [`edit ${serial}: ${what} ${index + 1} of ${count}`] : NO_CELLS;
  let read: (row: number, firstCol: number, lastCol: number) => readonly Cell[];
  let rowCount = source.rowCount;
  let dataRowCount = data;
  switch (edit.kind) {
    case 'insert':
    case 'append':
      read = (row, firstCol, lastCol) => {
        if (row < at) return source.row(row, firstCol, lastCol);
        if (row < at + count) return fresh(row - at)(firstCol, lastCol);
        return source.row(row - count, firstCol, lastCol);
      };
      rowCount += count;
      dataRowCount = Math.max(data + count, at + count - 1);
      break;
    case 'delete':
      read = (row, firstCol, lastCol) => {
        const before = row < at ? row : row + count;
        return before > source.rowCount ? NO_CELLS : source.row(before, firstCol, lastCol);
      };
      rowCount = Math.max(1, rowCount - count);
      dataRowCount = Math.max(0, data - Math.max(0, Math.min(count, data - at + 1)));
      break;
    case 'reorder':
      read = (row, firstCol, lastCol) => source.row(row >= at && row <= last ? at + last - row : row, firstCol, lastCol);
      break;
    case 'change':
      read = (row, firstCol, lastCol) =>
        row >= at && row <= last ? fresh(row - at, 'changed row')(firstCol, lastCol) : source.row(row, firstCol, lastCol);
      dataRowCount = Math.max(data, last);
      break;
  }
  return {
    title: source.title,
    sheetId: source.sheetId,
    sheetType: source.sheetType,
    hidden: source.hidden,
    rowCount,
    columnCount: source.columnCount,
    dataRowCount: Math.min(rowCount, dataRowCount),
    // Reads past the grid as it was are empty: a deleted tail leaves empty rows, not old ones.
    row: (row, firstCol, lastCol) => (row > rowCount ? NO_CELLS : read(row, firstCol, lastCol)),
  };
}
