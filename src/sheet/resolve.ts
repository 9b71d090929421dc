/**
 * A parsed A1 range + the spreadsheet's metadata → a bounded grid range. Pure.
 * Open ends are closed against the tab's grid size; tabs and named ranges are looked up here,
 * so an unknown tab is a NotFoundError rather than the API's ambiguous 400.
 */
import { type A1, type A1Range, LONE_SURROGATE, formatA1, quoteSheetName, sheetPrefix } from './a1.js';
import { ApiError, NotFoundError, UsageError, showInput } from '../shared/errors.js';

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
  /** The spreadsheet's locale (`en_US`): how it formats values. */
  locale?: string;
  /** The spreadsheet's time zone (`America/New_York`): the zone of the wall times its date-times show. */
  timeZone?: string;
  sheets: SheetInfo[];
  namedRanges: NamedRangeInfo[];
}

/**
 * 1-based, inclusive, inside the grid. A range that starts past the grid's last row (or column)
 * keeps its start and ends one before it (`lastRow = firstRow - 1`): it holds no cells, and its
 * row and column counts are 0, never negative.
 */
export interface GridRange {
  sheet: SheetInfo;
  firstRow: number;
  lastRow: number;
  firstCol: number;
  lastCol: number;
  /** True when the range names its last column: CSV rows are then padded to that width. */
  colsNamed: boolean;
  /** True when the range names its last row; else it runs to the end of the tab, however long it grows. */
  rowsNamed: boolean;
}

function findSheet(meta: SpreadsheetMeta, title: string): SheetInfo | undefined {
  return meta.sheets.find((s) => s.title === title) ?? meta.sheets.find((s) => s.title.toLowerCase() === title.toLowerCase());
}

/** What a bare name names: a tab first, else a named range; each matched exactly, else in any case. */
export function lookUpName(
  meta: SpreadsheetMeta,
  name: string,
): { kind: 'tab'; sheet: SheetInfo } | { kind: 'named'; named: NamedRangeInfo } | undefined {
  const sheet = findSheet(meta, name);
  if (sheet) return { kind: 'tab', sheet };
  const named = meta.namedRanges.find((n) => n.name === name) ?? meta.namedRanges.find((n) => n.name.toLowerCase() === name.toLowerCase());
  return named ? { kind: 'named', named } : undefined;
}

/** The tabs in tab order (as the spreadsheet shows them), hidden ones included. */
export function tabsInOrder(meta: SpreadsheetMeta): SheetInfo[] {
  return [...meta.sheets].sort((a, b) => a.index - b.index);
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
  const first = tabsInOrder(meta).find((s) => s.sheetType === 'GRID') ?? meta.sheets[0];
  if (!first) throw new NotFoundError('the spreadsheet has no tabs');
  return first;
}

/** A tab that can be read: a grid, and a title a request can name (no URL carries half a UTF-16 pair). */
function gridOnly(sheet: SheetInfo): SheetInfo {
  if (sheet.sheetType !== 'GRID') {
    throw new UsageError(`tab ${quoteSheetName(sheet.title)} is a ${sheet.sheetType} sheet with no cells; pick a grid tab`);
  }
  const shown = sheet.title.replace(LONE_SURROGATE, (half) => `\\u${half.charCodeAt(0).toString(16)}`);
  if (shown !== sheet.title) {
    throw new ApiError(
      `tab ${quoteSheetName(shown)} cannot be read: its title holds half of a UTF-16 character, which no request can name; rename the tab`,
    );
  }
  return sheet;
}

/** The range inside the grid; `lastRow` and `lastCol` undefined: to the grid's end, not named. */
function bounded(
  sheet: SheetInfo,
  firstRow: number,
  lastRow: number | undefined,
  firstCol: number,
  lastCol: number | undefined,
): GridRange {
  return {
    sheet,
    firstRow,
    lastRow: Math.max(firstRow - 1, Math.min(lastRow ?? sheet.rowCount, sheet.rowCount)),
    firstCol,
    lastCol: Math.max(firstCol - 1, Math.min(lastCol ?? sheet.columnCount, sheet.columnCount)),
    colsNamed: lastCol !== undefined,
    rowsNamed: lastRow !== undefined,
  };
}

/** True when the range holds no cell of its grid (it starts past the grid's rows or columns). */
export function holdsNoCells(range: GridRange): boolean {
  return range.lastRow < range.firstRow || range.lastCol < range.firstCol;
}

