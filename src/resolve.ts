/**
 * A parsed A1 range + the spreadsheet's metadata → a bounded grid range. Pure.
 * Open ends are closed against the tab's grid size; tabs and named ranges are looked up here,
 * so an unknown tab is a NotFoundError rather than the API's ambiguous 400.
 */
import { type A1, formatA1, quoteSheetName } from './a1.js';
import { NotFoundError, UsageError } from './errors.js';

export interface SheetInfo {
  sheetId: number;
  title: string;
  index: number;
  /** GRID, OBJECT (a chart sheet: no cells), DATA_SOURCE. */
  sheetType: string;
  rowCount: number;
  columnCount: number;
}

/** A named range as the API gives it: 0-based, end-exclusive, any bound may be absent. */
export interface NamedRangeInfo {
  name: string;
  sheetId: number;
  startRowIndex?: number;
  endRowIndex?: number;
  startColumnIndex?: number;
  endColumnIndex?: number;
}

export interface SpreadsheetMeta {
  title?: string;
  sheets: SheetInfo[];
  namedRanges: NamedRangeInfo[];
}

/** 1-based, inclusive. `lastRow < firstRow` means the range holds no rows of the grid. */
export interface GridRange {
  sheet: SheetInfo;
  firstRow: number;
  lastRow: number;
  firstCol: number;
  lastCol: number;
  /** True when the range names its last column: CSV rows are then padded to that width. */
  colsNamed: boolean;
}

function findSheet(meta: SpreadsheetMeta, title: string): SheetInfo | undefined {
  return meta.sheets.find((s) => s.title === title) ?? meta.sheets.find((s) => s.title.toLowerCase() === title.toLowerCase());
}

function tabList(meta: SpreadsheetMeta): string {
  const names = meta.sheets.map((s) => quoteSheetName(s.title));
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, ...` : names.join(', ');
}

function defaultSheet(meta: SpreadsheetMeta, gid: number | undefined): SheetInfo {
  if (gid !== undefined) {
    const byGid = meta.sheets.find((s) => s.sheetId === gid);
    if (!byGid) throw new NotFoundError(`no tab has gid ${gid}; run \`sheetpipe sheets\` to list the tabs (${tabList(meta)})`);
    return byGid;
  }
  const first = [...meta.sheets].sort((a, b) => a.index - b.index).find((s) => s.sheetType === 'GRID') ?? meta.sheets[0];
  if (!first) throw new NotFoundError('the spreadsheet has no tabs');
  return first;
}

function gridOnly(sheet: SheetInfo): SheetInfo {
  if (sheet.sheetType !== 'GRID') {
    throw new UsageError(`tab ${quoteSheetName(sheet.title)} is a ${sheet.sheetType} sheet with no cells; pick a grid tab`);
  }
  return sheet;
}

function bounded(sheet: SheetInfo, firstRow: number, lastRow: number, firstCol: number, lastCol: number, colsNamed: boolean): GridRange {
  return {
    sheet,
    firstRow,
    lastRow: Math.min(lastRow, sheet.rowCount),
    firstCol,
    lastCol: Math.min(lastCol, sheet.columnCount),
    colsNamed,
  };
}

/**
 * Resolves `a1` (or the whole default tab when it is undefined) against the metadata.
 * `gid` picks the tab when the range names none.
 */
export function resolveRange(a1: A1 | undefined, meta: SpreadsheetMeta, gid?: number): GridRange {
  if (!a1) {
    const sheet = gridOnly(defaultSheet(meta, gid));
    return bounded(sheet, 1, sheet.rowCount, 1, sheet.columnCount, false);
  }
  if (a1.kind === 'name') {
    const sheet = findSheet(meta, a1.name);
    if (sheet) {
      gridOnly(sheet);
      return bounded(sheet, 1, sheet.rowCount, 1, sheet.columnCount, false);
    }
    const named = meta.namedRanges.find((n) => n.name === a1.name) ?? meta.namedRanges.find((n) => n.name.toLowerCase() === a1.name.toLowerCase());
    if (!named) {
      throw new NotFoundError(`no tab or named range is called "${a1.name}"; tabs: ${tabList(meta)}`);
    }
    const target = meta.sheets.find((s) => s.sheetId === named.sheetId);
    if (!target) throw new NotFoundError(`named range "${named.name}" points at a tab that no longer exists`);
    gridOnly(target);
    return bounded(
      target,
      (named.startRowIndex ?? 0) + 1,
      named.endRowIndex ?? target.rowCount,
      (named.startColumnIndex ?? 0) + 1,
      named.endColumnIndex ?? target.columnCount,
      named.endColumnIndex !== undefined,
    );
  }
  let sheet: SheetInfo;
  if (a1.sheet !== undefined) {
    const found = findSheet(meta, a1.sheet);
    if (!found) throw new NotFoundError(`no tab is called ${quoteSheetName(a1.sheet)}; tabs: ${tabList(meta)}`);
    sheet = found;
  } else {
    sheet = defaultSheet(meta, gid);
  }
  gridOnly(sheet);
  const start = a1.start ?? {};
  const end = a1.end ?? {};
  return bounded(
    sheet,
    start.row ?? 1,
    end.row ?? sheet.rowCount,
    start.col ?? 1,
    end.col ?? sheet.columnCount,
    end.col !== undefined,
  );
}

/** The range in A1 text, tab name quoted: for messages and the summary. */
export function describeRange(range: GridRange): string {
  return formatA1({
    kind: 'range',
    sheet: range.sheet.title,
    start: { col: range.firstCol, row: range.firstRow },
    end: { col: range.lastCol, row: Math.max(range.firstRow, range.lastRow) },
  });
}
