import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_COLUMN, MAX_ROW, columnToLetters, parseA1 } from '../src/sheet/a1.js';
import { NotFoundError, UsageError } from '../src/shared/errors.js';
import { describeRange, type GridRange, holdsNoCells, resolveRange, type SheetInfo, type SpreadsheetMeta } from '../src/sheet/resolve.js';
import { usageMessage } from './support/usage.js';

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
  return {
    title: range.sheet.title,
    firstRow: range.firstRow,
    lastRow: range.lastRow,
    firstCol: range.firstCol,
    lastCol: range.lastCol,
    colsNamed: range.colsNamed,
  };
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
    const m: SpreadsheetMeta = {
      sheets: [
        { ...chart, index: 0 },
        { ...data, index: 1 },
      ],
      namedRanges: [],
    };
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
    expect(resolveText('Summary!A1:Z100000')).toEqual({
      title: 'Summary',
      firstRow: 1,
      lastRow: 100,
      firstCol: 1,
      lastCol: 5,
      colsNamed: true,
    });
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
    const m: SpreadsheetMeta = {
      sheets: [sheet({ title: 'abc', sheetId: 1, index: 0 }), sheet({ title: 'ABC', sheetId: 2, index: 1, rowCount: 7 })],
      namedRanges: [],
    };
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
    for (const reach of [
      () => resolveText('Chart1'),
      () => resolveText("'Chart1'!A1:B2"),
      () => resolveText(undefined, 333),
      () => resolveText('A1:B2', 333),
      () => resolveText('OnChart'),
    ]) {
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

describe('resolveRange: text that is both a cell and a tab or a named range', () => {
  const book: SpreadsheetMeta = {
    sheets: [
      sheet({ title: 'Data', sheetId: 0, index: 0 }),
      sheet({ title: 'Q1', sheetId: 1, index: 1 }),
      sheet({ title: 'fy24', sheetId: 2, index: 2 }),
      sheet({ title: 'Jan2024', sheetId: 3, index: 3 }),
      sheet({ title: 'A1', sheetId: 4, index: 4 }),
      sheet({ title: '5:100', sheetId: 5, index: 5 }),
      sheet({ title: 'My Data', sheetId: 6, index: 6 }),
      sheet({ title: 'Q2', sheetId: 7, index: 7 }),
    ],
    namedRanges: [
      // The Sheets UI refuses such names, but the metadata is not bound by the UI.
      { name: 'gap2', sheetId: 6, startRowIndex: 1, endRowIndex: 3, startColumnIndex: 1, endColumnIndex: 3 },
      { name: 'B9', sheetId: 999 },
    ],
  };
  const resolveIn = (text: string, gid?: number) => grid(resolveRange(parseA1(text), book, gid));

  it('refuses a cell that is also a tab title, showing both spellings', () => {
    expect(usageMessage(() => resolveIn('Q1'))).toBe(
      `range "Q1" is both a cell and a tab: write 'Q1' for the tab or Data!Q1 for the cell (in a shell, keep the quotes: "'Q1'")`,
    );
  });

  it('matches titles case-insensitively, as the API does', () => {
    expect(usageMessage(() => resolveIn('FY24'))).toContain(`write 'fy24' for the tab or Data!FY24 for the cell`);
    expect(usageMessage(() => resolveIn('q1'))).toContain(`write 'Q1' for the tab or Data!Q1 for the cell`);
    expect(usageMessage(() => resolveIn('JAN2024'))).toContain(`write 'Jan2024' for the tab or Data!JAN2024 for the cell`);
    expect(usageMessage(() => resolveIn('a1'))).toContain(`write 'A1' for the tab or Data!A1 for the cell`);
  });

  it('refuses the colon forms too when a tab carries that title', () => {
    expect(usageMessage(() => resolveIn('5:100'))).toContain(`write '5:100' for the tab or Data!5:100 for the cell`);
  });

  it('spells the cell on the gid tab, quoting its title when it needs quotes', () => {
    expect(usageMessage(() => resolveIn('Q1', 6))).toContain(`or 'My Data'!Q1 for the cell`);
    expect(usageMessage(() => resolveIn('Q1', 7))).toContain(`or 'Q2'!Q1 for the cell`);
    // The tab itself may be the default one: still two meanings.
    expect(usageMessage(() => resolveIn('Q1', 1))).toContain(`write 'Q1' for the tab or 'Q1'!Q1 for the cell`);
  });

  it("refuses a cell that is also a named range, showing the cell and the named range's cells", () => {
    expect(usageMessage(() => resolveIn('gap2'))).toBe(
      `range "gap2" is both a cell and a named range: write Data!GAP2 for the cell or 'My Data'!B2:C3 for the named range's cells`,
    );
  });

  it('both spellings it shows resolve, each to its own meaning', () => {
    expect(resolveIn("'Q1'")).toEqual({ title: 'Q1', firstRow: 1, lastRow: 1000, firstCol: 1, lastCol: 26, colsNamed: false });
    expect(resolveIn('Data!Q1')).toEqual({ title: 'Data', firstRow: 1, lastRow: 1, firstCol: 17, lastCol: 17, colsNamed: true });
    expect(resolveIn("'My Data'!Q1", 7)).toMatchObject({ title: 'My Data', firstCol: 17 });
    expect(resolveIn("'Q2'!Q1")).toMatchObject({ title: 'Q2', firstCol: 17 });
    expect(resolveIn("'5:100'")).toMatchObject({ title: '5:100', lastRow: 1000 });
    expect(resolveIn('Data!5:100')).toMatchObject({ title: 'Data', firstRow: 5, lastRow: 100 });
  });

  it('a cell-shaped text that names no tab or named range keeps its meaning', () => {
    expect(resolveIn('Q3')).toEqual({ title: 'Data', firstRow: 3, lastRow: 3, firstCol: 17, lastCol: 17, colsNamed: true });
    expect(resolveIn('A1:B5')).toMatchObject({ title: 'Data', lastRow: 5, lastCol: 2 });
    // A named range whose tab is gone names nothing.
    expect(resolveIn('B9')).toMatchObject({ title: 'Data', firstRow: 9, firstCol: 2 });
  });

  it('a range that names its tab is never ambiguous', () => {
    expect(resolveIn('Q1!A1')).toMatchObject({ title: 'Q1', firstRow: 1, firstCol: 1 });
    expect(resolveIn('Data!A1')).toMatchObject({ title: 'Data', firstRow: 1, firstCol: 1 });
  });
});

describe('resolveRange: never a negative count', () => {
  const small = sheet({ title: 'Data', sheetId: 0, index: 0 }); // 1000 × 26
  const book: SpreadsheetMeta = {
    sheets: [small],
    namedRanges: [
      { name: 'PastRows', sheetId: 0, startRowIndex: 1999, endRowIndex: 2010, startColumnIndex: 0, endColumnIndex: 3 },
      { name: 'PastCols', sheetId: 0, startRowIndex: 0, endRowIndex: 5, startColumnIndex: 30, endColumnIndex: 40 },
      { name: 'PastBoth', sheetId: 0, startRowIndex: 5000, startColumnIndex: 100 },
    ],
  };
  const counts = (r: GridRange) => ({ rows: r.lastRow - r.firstRow + 1, columns: r.lastCol - r.firstCol + 1 });
  const at = (text: string) => resolveRange(parseA1(text), book);

  it("a cell past the grid's columns holds no cells: 0 columns, not a negative figure", () => {
    const r = at('gap2');
    expect(counts(r)).toEqual({ rows: 1, columns: 0 });
    expect(holdsNoCells(r)).toBe(true);
    expect(describeRange(r)).toBe("'Data'!GAP2:GAP2");
  });

  it("a cell past the grid's rows holds no cells, the same way", () => {
    const r = at('A2000');
    expect(counts(r)).toEqual({ rows: 0, columns: 1 });
    expect(holdsNoCells(r)).toBe(true);
    expect(describeRange(r)).toBe("'Data'!A2000:A2000");
  });

  it('past both, and open ranges that start past the grid', () => {
    expect(counts(at('GAP2000'))).toEqual({ rows: 0, columns: 0 });
    expect(counts(at('AA:AC'))).toEqual({ rows: 1000, columns: 0 });
    expect(counts(at('2000:3000'))).toEqual({ rows: 0, columns: 26 });
    for (const text of ['AA:AC', '2000:3000', 'AA1:AB']) expect(holdsNoCells(at(text))).toBe(true);
  });

  it('a named range that lies past the grid holds no cells', () => {
    expect(counts(at('PastRows'))).toEqual({ rows: 0, columns: 3 });
    expect(counts(at('PastCols'))).toEqual({ rows: 5, columns: 0 });
    expect(counts(at('PastBoth'))).toEqual({ rows: 0, columns: 0 });
    for (const name of ['PastRows', 'PastCols', 'PastBoth']) expect(holdsNoCells(at(name))).toBe(true);
  });

  it('a range inside the grid, or clipped by it, holds cells', () => {
    expect(holdsNoCells(at('Z1000'))).toBe(false);
    expect(holdsNoCells(at('Y999:ZZ5000'))).toBe(false);
    expect(counts(at('Y999:ZZ5000'))).toEqual({ rows: 2, columns: 2 });
  });

  it('property: counts are ≥ 0 and holdsNoCells says exactly whether the start is past the grid', () => {
    const point = fc.record({ col: fc.integer({ min: 1, max: MAX_COLUMN }), row: fc.integer({ min: 1, max: MAX_ROW }) });
    fc.assert(
      fc.property(point, point, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 300 }), (a, b, rowCount, columnCount) => {
        const text = `${columnToLetters(a.col)}${a.row}:${columnToLetters(b.col)}${b.row}`;
        const m: SpreadsheetMeta = { sheets: [sheet({ title: 'T', sheetId: 0, index: 0, rowCount, columnCount })], namedRanges: [] };
        const r = resolveRange(parseA1(text), m);
        const { rows, columns } = counts(r);
        expect(rows).toBeGreaterThanOrEqual(0);
        expect(columns).toBeGreaterThanOrEqual(0);
        expect(rows).toBeLessThanOrEqual(rowCount);
        expect(columns).toBeLessThanOrEqual(columnCount);
        const past = Math.min(a.row, b.row) > rowCount || Math.min(a.col, b.col) > columnCount;
        expect(holdsNoCells(r)).toBe(past);
        expect(rows === 0 || columns === 0).toBe(past);
      }),
      { numRuns: 2000 },
    );
  });
});
