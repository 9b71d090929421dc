import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Cell, type ChunkRows, type Row, joinRows, rowBatches, rowsOfAnswer } from '../src/rows.js';
import type { Chunk } from '../src/plan.js';
import { HttpFailure } from '../src/google/failure.js';
import { classify } from '../src/fetch/retry.js';

function chunk(index: number, firstRow: number, rows: number): Chunk {
  return { index, a1: `'S'!A${firstRow}:C${firstRow + rows - 1}`, firstRow, rows };
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function collect(chunks: ChunkRows[]): Promise<{ batches: Row[][]; rows: Row[] }> {
  const batches: Row[][] = [];
  for await (const batch of rowBatches(fromArray(chunks))) batches.push(batch);
  return { batches, rows: batches.flat() };
}

function malformedFailure(fn: () => unknown): HttpFailure {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(HttpFailure);
  const failure = (thrown as HttpFailure).failure;
  expect(failure.malformed).toBe(true);
  // The fetch layer retries it as a malformed answer.
  expect(classify(failure)).toEqual({ kind: 'malformed', retryable: true });
  return thrown as HttpFailure;
}

describe('rowsOfAnswer', () => {
  const c = chunk(0, 11, 3);

  it('returns the values of a well-formed answer', () => {
    const values = [['a', 1, true], [], ['', 'x']];
    expect(rowsOfAnswer({ range: "'S'!A11:C13", majorDimension: 'ROWS', values }, c)).toEqual(values);
  });

  it('accepts a missing values key (an all-empty range) as no rows', () => {
    expect(rowsOfAnswer({ range: "'S'!A11:C13", majorDimension: 'ROWS' }, c)).toEqual([]);
  });

  it('rejects a body that is not an object', () => {
    for (const body of [null, undefined, 'text', 42, true, [['a']]]) malformedFailure(() => rowsOfAnswer(body, c));
  });

  it('rejects a body without a range', () => {
    malformedFailure(() => rowsOfAnswer({ values: [['a']] }, c));
    malformedFailure(() => rowsOfAnswer({ range: 5, values: [['a']] }, c));
  });

  it('rejects values that are not an array', () => {
    for (const values of ['a', 1, { 0: ['a'] }, null]) malformedFailure(() => rowsOfAnswer({ range: 'x', values }, c));
  });

  it('rejects a row that is not an array, naming its sheet row', () => {
    const e = malformedFailure(() => rowsOfAnswer({ range: 'x', values: [['a'], 'b'] }, c));
    expect(e.message).toContain('12');
    malformedFailure(() => rowsOfAnswer({ range: 'x', values: [null] }, c));
  });

  it('rejects a non-scalar cell', () => {
    for (const cell of [null, { v: 1 }, ['nested']]) malformedFailure(() => rowsOfAnswer({ range: 'x', values: [['ok', cell]] }, c));
  });

  it('rejects more rows than were asked for', () => {
    const e = malformedFailure(() => rowsOfAnswer({ range: 'x', values: [['a'], ['b'], ['c'], ['d']] }, c));
    expect(e.message).toContain('4');
  });
});

describe('rowBatches', () => {
  it('passes full chunks straight through, in order', async () => {
    const { rows } = await collect([
      { chunk: chunk(0, 1, 2), rows: [['a'], ['b']] },
      { chunk: chunk(1, 3, 2), rows: [['c'], ['d']] },
    ]);
    expect(rows).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('holds empty rows at a chunk end and releases them before later data', async () => {
    const { batches } = await collect([
      { chunk: chunk(0, 1, 4), rows: [['a'], ['b']] }, // rows 3-4 empty, dropped by the API
      { chunk: chunk(1, 5, 4), rows: [['e']] },
    ]);
    expect(batches).toEqual([[['a'], ['b']], [[], [], ['e']]]);
  });

  it('keeps empty rows inside an answer as []', async () => {
    const { rows } = await collect([{ chunk: chunk(0, 1, 3), rows: [['a'], [], ['c']] }]);
    expect(rows).toEqual([['a'], [], ['c']]);
  });

  it('drops trailing empty rows of the whole range', async () => {
    const { rows } = await collect([
      { chunk: chunk(0, 1, 3), rows: [['a']] },
      { chunk: chunk(1, 4, 3), rows: [] },
      { chunk: chunk(2, 7, 3), rows: [] },
    ]);
    expect(rows).toEqual([['a']]);
  });

  it('never stops at an empty chunk: data after empty chunks comes out with its empty rows', async () => {
    const { batches, rows } = await collect([
      { chunk: chunk(0, 1, 2), rows: [] },
      { chunk: chunk(1, 3, 2), rows: [] },
      { chunk: chunk(2, 5, 2), rows: [['x']] },
      { chunk: chunk(3, 7, 2), rows: [] },
      { chunk: chunk(4, 9, 2), rows: [['', 'y']] },
    ]);
    expect(rows).toEqual([[], [], [], [], ['x'], [], [], [], ['', 'y']]);
    expect(batches.every((b) => b.length > 0)).toBe(true);
  });

  it('yields nothing for an empty range', async () => {
    expect((await collect([])).batches).toEqual([]);
    expect((await collect([{ chunk: chunk(0, 1, 5), rows: [] }])).batches).toEqual([]);
  });

  it('pulls lazily: the next chunk is not read before the consumer asks', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<ChunkRows> {
      for (let i = 0; i < 1000; i++) {
        pulled += 1;
        yield { chunk: chunk(i, i * 2 + 1, 2), rows: [[`r${i}`]] };
      }
    }
    const it = rowBatches(source());
    expect((await it.next()).value).toEqual([['r0']]);
    expect(pulled).toBe(1);
    await it.return(undefined);
  });
});

// ---------- fidelity property ----------

/** A sheet of rows; '' is an empty cell. Numbers and booleans are never empty. */
const cellArb: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom('a,b', 'say "hi"', 'line\nbreak', 'tab\there', 'é😀', ' ') },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) },
  { weight: 1, arbitrary: fc.boolean() },
);
const sheetRowArb = fc.oneof({ weight: 1, arbitrary: fc.constant<Cell[]>([]) }, { weight: 1, arbitrary: fc.array(fc.constant<Cell>(''), { maxLength: 4 }) }, { weight: 4, arbitrary: fc.array(cellArb, { maxLength: 6 }) });

