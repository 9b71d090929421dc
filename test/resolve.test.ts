import { describe, expect, it } from 'vitest';
import { parseA1 } from '../src/a1.js';
import { NotFoundError, UsageError } from '../src/errors.js';
import { describeRange, type GridRange, resolveRange, type SheetInfo, type SpreadsheetMeta } from '../src/resolve.js';

function sheet(over: Partial<SheetInfo> & Pick<SheetInfo, 'title' | 'sheetId' | 'index'>): SheetInfo {
  return { sheetType: 'GRID', rowCount: 1000, columnCount: 26, ...over };
}

const data = sheet({ title: 'Data', sheetId: 111, index: 1, rowCount: 5000, columnCount: 10 });
const summary = sheet({ title: 'Summary', sheetId: 0, index: 0, rowCount: 100, columnCount: 5 });
const quoted = sheet({ title: "Q1 '24", sheetId: 222, index: 2, rowCount: 50, columnCount: 8 });
const chart = sheet({ title: 'Chart1', sheetId: 333, index: 3, sheetType: 'OBJECT', rowCount: 0, columnCount: 0 });
const orders = sheet({ title: 'Orders', sheetId: 444, index: 4, rowCount: 300, columnCount: 12 });

// Deliberately not in index order: the default tab is the lowest index, not the first listed.
const meta: SpreadsheetMeta = {
  title: 'Book',
  sheets: [data, quoted, summary, chart, orders],
  namedRanges: [
    { name: 'Totals', sheetId: 111, startRowIndex: 1, endRowIndex: 10, startColumnIndex: 2, endColumnIndex: 5 },
    { name: 'OpenEnded', sheetId: 111, startRowIndex: 4, startColumnIndex: 1 },
    { name: 'Whole', sheetId: 222 },
    { name: 'Huge', sheetId: 444, startRowIndex: 0, endRowIndex: 1_000_000, startColumnIndex: 0, endColumnIndex: 100 },
    // Same name as a tab: the tab wins.
    { name: 'Orders', sheetId: 111, startRowIndex: 0, endRowIndex: 2, startColumnIndex: 0, endColumnIndex: 2 },
    { name: 'Dangling', sheetId: 999, startRowIndex: 0, endRowIndex: 2 },
    { name: 'OnChart', sheetId: 333 },
  ],
};

function grid(range: GridRange) {
  return { title: range.sheet.title, firstRow: range.firstRow, lastRow: range.lastRow, firstCol: range.firstCol, lastCol: range.lastCol, colsNamed: range.colsNamed };
}

function resolveText(text: string | undefined, gid?: number) {
  return grid(resolveRange(text === undefined ? undefined : parseA1(text), meta, gid));
}

describe('resolveRange: default tab and gid', () => {
  it('no range: the whole lowest-index grid tab', () => {
    expect(resolveText(undefined)).toEqual({ title: 'Summary', firstRow: 1, lastRow: 100, firstCol: 1, lastCol: 5, colsNamed: false });
  });

  it('no range with a gid: the whole gid tab', () => {
    expect(resolveText(undefined, 111)).toEqual({ title: 'Data', firstRow: 1, lastRow: 5000, firstCol: 1, lastCol: 10, colsNamed: false });
    expect(resolveText(undefined, 222)).toMatchObject({ title: "Q1 '24", lastRow: 50, lastCol: 8 });
  });

  it('a range without a tab uses the gid tab; a range naming a tab ignores the gid', () => {
    expect(resolveText('A2:C', 111)).toEqual({ title: 'Data', firstRow: 2, lastRow: 5000, firstCol: 1, lastCol: 3, colsNamed: true });
    expect(resolveText('A2:C')).toMatchObject({ title: 'Summary', lastRow: 100 });
    expect(resolveText("'Orders'!A1:B2", 111)).toMatchObject({ title: 'Orders' });
  });

  it('an unknown gid is a NotFoundError naming it', () => {
    expect(() => resolveText(undefined, 42)).toThrow(NotFoundError);
    expect(() => resolveText(undefined, 42)).toThrow(/42/);
    expect(() => resolveText('A1:B2', 42)).toThrow(NotFoundError);
  });

  it('the default skips a chart tab that comes first', () => {
    const m: SpreadsheetMeta = { sheets: [{ ...chart, index: 0 }, { ...data, index: 1 }], namedRanges: [] };
    expect(grid(resolveRange(undefined, m))).toMatchObject({ title: 'Data' });
  });

  it('a spreadsheet with no tabs is a NotFoundError', () => {
    expect(() => resolveRange(undefined, { sheets: [], namedRanges: [] })).toThrow(NotFoundError);
  });
});