/**
 * Unquoted cells with no tab (`Q1`, `FY24`) that are also a tab's title or a named range's name
 * could mean either; the API would read them as cells. Refuses them, showing both spellings.
 */
function refuseAmbiguous(a1: A1Range, meta: SpreadsheetMeta, cellsSheet: SheetInfo): void {
  const { text } = a1;
  if (text === undefined || a1.sheet !== undefined) return;
  const lower = text.toLowerCase();
  const cell = `${showInput(sheetPrefix(cellsSheet.title), 200)}!${text.toUpperCase()}`;
  const tab = meta.sheets.find((s) => s.title.toLowerCase() === lower);
  if (tab) {
    const quoted = quoteSheetName(tab.title);
    throw new UsageError(
      `range "${text}" is both a cell and a tab: write ${quoted} for the tab or ${cell} for the cell (in a shell, keep the quotes: "${quoted}")`,
    );
  }
  for (const named of meta.namedRanges) {
    const target = meta.sheets.find((s) => s.sheetId === named.sheetId);
    if (named.name.toLowerCase() !== lower || !target) continue;
    // A named range has no quoted spelling: its cells are the other way to write it.
    const cells = `${showInput(sheetPrefix(target.title), 200)}!${cellsOf(namedGrid(named, target))}`;
    throw new UsageError(
      `range "${text}" is both a cell and a named range: write ${cell} for the cell or ${cells} for the named range's cells`,
    );
  }
}

function namedGrid(named: NamedRangeInfo, target: SheetInfo): GridRange {
  return bounded(target, (named.startRowIndex ?? 0) + 1, named.endRowIndex, (named.startColumnIndex ?? 0) + 1, named.endColumnIndex);
}

/**
 * Resolves `a1` (or the whole default tab when it is undefined) against the metadata.
 * `gid` picks the tab when the range names none.
 */
export function resolveRange(a1: A1 | undefined, meta: SpreadsheetMeta, gid?: number): GridRange {
  if (!a1) {
    const sheet = gridOnly(defaultSheet(meta, gid));
    return bounded(sheet, 1, undefined, 1, undefined);
  }
  if (a1.kind === 'name') {
    const found = lookUpName(meta, a1.name);
    if (!found) {
      throw new NotFoundError(`no tab or named range is called "${a1.name}"; tabs: ${tabList(meta)}`);
    }
    if (found.kind === 'tab') {
      const { sheet } = found;
      gridOnly(sheet);
      return bounded(sheet, 1, undefined, 1, undefined);
    }
    const { named } = found;
    const target = meta.sheets.find((s) => s.sheetId === named.sheetId);
    if (!target) throw new NotFoundError(`named range "${named.name}" points at a tab that no longer exists`);
    return namedGrid(named, gridOnly(target));
  }
  let sheet: SheetInfo;
  if (a1.sheet !== undefined) {
    const found = findSheet(meta, a1.sheet);
    if (!found) throw new NotFoundError(`no tab is called ${quoteSheetName(a1.sheet)}; tabs: ${tabList(meta)}`);
    sheet = found;
  } else {
    sheet = defaultSheet(meta, gid);
    refuseAmbiguous(a1, meta, sheet);
  }
  gridOnly(sheet);
  const start = a1.start ?? {};
  const end = a1.end ?? {};
  return bounded(sheet, start.row ?? 1, end.row, start.col ?? 1, end.col);
}

function corners(range: GridRange): Pick<A1Range, 'start' | 'end'> {
  // A range that holds no cells is shown by where it starts.
  return {
    start: { col: range.firstCol, row: range.firstRow },
    end: { col: Math.max(range.firstCol, range.lastCol), row: Math.max(range.firstRow, range.lastRow) },
  };
}

function cellsOf(range: GridRange): string {
  return formatA1({ kind: 'range', ...corners(range) });
}

/** The range in A1 text, tab name quoted: for messages and the summary. */
export function describeRange(range: GridRange): string {
  return formatA1({ kind: 'range', sheet: range.sheet.title, ...corners(range) });
}

/**
 * The range as the summary names it: as read, or, for one past the end of its tab (it holds no
 * cells, and its clipped form is no range the user wrote), as typed.
 */
export function describeRead(range: GridRange, asked: A1 | undefined): string {
  if (!holdsNoCells(range) || asked?.kind !== 'range') return describeRange(range);
  return formatA1({ ...asked, sheet: range.sheet.title });
}
