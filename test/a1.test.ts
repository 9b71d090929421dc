import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type A1,
  type A1Point,
  type A1Range,
  MAX_COLUMN,
  MAX_ROW,
  columnToLetters,
  formatA1,
  lettersToColumn,
  parseA1,
  quoteSheetName,
  sheetPrefix,
} from '../src/sheet/a1.js';
import { UsageError } from '../src/shared/errors.js';
import { usageMessage } from './support/usage.js';

describe('columnToLetters / lettersToColumn', () => {
  it('maps the landmarks', () => {
    const table: [number, string][] = [
      [1, 'A'],
      [2, 'B'],
      [26, 'Z'],
      [27, 'AA'],
      [52, 'AZ'],
      [53, 'BA'],
      [702, 'ZZ'],
      [703, 'AAA'],
      [18_278, 'ZZZ'],
    ];
    for (const [n, letters] of table) {
      expect(columnToLetters(n)).toBe(letters);
      expect(lettersToColumn(letters)).toBe(n);
    }
    expect(MAX_COLUMN).toBe(18_278);
  });

  it('round-trips every column 1..18278 (exhaustive) and letters are strictly increasing', () => {
    let previous = '';
    for (let n = 1; n <= MAX_COLUMN; n++) {
      const letters = columnToLetters(n);
      expect(letters).toMatch(/^[A-Z]{1,3}$/);
      if (lettersToColumn(letters) !== n) throw new Error(`column ${n} → ${letters} → ${lettersToColumn(letters)}`);
      // Shorter strings first, then alphabetical: the spreadsheet's column order.
      const ordered = letters.length > previous.length || (letters.length === previous.length && letters > previous);
      if (!ordered) throw new Error(`${previous} then ${letters} is out of order`);
      previous = letters;
    }
    expect(previous).toBe('ZZZ');
  });

  it('reads letters case-insensitively', () => {
    expect(lettersToColumn('zzz')).toBe(18_278);
    expect(lettersToColumn('aA')).toBe(27);
  });

  it('refuses a column that is not a positive integer, and letters that are not A-Z', () => {
    expect(() => columnToLetters(0)).toThrow(RangeError);
    expect(() => columnToLetters(-1)).toThrow(RangeError);
    expect(() => columnToLetters(1.5)).toThrow(RangeError);
    expect(() => lettersToColumn('A1')).toThrow(RangeError);
    expect(() => lettersToColumn('É')).toThrow(RangeError);
  });
});

describe('quoteSheetName', () => {
  it('always quotes, doubling inner quotes', () => {
    expect(quoteSheetName('Sheet1')).toBe("'Sheet1'");
    expect(quoteSheetName('CRM26')).toBe("'CRM26'");
    expect(quoteSheetName("Q1 '24")).toBe("'Q1 ''24'");
    expect(quoteSheetName("''")).toBe("''''''");
  });
});