describe('resolveRange: open ranges closed to the grid', () => {
  it.each([
    ["'Data'!A2:F", { title: 'Data', firstRow: 2, lastRow: 5000, firstCol: 1, lastCol: 6, colsNamed: true }],
    ["'Data'!B:D", { title: 'Data', firstRow: 1, lastRow: 5000, firstCol: 2, lastCol: 4, colsNamed: true }],
    ["'Data'!5:100", { title: 'Data', firstRow: 5, lastRow: 100, firstCol: 1, lastCol: 10, colsNamed: false }],
    ["'Data'!C7", { title: 'Data', firstRow: 7, lastRow: 7, firstCol: 3, lastCol: 3, colsNamed: true }],
    ["'Data'!B3:40", { title: 'Data', firstRow: 3, lastRow: 40, firstCol: 2, lastCol: 10, colsNamed: false }],
    ["'Data'", { title: 'Data', firstRow: 1, lastRow: 5000, firstCol: 1, lastCol: 10, colsNamed: false }],
    ['Data', { title: 'Data', firstRow: 1, lastRow: 5000, firstCol: 1, lastCol: 10, colsNamed: false }],
    ["'Q1 ''24'!B:D", { title: "Q1 '24", firstRow: 1, lastRow: 50, firstCol: 2, lastCol: 4, colsNamed: true }],
  ] as const)('%s', (text, expected) => {
    expect(resolveText(text)).toEqual(expected);
  });

  it('clips a range that ends past the grid (rows and columns)', () => {
    expect(resolveText('Summary!A1:Z100000')).toEqual({ title: 'Summary', firstRow: 1, lastRow: 100, firstCol: 1, lastCol: 5, colsNamed: true });
    expect(resolveText("'Summary'!C50:ZZZ")).toMatchObject({ firstRow: 50, lastRow: 100, firstCol: 3, lastCol: 5 });
  });

  it('a range that starts past the grid holds no rows (lastRow < firstRow) or no columns', () => {
    const rows = resolveText('Summary!A200:B300');
    expect(rows.lastRow).toBeLessThan(rows.firstRow);
    const cols = resolveText('Summary!G1:H10');
    expect(cols.lastCol).toBeLessThan(cols.firstCol);
  });

  it('finds a tab case-insensitively when no exact title matches, exact match first', () => {
    expect(resolveText("'data'!A1:B2")).toMatchObject({ title: 'Data' });
    const m: SpreadsheetMeta = { sheets: [sheet({ title: 'abc', sheetId: 1, index: 0 }), sheet({ title: 'ABC', sheetId: 2, index: 1, rowCount: 7 })], namedRanges: [] };
    expect(grid(resolveRange(parseA1("'ABC'!A:A"), m))).toMatchObject({ title: 'ABC', lastRow: 7 });
  });
});

describe('resolveRange: tabs and named ranges', () => {
  it('an unknown tab is a NotFoundError that names it and lists the tabs', () => {
    const run = () => resolveText("'Nope'!A1:B2");
    expect(run).toThrow(NotFoundError);
    expect(run).toThrow(/Nope/);
    expect(run).toThrow(/'Data'/);
  });

  it('an unknown bare name (neither tab nor named range) is a NotFoundError', () => {
    expect(() => resolveText('Missing')).toThrow(NotFoundError);
    expect(() => resolveText('Missing')).toThrow(/Missing/);
  });

  it('a named range resolves to its grid (0-based end-exclusive → 1-based inclusive)', () => {
    expect(resolveText('Totals')).toEqual({ title: 'Data', firstRow: 2, lastRow: 10, firstCol: 3, lastCol: 5, colsNamed: true });
  });

  it('a named range with open bounds runs to the grid edge and names no columns', () => {
    expect(resolveText('OpenEnded')).toEqual({ title: 'Data', firstRow: 5, lastRow: 5000, firstCol: 2, lastCol: 10, colsNamed: false });
    expect(resolveText('Whole')).toEqual({ title: "Q1 '24", firstRow: 1, lastRow: 50, firstCol: 1, lastCol: 8, colsNamed: false });
  });

  it('a named range larger than its grid is clipped', () => {
    expect(resolveText('Huge')).toMatchObject({ title: 'Orders', lastRow: 300, lastCol: 12 });
  });

  it('named ranges match case-insensitively when no exact name matches', () => {
    expect(resolveText('totals')).toMatchObject({ title: 'Data', firstRow: 2, lastRow: 10 });
  });

  it('a tab title wins over a named range of the same name', () => {
    expect(resolveText('Orders')).toEqual({ title: 'Orders', firstRow: 1, lastRow: 300, firstCol: 1, lastCol: 12, colsNamed: false });
  });

  it('a named range pointing at a deleted tab is a NotFoundError', () => {
    expect(() => resolveText('Dangling')).toThrow(NotFoundError);
  });

  it('an OBJECT (chart) tab is a UsageError, however it is reached', () => {
    for (const reach of [() => resolveText('Chart1'), () => resolveText("'Chart1'!A1:B2"), () => resolveText(undefined, 333), () => resolveText('A1:B2', 333), () => resolveText('OnChart')]) {
      expect(reach).toThrow(UsageError);
      expect(reach).toThrow(/Chart1/);
    }
  });
});

describe('describeRange', () => {
  it('describes the bounded range with the tab quoted', () => {
    expect(describeRange(resolveRange(parseA1("'Q1 ''24'!B2:D"), meta))).toBe("'Q1 ''24'!B2:D50");
    expect(describeRange(resolveRange(undefined, meta))).toBe("'Summary'!A1:E100");
  });
});
