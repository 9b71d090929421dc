import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseA1, columnToLetters } from '../src/sheet/a1.js';
import {
  BATCH_CELLS,
  BATCH_RANGES,
  DEFAULT_CELL_BUDGET,
  type PlanOptions,
  type PlannedRequest,
  type Span,
  chunkA1,
  planRequests,
  rowSpans,
  rowsPerChunk,
} from '../src/engine/plan.js';
import { earlyMatches, earlySpan, echoedSheet } from '../src/engine/early.js';

/** The rows the width rule samples: the first part's size when the budget allows. */
const SAMPLE = 1000;

interface Chunk {
  index: number;
  a1: string;
  firstRow: number;
  rows: number;
}

function planChunks(r: GridRange, options: PlanOptions = {}): Generator<Chunk> {
  return (function* () {
    let index = 0;
    for (const s of rowSpans(r, 0, { firstRows: SAMPLE, ...options })) {
      yield { index: index++, a1: chunkA1(r, s.first, s.last), firstRow: s.first, rows: s.last - s.first + 1 };
    }
  })();
}
import type { GridRange, SheetInfo } from '../src/sheet/resolve.js';

function range(over: Partial<Omit<GridRange, 'sheet'>> & { rowCount?: number; columnCount?: number; title?: string } = {}): GridRange {
  const rowCount = over.rowCount ?? 1000;
  const columnCount = over.columnCount ?? 26;
  const sheet: SheetInfo = { sheetId: 7, title: over.title ?? 'Data', index: 0, sheetType: 'GRID', rowCount, columnCount };
  return {
    sheet,
    firstRow: over.firstRow ?? 1,
    lastRow: over.lastRow ?? rowCount,
    firstCol: over.firstCol ?? 1,
    lastCol: over.lastCol ?? columnCount,
    colsNamed: over.colsNamed ?? false,
    rowsNamed: over.rowsNamed ?? true,
  };
}

/** Checks the plan invariants and returns the chunks. */
function checkPlan(r: GridRange, options: PlanOptions = {}): Chunk[] {
  const chunks = [...planChunks(r, options)];
  const lastRow = options.maxRows !== undefined ? Math.min(r.lastRow, r.firstRow + options.maxRows - 1) : r.lastRow;
  const columns = r.lastCol - r.firstCol + 1;
  if (lastRow < r.firstRow || columns < 1) {
    expect(chunks).toEqual([]);
    return chunks;
  }
  let next = r.firstRow;
  chunks.forEach((chunk, i) => {
    expect(chunk.index).toBe(i);
    expect(chunk.firstRow).toBe(next); // contiguous, in order, no overlap
    expect(chunk.rows).toBeGreaterThanOrEqual(1);
    expect(chunk.firstRow).toBeLessThanOrEqual(r.sheet.rowCount); // never starts past the grid
    expect(chunk.firstRow + chunk.rows - 1).toBeLessThanOrEqual(lastRow);
    // The request text is the chunk's rows over the range's columns, tab quoted; it parses back.
    expect(chunk.a1).toBe(
      `'${r.sheet.title.replaceAll("'", "''")}'!${columnToLetters(r.firstCol)}${chunk.firstRow}:${columnToLetters(r.lastCol)}${chunk.firstRow + chunk.rows - 1}`,
    );
    expect(parseA1(chunk.a1)).toStrictEqual({
      kind: 'range',
      sheet: r.sheet.title,
      start: { col: r.firstCol, row: chunk.firstRow },
      end: { col: r.lastCol, row: chunk.firstRow + chunk.rows - 1 },
    });
    next = chunk.firstRow + chunk.rows;
  });
  expect(next).toBe(lastRow + 1); // covers every row exactly once
  return chunks;
}

describe('rowsPerChunk', () => {
  it('divides the cell budget by the column count, at least one row', () => {
    expect(rowsPerChunk(10)).toBe(DEFAULT_CELL_BUDGET / 10);
    expect(rowsPerChunk(200)).toBe(DEFAULT_CELL_BUDGET / 200);
    expect(rowsPerChunk(3, 10)).toBe(3);
    expect(rowsPerChunk(18_278, 1000)).toBe(1);
    expect(rowsPerChunk(0)).toBe(DEFAULT_CELL_BUDGET);
  });
});