describe('sheetPrefix', () => {
  it('leaves a plain name bare and quotes anything that could be misread', () => {
    expect(sheetPrefix('Data')).toBe('Data');
    expect(sheetPrefix('Sales_2024')).toBe('Sales_2024');
    expect(sheetPrefix('_x')).toBe('_x');
    for (const [title, quoted] of [
      ['My Data', "'My Data'"],
      ['Q2', "'Q2'"],
      ['fy24', "'fy24'"],
      ['R1C1', "'R1C1'"],
      ['rc', "'rc'"],
      ['2024', "'2024'"],
      ["It's", "'It''s'"],
      ['a!b', "'a!b'"],
      ['Émile', "'Émile'"],
    ]) {
      expect(sheetPrefix(title as string)).toBe(quoted);
    }
  });

  it('every spelling it gives, followed by !A1, parses back to that tab', () => {
    fc.assert(
      fc.property(titleArb, (title) => {
        expect(parseA1(`${sheetPrefix(title)}!A1`)).toStrictEqual({
          kind: 'range',
          sheet: title,
          start: { col: 1, row: 1 },
          end: { col: 1, row: 1 },
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseA1: every documented form', () => {
  const table: [string, A1][] = [
    ['Sheet1!A1:Z100000', { kind: 'range', sheet: 'Sheet1', start: { col: 1, row: 1 }, end: { col: 26, row: 100_000 } }],
    ["'Q1 ''24'!B:D", { kind: 'range', sheet: "Q1 '24", start: { col: 2 }, end: { col: 4 } }],
    ['A2:F', { kind: 'range', start: { col: 1, row: 2 }, end: { col: 6 }, text: 'A2:F' }],
    ["'Sheet1'", { kind: 'range', sheet: 'Sheet1' }],
    ["'Sheet1'!", { kind: 'range', sheet: 'Sheet1' }],
    ['Sheet1!', { kind: 'range', sheet: 'Sheet1' }],
    ['5:100', { kind: 'range', start: { row: 5 }, end: { row: 100 }, text: '5:100' }],
    ['B:B', { kind: 'range', start: { col: 2 }, end: { col: 2 }, text: 'B:B' }],
    ['A1', { kind: 'range', start: { col: 1, row: 1 }, end: { col: 1, row: 1 }, text: 'A1' }],
    ['a1:c3', { kind: 'range', start: { col: 1, row: 1 }, end: { col: 3, row: 3 }, text: 'a1:c3' }],
    ['Data!ZZZ1:ZZZ2', { kind: 'range', sheet: 'Data', start: { col: 18_278, row: 1 }, end: { col: 18_278, row: 2 } }],
    ['A1:A10000000', { kind: 'range', start: { col: 1, row: 1 }, end: { col: 1, row: 10_000_000 }, text: 'A1:A10000000' }],
    ["'CRM26'!A1", { kind: 'range', sheet: 'CRM26', start: { col: 1, row: 1 }, end: { col: 1, row: 1 } }],
    ["'a!b'!C3", { kind: 'range', sheet: 'a!b', start: { col: 3, row: 3 }, end: { col: 3, row: 3 } }],
    ['My Tab!B2:C', { kind: 'range', sheet: 'My Tab', start: { col: 2, row: 2 }, end: { col: 3 } }],
    // Unquoted, the cells follow the last "!": a tab name may hold one.
    ['My!Tab!B2:C3', { kind: 'range', sheet: 'My!Tab', start: { col: 2, row: 2 }, end: { col: 3, row: 3 } }],
    // Cells with no tab keep their text (trimmed): it may also be a tab's title.
    ['  A1:B2  ', { kind: 'range', start: { col: 1, row: 1 }, end: { col: 2, row: 2 }, text: 'A1:B2' }],
    ['FY24', { kind: 'range', start: { col: 181, row: 24 }, end: { col: 181, row: 24 }, text: 'FY24' }],
  ];
  it.each(table)('%s', (text, expected) => {
    expect(parseA1(text)).toStrictEqual(expected);
  });

  it('reads a bare word that is not a cell as a name (tab or named range)', () => {
    expect(parseA1('Sheet1')).toStrictEqual({ kind: 'name', name: 'Sheet1' });
    expect(parseA1('Orders')).toStrictEqual({ kind: 'name', name: 'Orders' });
    expect(parseA1('Sales_2024')).toStrictEqual({ kind: 'name', name: 'Sales_2024' });
    expect(parseA1('My Range')).toStrictEqual({ kind: 'name', name: 'My Range' });
    // A lone column or row would otherwise be ambiguous: it is a name, not a range.
    expect(parseA1('B')).toStrictEqual({ kind: 'name', name: 'B' });
    expect(parseA1('ZZZ')).toStrictEqual({ kind: 'name', name: 'ZZZ' });
  });

  it('normalises reversed ranges as the API does', () => {
    expect(parseA1('B5:A1')).toStrictEqual({ kind: 'range', start: { col: 1, row: 1 }, end: { col: 2, row: 5 }, text: 'B5:A1' });
    expect(parseA1('D:B')).toStrictEqual({ kind: 'range', start: { col: 2 }, end: { col: 4 }, text: 'D:B' });
    expect(parseA1('100:5')).toStrictEqual({ kind: 'range', start: { row: 5 }, end: { row: 100 }, text: '100:5' });
    expect(parseA1('A5:C1')).toStrictEqual({ kind: 'range', start: { col: 1, row: 1 }, end: { col: 3, row: 5 }, text: 'A5:C1' });
    expect(parseA1('C1:A5')).toStrictEqual({ kind: 'range', start: { col: 1, row: 1 }, end: { col: 3, row: 5 }, text: 'C1:A5' });
    expect(parseA1("'S'!F10:B")).toStrictEqual({ kind: 'range', sheet: 'S', start: { col: 2, row: 10 }, end: { col: 6 } });
  });
});

describe('parseA1: refusals', () => {
  it('accepts ZZZ and refuses AAAA (past the last column) in every cell position', () => {
    expect(parseA1('ZZZ1:ZZZ1')).toMatchObject({ start: { col: 18_278 } });
    for (const text of ['A1:AAAA5', 'AAAA1:B2', 'AAAA:AAAA', 'Sheet1!AAAA1', "'Sheet1'!AAAA1", 'A:AAAA']) {
      usageMessage(() => parseA1(text));
    }
  });

  it('refuses rows above 10,000,000 and row 0', () => {
    expect(MAX_ROW).toBe(10_000_000);
    for (const text of [
      'A10000001',
      'A1:B10000001',
      '10000001:10000002',
      '1:10000001',
      'Sheet1!A10000001:B',
      'A0',
      '0:5',
      'A99999999999999999999',
    ]) {
      const message = usageMessage(() => parseA1(text));
      expect(message).toContain('bad range');
    }
  });

  it('refuses malformed ranges with a one-line message that shows the input', () => {
    const cases = [
      '',
      '   ',
      'A1:B2:C3',
      'A1:',
      ':B2',
      ':',
      'A:B5',
      '5:B',
      'B:5',
      "'unterminated",
      "'Sheet1'A1",
      "''!A1",
      '!A1',
      "It's!A1",
      "It's",
      'Sheet1!foo',
      'Sheet1!A1:B2:C3',
      'A1:B-2',
      'food:bar',
      'foo:bar1',
      '$:$',
    ];
    for (const text of cases) {
      const message = usageMessage(() => parseA1(text));
      expect(message.startsWith('bad range')).toBe(true);
      if (text.trim() !== '') expect(message).toContain(text.trim().slice(0, 20));
    }
  });

  it('shortens a very long input in the message', () => {
    const text = `${'x'.repeat(500)}!A1:B`;
    const message = usageMessage(() => parseA1(`${text}:C`));
    expect(message.length).toBeLessThan(300);
  });

  it('refuses control characters, and the message stays one line even when the input holds CR/LF', () => {
    for (const text of ['A1\nB2', 'Sheet1\n!A1', "'a\nb'!A1", 'A1:\rB2', 'Tab\u0007', ' \n ']) {
      usageMessage(() => parseA1(text));
    }
  });
});

describe('formatA1', () => {
  it('always quotes the tab and writes both corners', () => {
    expect(formatA1({ kind: 'range', sheet: 'Sheet1', start: { col: 1, row: 1 }, end: { col: 26, row: 100 } })).toBe("'Sheet1'!A1:Z100");
    expect(formatA1({ kind: 'range', sheet: "Q1 '24", start: { col: 2 }, end: { col: 4 } })).toBe("'Q1 ''24'!B:D");
    expect(formatA1({ kind: 'range', start: { row: 5 }, end: { row: 100 } })).toBe('5:100');
    expect(formatA1({ kind: 'range', sheet: 'Sheet1' })).toBe("'Sheet1'");
    expect(formatA1({ kind: 'name', name: 'Orders' })).toBe('Orders');
  });
});

// ---------- property tests ----------

const NO_CONTROL = (s: string) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20);

/** Tab titles: arbitrary unicode, biased towards the characters that matter to A1 quoting. */
const titleArb = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    fc.string({
      unit: fc.oneof(
        fc.constantFrom("'", "''", '!', ' ', ':', '$', 'A', 'Z', '1', '9', '_', 'é', '😀', '"', '\u00a0'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      minLength: 1,
      maxLength: 40,
    }),
    fc.string({ unit: 'grapheme-ascii', minLength: 100, maxLength: 300 }),
    fc.constantFrom('Sheet1', 'CRM26', 'A1', 'ZZZ', "Q1 '24", '!', "'", ' ', "It's!A1:B2"),
  )
  .filter(NO_CONTROL);

const colArb = fc.oneof(fc.integer({ min: 1, max: MAX_COLUMN }), fc.constantFrom(1, 26, 27, 702, 703, MAX_COLUMN));
const rowArb = fc.oneof(fc.integer({ min: 1, max: MAX_ROW }), fc.constantFrom(1, 2, 1000, MAX_ROW));

function ordered(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}

/** Valid, normalised cell parts: cell:cell, cell:col, cell:row, col:col, row:row. */
const cellsArb: fc.Arbitrary<{ start: A1Point; end: A1Point }> = fc.oneof(
  fc.tuple(colArb, rowArb, colArb, rowArb).map(([c1, r1, c2, r2]) => {
    const [a, b] = ordered(c1, c2);
    const [x, y] = ordered(r1, r2);
    return { start: { col: a, row: x }, end: { col: b, row: y } };
  }),
  fc.tuple(colArb, rowArb, colArb).map(([c1, r, c2]) => {
    const [a, b] = ordered(c1, c2);
    return { start: { col: a, row: r }, end: { col: b } };
  }),
  fc.tuple(colArb, rowArb, rowArb).map(([c, r1, r2]) => {
    const [x, y] = ordered(r1, r2);
    return { start: { col: c, row: x }, end: { row: y } };
  }),
  fc.tuple(colArb, colArb).map(([c1, c2]) => {
    const [a, b] = ordered(c1, c2);
    return { start: { col: a }, end: { col: b } };
  }),
  fc.tuple(rowArb, rowArb).map(([r1, r2]) => {
    const [x, y] = ordered(r1, r2);
    return { start: { row: x }, end: { row: y } };
  }),
);

const rangeArb: fc.Arbitrary<A1Range> = fc.oneof(
  titleArb.map((sheet): A1Range => ({ kind: 'range', sheet })),
  fc.tuple(titleArb, cellsArb).map(([sheet, cells]): A1Range => ({ kind: 'range', sheet, ...cells })),
  cellsArb.map((cells): A1Range => ({ kind: 'range', ...cells })),
);

/** parseA1 must either return a value stable under formatA1 → parseA1, or throw a one-line UsageError. */
function parsesCleanly(text: string): void {
  let value: A1;
  try {
    value = parseA1(text);
  } catch (error) {
    if (!(error instanceof UsageError)) throw new Error(`parseA1(${JSON.stringify(text)}) threw ${String(error)}`, { cause: error });
    if (/[\r\n]/.test(error.message)) {
      throw new Error(`parseA1(${JSON.stringify(text)}) gave a multi-line message: ${JSON.stringify(error.message)}`, { cause: error });
    }
    return;
  }
  const again = parseA1(formatA1(value));
  expect(again).toStrictEqual(withFormattedText(value));
}

/** What parseA1(formatA1(a1)) gives: the same, with the formatted text when there is no tab. */
function withFormattedText(a1: A1): A1 {
  return a1.kind === 'range' && a1.sheet === undefined && a1.start !== undefined ? { ...a1, text: formatA1(a1) } : a1;
}

const FRAGMENTS = [
  'Sheet1',
  "'",
  "''",
  '!',
  ':',
  'A',
  'B',
  'Z',
  'ZZZ',
  'AAAA',
  'a',
  'zz',
  '1',
  '0',
  '5',
  '100',
  '10000000',
  '10000001',
  '99999999999999999999',
  ' ',
  '\t',
  '\n',
  '$',
  "Q1 ''24",
  'é',
  '😀',
  '-',
  '.',
  '"',
  '#',
  '\u0000',
  '\u2028',
];

describe('parseA1 / formatA1 properties', () => {
  it('parseA1(formatA1(r)) deep-equals r for arbitrary ranges', () => {
    fc.assert(
      fc.property(rangeArb, (range) => {
        expect(parseA1(formatA1(range))).toStrictEqual(withFormattedText(range));
      }),
      { numRuns: 3000 },
    );
  });

  // Fuzz budget: the three properties below generate 4,000 + 4,000 + 4,000 = 12,000 strings
  // (≥ 10,000 required), on top of the 3,000 generated ranges above.
  it('fuzz: arbitrary unicode strings parse cleanly or fail with a one-line UsageError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 })), parsesCleanly),
      { numRuns: 4000 },
    );
  });

  it('fuzz: strings built from A1 fragments parse cleanly or fail with a one-line UsageError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 10 }).map((parts) => parts.join('')),
        parsesCleanly,
      ),
      { numRuns: 4000 },
    );
  });

  it('fuzz: mutated valid ranges parse cleanly or fail with a one-line UsageError', () => {
    const mutated = fc
      .tuple(
        rangeArb.map((r) => formatA1(r)),
        fc.nat(),
        fc.constantFrom(...FRAGMENTS),
        fc.boolean(),
      )
      .map(([text, at, fragment, replace]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + fragment + text.slice(replace ? i + 1 : i);
      });
    fc.assert(fc.property(mutated, parsesCleanly), { numRuns: 4000 });
  });
});
