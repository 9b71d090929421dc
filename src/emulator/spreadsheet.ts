/**
 * One emulated spreadsheet: its tabs and named ranges, its metadata as spreadsheets.get answers
 * it, and ranges resolved and read the way values.get does. Pure apart from the tab sources.
 */
import { type A1, columnToLetters, isCellShaped, parseA1, quoteSheetName, sheetPrefix } from '../sheet/a1.js';
import { UsageError } from '../shared/errors.js';
import { exceedsGridLimits, unableToParseRange } from './api-error.js';
import type { CellRenderer, Rendered } from './cells.js';
import type { TabSource } from './data.js';
import { type RowEdit, editedTab } from './edits.js';
import { hashText } from './random.js';

export interface NamedRangeSpec {
  /** Letters, digits and underscores, not starting with a digit and not shaped like a cell. */
  name: string;
  /** A1 text, e.g. `'Orders'!A1:D50`, `Data!B:C` or `A2:F` (the first tab). */
  range: string;
}

export interface Tab {
  source: TabSource;
  title: string;
  sheetId: number;
  index: number;
  isGrid: boolean;
  hidden: boolean;
}

/** A resolved request range: 1-based, inclusive, inside the grid. */
export interface Rect {
  tab: Tab;
  firstRow: number;
  lastRow: number;
  firstCol: number;
  lastCol: number;
}

interface NamedRange {
  name: string;
  namedRangeId: string;
  tab: Tab;
  /** 0-based, end-exclusive; absent = unbounded, as the API gives them. */
  startRowIndex?: number;
  endRowIndex?: number;
  startColumnIndex?: number;
  endColumnIndex?: number;
}

export type MajorDimension = 'ROWS' | 'COLUMNS';

export interface ValueRange {
  range: string;
  majorDimension: MajorDimension;
  values?: Rendered[][];
}

const NAMED_RANGE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,249}$/;
const MAX_SHEET_ID = 2_147_483_647;

/** A tab title as the API writes it in answers: quoted only when it must be, as before `!` in A1 text. */
export const apiSheetName = sheetPrefix;

function cellsText(firstRow: number, lastRow: number, firstCol: number, lastCol: number): string {
  const start = `${columnToLetters(firstCol)}${firstRow}`;
  return firstRow === lastRow && firstCol === lastCol ? start : `${start}:${columnToLetters(lastCol)}${lastRow}`;
}

/** The answer's `range`: normalised, clipped, tab named. */
export function rectText(rect: Rect): string {
  return `${sheetPrefix(rect.tab.title)}!${cellsText(rect.firstRow, rect.lastRow, rect.firstCol, rect.lastCol)}`;
}

function assignSheetIds(sources: readonly TabSource[]): number[] {
  const used = new Set<number>();
  for (const source of sources) {
    const id = source.sheetId;
    if (id === undefined) continue;
    if (!Number.isInteger(id) || id < 0 || id > MAX_SHEET_ID) {
      throw new UsageError(`tab "${source.title}": sheetId must be an integer from 0 to ${MAX_SHEET_ID}, got ${id}`);
    }
    if (used.has(id)) throw new UsageError(`tab "${source.title}": sheetId ${id} is already taken`);
    used.add(id);
  }
  return sources.map((source, index) => {
    if (source.sheetId !== undefined) return source.sheetId;
    // Like Sheets: the first tab is gid 0, later tabs get large arbitrary ids.
    let id = index === 0 && !used.has(0) ? 0 : 1 + (hashText(source.title) % 2_000_000_000);
    while (used.has(id)) id += 1;
    used.add(id);
    return id;
  });
}

export class Spreadsheet {
  readonly tabs: readonly Tab[];
  private readonly namedRanges: readonly NamedRange[];
  private metadataObject: Record<string, unknown>;
  /** Edits made so far: each numbers the rows it adds. */
  private edits = 0;

  constructor(
    readonly id: string,
    readonly title: string,
    sources: readonly TabSource[],
    namedRanges: readonly NamedRangeSpec[] = [],
  ) {
    if (sources.length === 0) throw new UsageError('the spreadsheet needs at least one tab');
    const titles = new Set<string>();
    for (const source of sources) {
      if (source.title.trim() === '') throw new UsageError('a tab title is empty');
      const key = source.title.toLowerCase();
      if (titles.has(key)) throw new UsageError(`two tabs are titled "${source.title}"; tab titles must differ (ignoring case)`);
      titles.add(key);
    }
    const ids = assignSheetIds(sources);
    this.tabs = sources.map((source, index) => ({
      source,
      title: source.title,
      sheetId: ids[index] as number,
      index,
      isGrid: (source.sheetType ?? 'GRID') === 'GRID',
      hidden: source.hidden === true,
    }));
    this.namedRanges = this.defineNamedRanges(namedRanges);
    this.metadataObject = this.buildMetadata();
  }

