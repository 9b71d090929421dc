import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Cell, Row } from '../src/rows.js';
import { csvFormatter } from '../src/format/csv.js';
import { tsvField, tsvFormatter } from '../src/format/tsv.js';
import { headerKeys, ndjsonFormatter } from '../src/format/ndjson.js';
import { createFormatter, formatTransform, type BatchFormatter } from '../src/format/formatter.js';
import { RowWidth } from '../src/format/width.js';

function run(formatter: BatchFormatter, batches: Row[][]): string {
  return batches.map((b) => formatter.format(b)).join('');
}

/** A strict RFC 4180 reader (LF records): quotes only around whole fields, "" inside them. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          quoted = false;
          const after = text[i + 1];
          if (after !== undefined && after !== ',' && after !== '\n') throw new Error(`text after a closing quote at ${i}`);
        }
      } else {
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field !== '' || wasQuoted) throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      wasQuoted = false;
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      wasQuoted = false;
    } else if (ch === '\r') {
      throw new Error(`bare CR outside quotes at ${i}`);
    } else {
      field += ch;
    }
  }
  if (quoted || field !== '' || row.length > 0) throw new Error('the last record is not terminated');
  return rows;
}

function unescapeTsv(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', r: '\r', n: '\n', '\\': '\\' })[c] ?? `\\${c}`);
}

function shown(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return String(cell);
}

describe('CSV', () => {
  it('quotes fields holding comma, quote, CR or LF, doubling inner quotes (RFC 4180)', () => {
    const out = run(csvFormatter(), [[['plain', 'a,b', 'say "hi"', 'cr\rhere', 'lf\nhere', 'crlf\r\nhere', '', ' spaced ']]]);
    expect(out).toBe('plain,"a,b","say ""hi""","cr\rhere","lf\nhere","crlf\r\nhere",, spaced \n');
  });

  it('writes booleans as TRUE/FALSE and numbers as JavaScript prints them', () => {
    expect(run(csvFormatter(), [[[true, false, 1, 1.5, -2, 0.1, 1e21]]])).toBe('TRUE,FALSE,1,1.5,-2,0.1,1e+21\n');
  });

  it('pads rows to the range width when the range names its last column', () => {
    expect(run(csvFormatter({ columns: 4 }), [[['a'], [], ['a', 'b', 'c', 'd']]])).toBe('a,,,\n,,,\na,b,c,d\n');
  });

  it('pads rows to the first row width otherwise, across batches', () => {
    expect(run(csvFormatter(), [[['h1', 'h2', 'h3'], ['x']], [['y', 'z'], []]])).toBe('h1,h2,h3\nx,,\ny,z,\n,,\n');
  });

  it('writes a wider row whole and warns once, naming the first such row', () => {
    const warnings: string[] = [];
    const f = csvFormatter({ columns: 2, firstRow: 10, onWideRow: (m) => warnings.push(m) });
    const out = run(f, [[['a', 'b'], ['a', 'b', 'c']], [['1', '2', '3', '4']]]);
    expect(out).toBe('a,b\na,b,c\n1,2,3,4\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('row 11');
    expect(warnings[0]).toContain('3 cells');
  });

  it('counts rows across batches to name the wide row', () => {
    const warnings: string[] = [];
    const f = csvFormatter({ onWideRow: (m) => warnings.push(m) });
    run(f, [[['a', 'b'], ['c']], [['d'], ['e', 'f', 'g']]]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('row 4');
  });

  it('an empty batch writes nothing', () => {
    expect(run(csvFormatter(), [[]])).toBe('');
  });

  it('property: every row reads back (strict RFC 4180 reader), padded to the width', () => {
    const cell: fc.Arbitrary<Cell> = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ unit: fc.constantFrom(',', '"', '\r', '\n', 'a', ' ', '\t', 'é'), maxLength: 8 }),
      fc.integer(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(fc.array(fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 6 }), { maxLength: 5 }), fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), (batches, columns) => {
        const out = run(csvFormatter({ columns }), batches);
        const rows = batches.flat();
        const width = columns ?? rows[0]?.length ?? 0;
        const expected = rows.map((row) => {
          const padded = Array.from({ length: Math.max(width, row.length) }, (_, c) => shown(row[c]));
          return padded.length === 0 ? [''] : padded; // a zero-width row is an empty line
        });
        expect(parseCsv(out)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('TSV', () => {
  it('escapes tab, CR, LF and backslash', () => {
    expect(tsvField('a\tb')).toBe('a\\tb');
    expect(tsvField('a\rb')).toBe('a\\rb');
    expect(tsvField('a\nb')).toBe('a\\nb');
    expect(tsvField('a\\b')).toBe('a\\\\b');
    expect(tsvField('\\n')).toBe('\\\\n');
    expect(tsvField('plain "quoted", commas')).toBe('plain "quoted", commas');
    expect(tsvField(true)).toBe('TRUE');
    expect(tsvField(false)).toBe('FALSE');
    expect(tsvField(2.5)).toBe('2.5');
    expect(tsvField(undefined)).toBe('');
  });

  it('writes one line per row, padded to the width, wide rows whole with one warning', () => {
    const warnings: string[] = [];
    const f = tsvFormatter({ columns: 3, onWideRow: (m) => warnings.push(m) });
    expect(run(f, [[['a'], ['x\ty', 'b\nc', true]], [['1', '2', '3', '4'], ['5', '6', '7', '8']]])).toBe('a\t\t\nx\\ty\tb\\nc\tTRUE\n1\t2\t3\t4\n5\t6\t7\t8\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('row 3');
  });

  it('pads to the first row width when the range does not name its last column', () => {
    expect(run(tsvFormatter(), [[['a', 'b', 'c'], []], [['d']]])).toBe('a\tb\tc\n\t\t\nd\t\t\n');
  });

  it('property: every line splits on tab and unescapes back to the row', () => {
    const cell: fc.Arbitrary<Cell> = fc.oneof(fc.string({ unit: fc.constantFrom('\t', '\r', '\n', '\\', 'n', 't', 'a', ',', '"'), maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.integer(), fc.boolean());
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 8 }), (rows) => {
        const out = run(tsvFormatter(), [rows]);
        const width = rows[0]?.length ?? 0;
        const lines = out.split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(rows.length);
        lines.forEach((line, r) => {
          const row = rows[r] as Row;
          expect(line.split('\t').map(unescapeTsv)).toEqual(Array.from({ length: Math.max(width, row.length) }, (_, c) => shown(row[c])));
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('headerKeys', () => {
  it('names an empty header by its column letter', () => {
    expect(headerKeys(['id', '', 'name'])).toEqual(['id', 'B', 'name']);
    expect(headerKeys(['', ''], 27)).toEqual(['AA', 'AB']);
  });

  it('suffixes repeats _2, _3, keeping every key unique', () => {
    expect(headerKeys(['name', 'name', 'name'])).toEqual(['name', 'name_2', 'name_3']);
    expect(headerKeys(['a', 'a', 'a_2'])).toEqual(['a', 'a_2', 'a_2_2']);
    expect(headerKeys(['', 'A'])).toEqual(['A', 'A_2']);
  });

  it('names cells past the header by column letter', () => {
    expect(headerKeys(['x'], 1, 2)).toEqual(['x', 'B', 'C']);
  });

  it('property: keys are unique and as many as the cells', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('', 'a', 'a_2', 'A', 'B', 'name'), fc.string()), { maxLength: 30 }), fc.integer({ min: 1, max: 100 }), fc.nat({ max: 5 }), (row, firstCol, extra) => {
        const keys = headerKeys(row, firstCol, extra);
        expect(keys).toHaveLength(row.length + extra);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('NDJSON', () => {
  const lines = (out: string) => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);

  it('objects keyed by the first row; missing cells are null', () => {
    const out = run(ndjsonFormatter(), [[['id', 'name', 'note'], ['1', 'Ann'], []]]);
    expect(out).toBe('{"id":"1","name":"Ann","note":null}\n{"id":null,"name":null,"note":null}\n');
  });

  it('the header row may arrive alone, in its own batch', () => {
    expect(lines(run(ndjsonFormatter(), [[['a', 'b']], [['1', '2']], [['3']]]))).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: null },
    ]);
  });

  it('empty headers become column letters (from the range start), repeats get _2, _3', () => {
    const out = run(ndjsonFormatter({ firstCol: 3 }), [[['', 'x', 'x', '', 'x'], ['1', '2', '3', '4', '5']]]);
    expect(out).toBe('{"C":"1","x":"2","x_2":"3","F":"4","x_3":"5"}\n');
  });

  it('cells past the header get column-letter keys', () => {
    expect(lines(run(ndjsonFormatter(), [[['a', 'b'], ['1', '2', '3']]]))).toEqual([{ a: '1', b: '2', C: '3' }]);
  });

  it('unformatted numbers and booleans keep their JSON types', () => {
    expect(run(ndjsonFormatter(), [[['n', 'b', 's', 'f'], [42, true, 'x', 1.25], [0, false, '', -3]]])).toBe(
      '{"n":42,"b":true,"s":"x","f":1.25}\n{"n":0,"b":false,"s":"","f":-3}\n',
    );
  });

  it('escapes strings as JSON: one value per line whatever the cell holds', () => {
    const out = run(ndjsonFormatter(), [[['k'], ['line\nbreak "q" \u2028 \\ é😀']]]);
    expect(out.split('\n')).toHaveLength(2);
    expect(lines(out)).toEqual([{ k: 'line\nbreak "q" \u2028 \\ é😀' }]);
  });

  it('a header named like an Object.prototype key keeps its column', () => {
    const out = run(ndjsonFormatter(), [[['id', '__proto__', 'constructor', 'toString'], [1, 'x', 'y', 'z'], [2]]]);
    const parsed = lines(out) as Record<string, unknown>[];
    expect(parsed).toHaveLength(2);
    expect(Object.keys(parsed[0] as object)).toEqual(['id', '__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(parsed[0], '__proto__')?.value).toBe('x');
    expect(Object.getOwnPropertyDescriptor(parsed[1], '__proto__')?.value).toBeNull();
  });

  it('without a header: arrays, padded with "" to the first row width, wider rows whole', () => {
    expect(run(ndjsonFormatter({ header: false }), [[['a', 'b', 'c'], ['1']], [[1, true, 'x', 'extra'], []]])).toBe(
      '["a","b","c"]\n["1","",""]\n[1,true,"x","extra"]\n["","",""]\n',
    );
  });

  it('a header-only range writes nothing', () => {
    expect(run(ndjsonFormatter(), [[['a', 'b']]])).toBe('');
  });
});

describe('createFormatter / formatTransform', () => {
  it('wires width, first row and warnings to CSV and TSV, first column to NDJSON', () => {
    const warnings: string[] = [];
    const csv = createFormatter('csv', { columns: 2, firstRow: 5, onWarning: (m) => warnings.push(m) });
    expect(run(csv, [[['a'], ['1', '2', '3']]])).toBe('a,\n1,2,3\n');
    expect(warnings).toEqual([expect.stringContaining('row 6')]);
    expect(run(createFormatter('tsv', { columns: 3 }), [[['a']]])).toBe('a\t\t\n');
    expect(run(createFormatter('ndjson', { firstCol: 2 }), [[['', 'k'], ['1', '2']]])).toBe('{"B":"1","k":"2"}\n');
    expect(run(createFormatter('ndjson', { header: false }), [[['', 'k']]])).toBe('["","k"]\n');
  });

  it('formatTransform turns object-mode batches into text', async () => {
    const stream = Readable.from([[['h', 'v']], [['a', '1,5']], [['b', 'x"y']]]).pipe(formatTransform(createFormatter('csv')));
    let text = '';
    for await (const piece of stream) text += String(piece);
    expect(text).toBe('h,v\na,"1,5"\nb,"x""y"\n');
  });
});

describe('RowWidth', () => {
  it('decides the width from the first non-empty batch', () => {
    const w = new RowWidth();
    expect(w.of([])).toBe(0);
    expect(w.of([['a', 'b']])).toBe(2);
    expect(w.of([['a', 'b', 'c']])).toBe(2);
  });
});

describe('NDJSON key order', () => {
  it('keeps the sheet column order for numeric-looking headers', () => {
    const out = ndjsonFormatter().format([['name', '2024', '2023'], ['a', 1, 2]]);
    expect(out).toBe('{"name":"a","2024":1,"2023":2}\n');
  });
});

describe('CSV equals csv-stringify', () => {
  it('gives the same bytes as csv-stringify for arbitrary rectangular rows', () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ', 'é', '\t', ';') }),
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((w) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 20 })), (rows) => {
        const ours = csvFormatter().format(rows);
        const theirs = stringify(rows, { cast: { boolean: (b: boolean) => (b ? 'TRUE' : 'FALSE'), number: (n: number) => String(n) } });
        expect(ours).toBe(theirs);
      }),
      { numRuns: 1000 },
    );
  });
});
