/**
 * Grid data as spreadsheets.get sends it under a `fields` mask: a Sheet's `data` holds one GridData
 * per requested range on that tab, each cell's CellData holding what the emulator keeps of it, its
 * effectiveFormat.numberFormat. The mask is applied afterwards, as the API applies it. Pure.
 */
import { type Cell, type NumberFormat, formatOf } from './cells.js';
import type { Rect } from './spreadsheet.js';

export interface CellData {
  effectiveFormat?: { numberFormat: NumberFormat };
}

export interface RowData {
  values?: CellData[];
}

export interface GridData {
  /** 0-based; left out when 0, as proto3 leaves defaults out of JSON. */
  startRow?: number;
  startColumn?: number;
  rowData?: RowData[];
}

function isEmpty(cell: Cell): boolean {
  return cell === null || cell === undefined || cell === '';
}

function cellData(cell: Cell): CellData {
  const numberFormat = formatOf(cell);
  // The automatic format is the default one, which the API does not write.
  return numberFormat ? { effectiveFormat: { numberFormat } } : {};
}

/**
 * The GridData of one range. As values.get trims, a row's trailing empty cells and the trailing
 * empty rows are left out, and so is the grid past the data; an empty row inside the data is `{}`
 * and an empty cell before the row's last value `{}`. Trimming goes by the cell, not by the masked
 * answer: a value with the automatic format still holds its place as `{}`. The reference does not
 * spell these out; this is the plain reading of "one entry per row, starting with the row in
 * startRow" together with what values.get does.
 */
export function readGridData(rect: Rect): GridData {
  const { source } = rect.tab;
  const width = rect.lastCol - rect.firstCol + 1;
  const lastRow = Math.min(rect.lastRow, source.dataRowCount ?? source.rowCount);
  const rowData: RowData[] = [];
  let kept = 0;
  for (let r = rect.firstRow; r <= lastRow; r += 1) {
    const cells = source.row(r, rect.firstCol, rect.lastCol);
    let filled = Math.min(cells.length, width);
    while (filled > 0 && isEmpty(cells[filled - 1])) filled -= 1;
    rowData.push(filled === 0 ? {} : { values: cells.slice(0, filled).map(cellData) });
    if (filled > 0) kept = rowData.length;
  }
  rowData.length = kept;
  const grid: GridData = {};
  if (rect.firstRow > 1) grid.startRow = rect.firstRow - 1;
  if (rect.firstCol > 1) grid.startColumn = rect.firstCol - 1;
  if (rowData.length > 0) grid.rowData = rowData;
  return grid;
}