  /**
   * The spreadsheets.get answer, unmasked: every tab, or only `tabs` (those a request's `ranges`
   * touch), in the spreadsheet's order; each Sheet with the `data` (its GridData list, grid-data.ts)
   * that `gridData` gives its tab, when asked for.
   */
  metadata(tabs?: ReadonlySet<Tab>, gridData?: (tab: Tab) => readonly object[] | undefined): Record<string, unknown> {
    if (tabs === undefined && gridData === undefined) return this.metadataObject;
    const sheets = (this.metadataObject.sheets as Record<string, unknown>[]).flatMap((sheet, index) => {
      const tab = this.tabs[index] as Tab;
      if (tabs !== undefined && !tabs.has(tab)) return [];
      const data = gridData?.(tab);
      return [data === undefined ? sheet : { ...sheet, data }];
    });
    return { ...this.metadataObject, sheets };
  }

  /** The whole grid of a grid tab. */
  wholeTab(tab: Tab): Rect {
    return { tab, firstRow: 1, lastRow: tab.source.rowCount, firstCol: 1, lastCol: tab.source.columnCount };
  }

  private buildMetadata(): Record<string, unknown> {
    const answer: Record<string, unknown> = {
      spreadsheetId: this.id,
      properties: { title: this.title, locale: 'en_US', autoRecalc: 'ON_CHANGE', timeZone: 'Etc/GMT' },
      sheets: this.tabs.map((tab) => ({
        properties: {
          sheetId: tab.sheetId,
          title: tab.title,
          index: tab.index,
          sheetType: tab.isGrid ? 'GRID' : 'OBJECT',
          ...(tab.isGrid ? { gridProperties: { rowCount: tab.source.rowCount, columnCount: tab.source.columnCount } } : {}),
          ...(tab.hidden ? { hidden: true } : {}),
        },
      })),
    };
    // Like the real API: no key for an empty list, and a GridRange's sheetId 0 is left out.
    if (this.namedRanges.length > 0) {
      answer.namedRanges = this.namedRanges.map((named) => ({
        namedRangeId: named.namedRangeId,
        name: named.name,
        range: {
          ...(named.tab.sheetId !== 0 ? { sheetId: named.tab.sheetId } : {}),
          ...(named.startRowIndex !== undefined ? { startRowIndex: named.startRowIndex } : {}),
          ...(named.endRowIndex !== undefined ? { endRowIndex: named.endRowIndex } : {}),
          ...(named.startColumnIndex !== undefined ? { startColumnIndex: named.startColumnIndex } : {}),
          ...(named.endColumnIndex !== undefined ? { endColumnIndex: named.endColumnIndex } : {}),
        },
      }));
    }
    answer.spreadsheetUrl = `https://docs.google.com/spreadsheets/d/${this.id}/edit`;
    return answer;
  }

  /** Edits a tab's rows as a person would while the spreadsheet serves (edits.ts). Throws UsageError. */
  edit(edit: RowEdit): void {
    const tab = edit.tab === undefined ? this.firstVisible() : this.findTab(edit.tab);
    if (!tab?.isGrid) throw new UsageError(`an edit names no grid tab of this spreadsheet (${edit.tab ?? 'the first tab'})`);
    this.edits += 1;
    tab.source = editedTab(tab.source, edit, this.edits);
    this.metadataObject = this.buildMetadata();
  }

  /** The tab a range without a tab name reads: the first one not hidden, as the API reads it. */
  private firstVisible(): Tab | undefined {
    return this.tabs.find((tab) => !tab.hidden);
  }

  private findTab(title: string): Tab | undefined {
    return this.tabs.find((tab) => tab.title === title) ?? this.tabs.find((tab) => tab.title.toLowerCase() === title.toLowerCase());
  }

  private findNamedRange(name: string): NamedRange | undefined {
    const lower = name.toLowerCase();
    return this.namedRanges.find((named) => named.name.toLowerCase() === lower);
  }