/** What values.get answers for sheet rows [from, to] (0-based, inclusive): trailing empties dropped. */
function apiAnswer(sheet: Cell[][], from: number, to: number): Row[] {
  const rows: Row[] = [];
  for (let r = from; r <= to; r++) {
    const row = [...(sheet[r] ?? [])];
    while (row.length > 0 && row[row.length - 1] === '') row.pop();
    rows.push(row);
  }
  while (rows.length > 0 && (rows[rows.length - 1] as Row).length === 0) rows.pop();
  return rows;
}

/** Serves the body values.get would give: no values key when there are no rows. */
function body(rows: Row[], a1: string): unknown {
  return rows.length === 0 ? { range: a1, majorDimension: 'ROWS' } : { range: a1, majorDimension: 'ROWS', values: rows };
}

describe('fidelity property', () => {
  it('a random sheet split into random chunks and served with API semantics equals one unchunked read', async () => {
    const scenario = fc
      .record({
        sheet: fc.array(sheetRowArb, { maxLength: 40 }),
        extraGridRows: fc.integer({ min: 0, max: 10 }),
        start: fc.nat(),
        length: fc.nat(),
        sizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 20 }),
      })
      .map(({ sheet, extraGridRows, start, length, sizes }) => {
        const gridRows = Math.max(1, sheet.length + extraGridRows);
        const from = start % gridRows;
        const to = from + (length % (gridRows - from));
        return { sheet, from, to, sizes };
      });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ sheet, from, to, sizes }) => {
        const served: ChunkRows[] = [];
        let row = from;
        for (let i = 0; row <= to; i++) {
          const rows = Math.min(sizes[i % sizes.length] as number, to - row + 1);
          const c = chunk(i, row + 1, rows);
          served.push({ chunk: c, rows: rowsOfAnswer(body(apiAnswer(sheet, row, row + rows - 1), c.a1), c) });
          row += rows;
        }
        const { batches, rows } = await collect(served);
        expect(rows).toEqual(apiAnswer(sheet, from, to));
        expect(batches.every((b) => b.length > 0)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('joinRows', () => {
  it('restores the empty rows at the end of the first piece when the next has data', () => {
    expect(joinRows([['a']], 3, [['b']])).toEqual([['a'], [], [], ['b']]);
  });
  it('keeps trailing empty rows dropped when the next piece is empty', () => {
    expect(joinRows([['a']], 3, [])).toEqual([['a']]);
    expect(joinRows([], 3, [['b']])).toEqual([[], [], [], ['b']]);
  });
});