describe('planChunks', () => {
  it('sizes chunks from the cell budget: 10 columns and 200 columns get similar cells per request', () => {
    const narrow = checkPlan(range({ rowCount: 1_000_000, columnCount: 10 }));
    const wide = checkPlan(range({ rowCount: 1_000_000, columnCount: 200 }));
    const cells = (c: Chunk, cols: number) => c.rows * cols;
    const narrowSteady = narrow[1] as Chunk;
    const wideSteady = wide[1] as Chunk;
    expect(narrowSteady.rows).toBeGreaterThan(wideSteady.rows * 10);
    const ratio = cells(narrowSteady, 10) / cells(wideSteady, 200);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
    for (const c of [...narrow.slice(0, -1), ...wide.slice(0, -1)]) {
      const cols = narrow.includes(c) ? 10 : 200;
      expect(cells(c, cols)).toBeLessThanOrEqual(DEFAULT_CELL_BUDGET);
    }
  });

  it('makes the first chunk the width sample, so rows come out sooner', () => {
    const chunks = checkPlan(range({ rowCount: 100_000, columnCount: 10 }));
    expect(chunks[0]?.rows).toBe(SAMPLE);
    expect(chunks[1]?.rows).toBe(DEFAULT_CELL_BUDGET / 10);
    expect((chunks[0] as Chunk).rows).toBeLessThan((chunks[1] as Chunk).rows);
  });

  it('a custom cell budget smaller than the first-chunk budget keeps every chunk within it', () => {
    const chunks = checkPlan(range({ rowCount: 1000, columnCount: 10 }), { cellBudget: 100 });
    expect(chunks.every((c) => c.rows <= 10)).toBe(true);
  });

  it('--chunk-rows overrides the budget, the first chunk included', () => {
    const chunks = checkPlan(range({ rowCount: 1000, columnCount: 200 }), { chunkRows: 300 });
    expect(chunks.map((c) => c.rows)).toEqual([300, 300, 300, 100]);
    expect(chunks.map((c) => c.firstRow)).toEqual([1, 301, 601, 901]);
    expect(chunks[0]?.a1).toBe("'Data'!A1:GR300");
  });

  it('starts at the range, not the grid, and spans only the range columns', () => {
    const chunks = checkPlan(range({ firstRow: 5, lastRow: 24, firstCol: 3, lastCol: 4, title: "Q1 '24" }), { chunkRows: 10 });
    expect(chunks.map((c) => c.a1)).toEqual(["'Q1 ''24'!C5:D14", "'Q1 ''24'!C15:D24"]);
  });

  it('clips to maxRows from the range start (--limit)', () => {
    const chunks = checkPlan(range({ firstRow: 5, rowCount: 1000 }), { chunkRows: 100, maxRows: 250 });
    expect(chunks.map((c) => [c.firstRow, c.rows])).toEqual([
      [5, 100],
      [105, 100],
      [205, 50],
    ]);
    // maxRows larger than the range changes nothing.
    expect(checkPlan(range({ rowCount: 30 }), { chunkRows: 20, maxRows: 1000 }).map((c) => c.rows)).toEqual([20, 10]);
  });

  it('yields nothing for an empty range (starts past the grid, or no columns)', () => {
    expect(checkPlan(range({ firstRow: 1001, lastRow: 1000 }))).toEqual([]);
    expect(checkPlan(range({ firstCol: 27, lastCol: 26 }))).toEqual([]);
    expect(checkPlan(range(), { maxRows: 0 })).toEqual([]);
  });

  it('is lazy: the first chunks of a 10 M-row plan come without building the rest', () => {
    const plan = planChunks(range({ rowCount: 10_000_000, columnCount: 1 }), { chunkRows: 1 });
    const first = [plan.next().value, plan.next().value] as Chunk[];
    expect(first.map((c) => c.firstRow)).toEqual([1, 2]);
    plan.return(undefined);
  });

  it('property: for random ranges and chunk sizes the chunks tile the range exactly, in order, within the grid', () => {
    const arb = fc
      .record({
        rowCount: fc.integer({ min: 1, max: 5000 }),
        columnCount: fc.integer({ min: 1, max: 300 }),
        a: fc.integer({ min: 1, max: 6000 }),
        b: fc.integer({ min: 1, max: 6000 }),
        c: fc.integer({ min: 1, max: 300 }),
        d: fc.integer({ min: 1, max: 300 }),
        chunkRows: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }),
        cellBudget: fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }),
        maxRows: fc.option(fc.integer({ min: 0, max: 6000 }), { nil: undefined }),
      })
      .map(({ rowCount, columnCount, a, b, c, d, ...options }) => {
        // As resolveRange builds it: the start as given, the end clipped to the grid.
        const firstRow = Math.min(a, b);
        const firstCol = Math.min(c, d);
        const r = range({
          rowCount,
          columnCount,
          firstRow,
          lastRow: Math.min(Math.max(a, b), rowCount),
          firstCol,
          lastCol: Math.min(Math.max(c, d), columnCount),
        });
        return { r, options };
      });
    fc.assert(
      fc.property(arb, ({ r, options }) => {
        const chunks = checkPlan(r, options);
        if (options.chunkRows !== undefined) {
          expect(chunks.slice(0, -1).every((c) => c.rows === options.chunkRows)).toBe(true);
        } else {
          const cols = r.lastCol - r.firstCol + 1;
          const budget = Math.max(options.cellBudget ?? DEFAULT_CELL_BUDGET, cols);
          expect(chunks.every((c) => c.rows * cols <= budget)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('chunkA1 formats any row span over the range columns', () => {
    expect(chunkA1(range({ firstCol: 27, lastCol: 18_278, columnCount: 18_278 }), 10, 20)).toBe("'Data'!AA10:ZZZ20");
  });
});

describe('a range that fits one request', () => {
  it('is one chunk, without the small first request', () => {
    const r = range({ rowCount: 1000, columnCount: 26 });
    expect([...planChunks(r)].map((c) => c.rows)).toEqual([1000]);
  });
  it('a range just over one request starts with the small first chunk', () => {
    const columns = 10;
    const steady = rowsPerChunk(columns);
    const r = range({ rowCount: steady + 1, columnCount: columns });
    const rows = [...planChunks(r)].map((c) => c.rows);
    expect(rows[0]).toBe(SAMPLE);
    expect(rows.reduce((a, b) => a + b, 0)).toBe(steady + 1);
  });
});

describe('rowSpans from a later row', () => {
  it('continues after an early first part at the steady size', () => {
    const r = range({ rowCount: 40_000, columnCount: 10 });
    const spans = [...rowSpans(r, 0, { firstRows: SAMPLE }, 1001)];
    expect(spans[0]).toEqual({ target: 0, first: 1001, last: 16_000 });
    expect(spans.at(-1)?.last).toBe(40_000);
  });
});

describe('planRequests', () => {
  const small = (title: string, rows = 20, cols = 5) => range({ title, rowCount: rows, columnCount: cols });

  it('packs ranges that fit the budget into batches, in order, and chunks a large one', () => {
    const ranges = [small('A'), small('B'), range({ title: 'Big', rowCount: 100_000, columnCount: 10 }), small('C'), small('D')];
    const planned = [...planRequests(ranges, { firstRows: SAMPLE })];
    expect(planned[0]).toEqual({
      kind: 'batch',
      spans: [
        { target: 0, first: 1, last: 20 },
        { target: 1, first: 1, last: 20 },
      ],
    });
    const big = planned.filter((p): p is Extract<PlannedRequest, { kind: 'values' }> => p.kind === 'values' && p.span.target === 2);
    expect(big[0]?.span).toEqual({ target: 2, first: 1, last: SAMPLE });
    expect(big.at(-1)?.span.last).toBe(100_000);
    expect(planned.at(-1)).toEqual({
      kind: 'batch',
      spans: [
        { target: 3, first: 1, last: 20 },
        { target: 4, first: 1, last: 20 },
      ],
    });
  });

  it('30 small tabs of a default grid (1000 × 26) take two requests', () => {
    const ranges = Array.from({ length: 30 }, (_, i) => range({ title: `T${i}` }));
    const planned = [...planRequests(ranges)];
    expect(planned.length).toBeLessThanOrEqual(3);
    expect(planned.flatMap((p) => (p.kind === 'batch' ? p.spans : [p.span])).map((s) => s.target)).toEqual(ranges.map((_, i) => i));
  });

  it('a lone small range is a values request, and empty ranges are left out', () => {
    expect([...planRequests([small('A'), range({ firstRow: 1001, lastRow: 1000 })])]).toEqual([
      { kind: 'values', span: { target: 0, first: 1, last: 20 } },
    ]);
  });

  it('property: every range is covered exactly once, batches stay within their limits', () => {
    const arb = fc.array(fc.record({ rows: fc.integer({ min: 1, max: 40_000 }), cols: fc.integer({ min: 1, max: 60 }) }), {
      minLength: 1,
      maxLength: 120,
    });
    fc.assert(
      fc.property(arb, fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }), (shapes, chunkRows) => {
        const ranges = shapes.map((s, i) => range({ title: `T${i}`, rowCount: s.rows, columnCount: s.cols }));
        const covered = ranges.map(() => 0);
        let last = ranges.map(() => 0);
        for (const p of planRequests(ranges, { chunkRows, firstRows: SAMPLE })) {
          const spans: Span[] = p.kind === 'batch' ? p.spans : [p.span];
          if (p.kind === 'batch') {
            expect(spans.length).toBeGreaterThan(1);
            expect(spans.length).toBeLessThanOrEqual(BATCH_RANGES);
            expect(spans.reduce((n, s) => n + (s.last - s.first + 1) * (ranges[s.target]?.lastCol ?? 0), 0)).toBeLessThanOrEqual(
              BATCH_CELLS,
            );
          }
          for (const s of spans) {
            expect(s.first).toBe(last[s.target]! + 1);
            covered[s.target]! += s.last - s.first + 1;
            last = last.map((v, i) => (i === s.target ? s.last : v));
          }
        }
        expect(covered).toEqual(ranges.map((r) => r.lastRow));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the early read', () => {
  it('names the first rows of a range on a named tab, a bare name, or the first tab', () => {
    expect(earlySpan(parseA1('Orders'), undefined, SAMPLE)).toEqual({
      sheet: 'Orders',
      firstRow: 1,
      lastRow: SAMPLE,
      firstCol: 1,
      lastCol: undefined,
    });
    expect(earlySpan(parseA1("'Q1 ''24'!B5:D"), undefined, SAMPLE)).toEqual({
      sheet: "Q1 '24",
      firstRow: 5,
      lastRow: 5 + SAMPLE - 1,
      firstCol: 2,
      lastCol: 4,
    });
    expect(earlySpan(undefined, undefined, SAMPLE)).toEqual({
      sheet: undefined,
      firstRow: 1,
      lastRow: SAMPLE,
      firstCol: 1,
      lastCol: undefined,
    });
    expect(earlySpan(parseA1('A2:F10'), undefined, SAMPLE)).toEqual({
      sheet: undefined,
      firstRow: 2,
      lastRow: 10,
      firstCol: 1,
      lastCol: 6,
    });
  });

  it('is not possible for a gid tab, and no larger than the sample on the first tab', () => {
    expect(earlySpan(undefined, 123, SAMPLE)).toBeUndefined();
    expect(earlySpan(undefined, undefined, SAMPLE, { chunkRows: 5000 })).toBeUndefined();
    expect(earlySpan(parseA1('Data'), undefined, SAMPLE, { chunkRows: 5000 })?.lastRow).toBe(5000);
    expect(earlySpan(parseA1('Data'), undefined, SAMPLE, { maxRows: 4 })?.lastRow).toBe(4);
  });

  it('is kept only when it is the start of the resolved range', () => {
    const r = range({ title: 'Orders', rowCount: 5000, columnCount: 8 });
    const early = earlySpan(parseA1('Orders'), undefined, SAMPLE)!;
    expect(earlyMatches(early, r, DEFAULT_CELL_BUDGET)).toBe(true);
    expect(earlyMatches(early, { ...r, sheet: { ...r.sheet, title: 'Other' } }, DEFAULT_CELL_BUDGET)).toBe(false);
    expect(earlyMatches(early, { ...r, firstRow: 2 }, DEFAULT_CELL_BUDGET)).toBe(false);
    expect(earlyMatches(early, { ...r, colsNamed: true }, DEFAULT_CELL_BUDGET)).toBe(false);
    expect(earlyMatches(early, { ...r, firstRow: 6000, lastRow: 5999 }, DEFAULT_CELL_BUDGET)).toBe(false);
    // A very wide tab: the sample's rows would be far more than a request's worth of cells.
    expect(earlyMatches(early, range({ title: 'Orders', rowCount: 500, columnCount: 18_278 }), DEFAULT_CELL_BUDGET)).toBe(false);
  });

  it("reads the tab from the answer's echo", () => {
    expect(echoedSheet('Sheet1!A1:Z1000')).toBe('Sheet1');
    expect(echoedSheet("'It''s'!A1:B2")).toBe("It's");
    expect(echoedSheet(undefined)).toBeUndefined();
  });
});