  private defineNamedRanges(specs: readonly NamedRangeSpec[]): NamedRange[] {
    const defined: NamedRange[] = [];
    for (const spec of specs) {
      const why = (reason: string): UsageError => new UsageError(`named range "${spec.name}": ${reason}`);
      if (!NAMED_RANGE_NAME.test(spec.name) || isCellShaped(spec.name)) {
        throw why('a name is letters, digits and "_", starts with a letter or "_", and is not shaped like a cell');
      }
      if (defined.some((d) => d.name.toLowerCase() === spec.name.toLowerCase())) throw why('the name is taken');
      let a1: A1;
      try {
        a1 = parseA1(spec.range);
      } catch (error) {
        throw why((error as Error).message);
      }
      const tabTitle = a1.kind === 'name' ? a1.name : a1.sheet;
      const tab = tabTitle === undefined ? this.firstVisible() : this.findTab(tabTitle);
      if (!tab || !tab.isGrid) throw why(`"${spec.range}" is not on a grid tab of this spreadsheet`);
      const named: NamedRange = { name: spec.name, namedRangeId: hashText(spec.name).toString(36).padStart(7, '0'), tab };
      if (a1.kind === 'range') {
        const { start = {}, end = {} } = a1;
        if ((start.row ?? 1) > tab.source.rowCount || (end.row ?? 1) > tab.source.rowCount) throw why("it runs past the grid's last row");
        if ((start.col ?? 1) > tab.source.columnCount || (end.col ?? 1) > tab.source.columnCount)
          throw why("it runs past the grid's last column");
        if (start.row !== undefined) named.startRowIndex = start.row - 1;
        if (end.row !== undefined) named.endRowIndex = end.row;
        if (start.col !== undefined) named.startColumnIndex = start.col - 1;
        if (end.col !== undefined) named.endColumnIndex = end.col;
      }
      defined.push(named);
    }
    return defined;
  }

  /**
   * A request range → the grid rectangle it reads. Throws the API's 400s: "Unable to parse range"
   * for bad text or an unknown tab or name, "exceeds grid limits" for a range starting past the grid.
   */
  resolve(text: string): Rect {
    let a1: A1;
    try {
      a1 = parseA1(text);
    } catch {
      throw unableToParseRange(text);
    }
    if (a1.kind === 'name') {
      const tab = this.findTab(a1.name);
      if (tab) {
        if (!tab.isGrid) throw unableToParseRange(text);
        return this.wholeTab(tab);
      }
      const named = this.findNamedRange(a1.name);
      if (!named) throw unableToParseRange(text);
      const grid = named.tab.source;
      return {
        tab: named.tab,
        firstRow: (named.startRowIndex ?? 0) + 1,
        lastRow: named.endRowIndex ?? grid.rowCount,
        firstCol: (named.startColumnIndex ?? 0) + 1,
        lastCol: named.endColumnIndex ?? grid.columnCount,
      };
    }
    const tab = a1.sheet === undefined ? this.firstVisible() : this.findTab(a1.sheet);
    if (!tab || !tab.isGrid) throw unableToParseRange(text);
    const { rowCount, columnCount } = tab.source;
    const firstRow = a1.start?.row ?? 1;
    const firstCol = a1.start?.col ?? 1;
    const lastRow = a1.end?.row ?? rowCount;
    const lastCol = a1.end?.col ?? columnCount;
    if (firstRow > rowCount || firstCol > columnCount) {
      const asked = `${quoteSheetName(tab.title)}!${cellsText(firstRow, lastRow, firstCol, lastCol)}`;
      throw exceedsGridLimits(asked, rowCount, columnCount);
    }
    return { tab, firstRow, firstCol, lastRow: Math.min(lastRow, rowCount), lastCol: Math.min(lastCol, columnCount) };
  }
}

/**
 * The rendered rows of a rectangle with the API's trimming: each row's trailing empty cells and the
 * trailing empty rows dropped; an empty row inside the data stays as `[]`.
 */
export function readRows(rect: Rect, render: CellRenderer): Rendered[][] {
  const { source } = rect.tab;
  const width = rect.lastCol - rect.firstCol + 1;
  const lastRow = Math.min(rect.lastRow, source.dataRowCount ?? source.rowCount);
  const rows: Rendered[][] = [];
  let kept = 0;
  for (let r = rect.firstRow; r <= lastRow; r += 1) {
    const cells = source.row(r, rect.firstCol, rect.lastCol);
    const count = Math.min(cells.length, width);
    const out: Rendered[] = [];
    let filled = 0;
    for (let i = 0; i < count; i += 1) {
      const value = render(cells[i]);
      out.push(value);
      if (value !== '') filled = i + 1;
    }
    out.length = filled;
    rows.push(out);
    if (filled > 0) kept = rows.length;
  }
  rows.length = kept;
  return rows;
}

/** Rows → columns, each trimmed of its trailing empty cells as the API trims them. */
export function transpose(rows: Rendered[][]): Rendered[][] {
  const width = rows.reduce((max, row) => Math.max(max, row.length), 0);
  const columns: Rendered[][] = [];
  for (let c = 0; c < width; c += 1) {
    const column: Rendered[] = rows.map((row) => row[c] ?? '');
    let filled = column.length;
    while (filled > 0 && column[filled - 1] === '') filled -= 1;
    column.length = filled;
    columns.push(column);
  }
  return columns;
}

/** The values.get answer for one resolved range. */
export function readValueRange(rect: Rect, render: CellRenderer, major: MajorDimension): ValueRange {
  const rows = readRows(rect, render);
  const values = major === 'ROWS' ? rows : transpose(rows);
  const answer: ValueRange = { range: rectText(rect), majorDimension: major };
  if (values.length > 0) answer.values = values;
  return answer;
}
