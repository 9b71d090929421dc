/** Per-format encodings: fast paths agree with their slow paths, padding, keys, csv-stringify's bytes. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { InternalError } from '../src/shared/errors.js';
import { ByteBuffer } from '../src/transcode/bytes.js';
import { cellText, createEncoding, HeaderKeys, isCanonicalNumber, type Encoding, type Format } from '../src/transcode/encode.js';
import { oracleKeys } from './support/transcode-oracle.js';
import { numberText } from './support/sheets-answers.js';
import { transcode } from './support/transcode-run.js';

type Cell = string | number | boolean;

/** Rows written as a compact values.get answer and transcoded whole at the given width. */
function encode(rows: Cell[][], format: Format, width: number, keys?: HeaderKeys): string {
  const body = Buffer.from(JSON.stringify({ range: 'S!A1', majorDimension: 'ROWS', values: rows }));
  return transcode(body, [], 'value-range', createEncoding(format, keys), width).out.toString('utf8');
}

/** The text of one encoded number cell. */
function numberOut(text: string, format: Format): string {
  const body = Buffer.from(`{"range":"A","majorDimension":"ROWS","values":[[${text}]]}`);
  return transcode(body, [], 'value-range', createEncoding(format), 0)
    .out.toString('utf8')
    .slice(format === 'ndjson' ? 1 : 0, format === 'ndjson' ? -2 : -1);
}

describe('numbers', () => {
  it('isCanonicalNumber holds exactly when String(Number(text)) === text', () => {
    const check = (text: string): void => {
      const buf = Buffer.from(`[${text}]`, 'latin1');
      const canonical = isCanonicalNumber(buf, 1, buf.length - 1);
      if (canonical) expect(String(Number(text))).toBe(text);
      // Not every canonical text needs the fast path, but these everyday ones must get it.
      if (/^-?(0|[1-9]\d{0,7})(\.\d{0,5}[1-9])?$/.test(text) && text !== '-0' && String(Number(text)) === text)
        expect(canonical).toBe(true);
    };
    fc.assert(fc.property(numberText, check), { numRuns: 5000 });
    for (const text of [
      '0',
      '-0',
      '7',
      '-7',
      '123456789012345',
      '1234567890123456',
      '0.5',
      '-0.5',
      '0.10',
      '0.000001',
      '0.0000001',
      '12.5',
      '1.25e3',
      '100',
      '1e2',
      '0.123456789012345',
      '0.1234567890123456',
      '45123.75',
    ])
      check(text);
    expect(isCanonicalNumber(Buffer.from('0.000001'), 0, 8)).toBe(true);
    expect(isCanonicalNumber(Buffer.from('0.0000001'), 0, 9)).toBe(false);
  });

  it('CSV/TSV write String(Number(text)), NDJSON JSON.stringify(Number(text))', () => {
    fc.assert(
      fc.property(numberText, (text) => {
        expect(numberOut(text, 'csv')).toBe(String(Number(text)));
        expect(numberOut(text, 'tsv')).toBe(String(Number(text)));
        expect(numberOut(text, 'ndjson')).toBe(JSON.stringify(Number(text)));
      }),
      { numRuns: 2000 },
    );
    expect(numberOut('1.50', 'csv')).toBe('1.5');
    expect(numberOut('1e2', 'csv')).toBe('100');
    expect(numberOut('-0', 'csv')).toBe('0');
    expect(numberOut('1e400', 'csv')).toBe('Infinity');
    expect(numberOut('1e400', 'ndjson')).toBe('null');
  });
});

describe('CSV', () => {
  it('the bytes of csv-stringify for rectangular rows, but for a one-field empty record, written `""` (csv-stringify\'s quoted_empty)', () => {
    const cell: fc.Arbitrary<Cell> = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ unit: fc.constantFrom(',', '"', '\r', '\n', 'a', ' ', '\t', 'é', '\\'), maxLength: 8 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((w) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 20 })),
        (rows) => {
          // At width 1 an empty field would be an empty line, which pandas and csv.DictReader skip: it is quoted there, and only there.
          const theirs = stringify(rows, {
            cast: { boolean: (b: boolean) => (b ? 'TRUE' : 'FALSE'), number: (n: number) => String(n) },
            quoted_empty: rows[0]?.length === 1,
          });
          expect(encode(rows, 'csv', 0)).toBe(theirs);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('quotes only fields holding , " CR or LF', () => {
    expect(encode([['plain', 'a,b', 'say "hi"', 'a\nb', 'a\rb', 'tab\there', 'back\\slash', ' sp ', '']], 'csv', 0)).toBe(
      'plain,"a,b","say ""hi""","a\nb","a\rb",tab\there,back\\slash, sp ,\n',
    );
    expect(encode([[true, false, 0, -1.5]], 'csv', 0)).toBe('TRUE,FALSE,0,-1.5\n');
  });

  it('pads rows to the width: k cells get w − k separators, an empty row w − 1, width 0 none', () => {
    expect(encode([['a'], [], ['a', 'b', 'c', 'd']], 'csv', 3)).toBe('a,,\n,,\na,b,c,d\n');
    expect(encode([['', '']], 'csv', 4)).toBe(',,,\n');
    expect(encode([[''], []], 'csv', 2)).toBe(',\n,\n');
  });

  it('never writes an empty line: a record whose only field is empty is `""`, as Python\'s csv.writer writes it', () => {
    expect(encode([[], ['x'], [''], [0]], 'csv', 1)).toBe('""\nx\n""\n0\n');
    expect(encode([[], ['x']], 'csv', 0)).toBe('""\nx\n');
    // Only the whole record: an empty field beside others stays unquoted, and a wide row is written as it is.
    expect(encode([['', 'b'], ['']], 'csv', 1)).toBe(',b\n""\n');
    expect(stringify([[''], ['x']])).toBe('\nx\n');
  });
});

describe('TSV', () => {
  it('cannot quote: an empty record stays an empty line', () => {
    expect(encode([[], ['x'], ['']], 'tsv', 1)).toBe('\nx\n\n');
  });

  it('escapes tab, CR, LF and backslash; nothing else; pads with tabs', () => {
    expect(encode([['a\tb', 'a\rb', 'a\nb', 'a\\b', 'a,"b"', 'é'], [], [true, 2.5]], 'tsv', 7)).toBe(
      'a\\tb\ta\\rb\ta\\nb\ta\\\\b\ta,"b"\té\t\n\t\t\t\t\t\t\nTRUE\t2.5\t\t\t\t\t\n',
    );
  });
});

describe('NDJSON', () => {
  it('arrays: an empty cell is null wherever it stands; padded with null', () => {
    expect(encode([['a', '', 1, true], [], ['x', 'y', 'z', 'w', 'v']], 'ndjson', 4)).toBe(
      '["a",null,1,true]\n[null,null,null,null]\n["x","y","z","w","v"]\n',
    );
    expect(encode([[]], 'ndjson', 0)).toBe('[]\n');
  });

  it('strings as JSON.stringify writes them, escapes normalised', () => {
    const body = Buffer.from(
      '{"range":"A","majorDimension":"ROWS","values":[["\\u0041\\/\\u00e9","\\ud83d\\ude80","\\ud800","\\u001f\\u007f","\u2028"]]}',
    );
    const out = transcode(body, [], 'value-range', createEncoding('ndjson'), 0).out.toString('utf8');
    expect(out).toBe(`${JSON.stringify(['A/é', '🚀', '\ud800', '\u001f\u007f', '\u2028'])}\n`);
  });

  it('objects: every key of the width in column order, even "2024" and "__proto__"; wider rows get letters', () => {
    const keys = new HeaderKeys(['name', '2024', '__proto__', '', 'name'], 1);
    expect(encode([['Ada', 1815, '', 'x'], [], ['a', 'b', 'c', 'd', 'e', 'f', 'g']], 'ndjson', 5, keys)).toBe(
      '{"name":"Ada","2024":1815,"__proto__":null,"D":"x","name_2":null}\n' +
        '{"name":null,"2024":null,"__proto__":null,"D":null,"name_2":null}\n' +
        '{"name":"a","2024":"b","__proto__":"c","D":"d","name_2":"e","F":"f","G":"g"}\n',
    );
  });

  it('a key that needs escaping is written as JSON', () => {
    const keys = new HeaderKeys(['a"b', 'line\nbreak', 'é'], 1);
    expect(keys.key(0)).toBe('"a\\"b":');
    expect(encode([[1, 2, 3]], 'ndjson', 3, keys)).toBe('{"a\\"b":1,"line\\nbreak":2,"é":3}\n');
  });
});

describe('HeaderKeys', () => {
  it('is the reference rule of the oracle, in any order of asking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('', 'a', 'a_2', 'B', 'C', 'AA', 'x'), fc.string({ maxLength: 3 })), { maxLength: 8 }),
        fc.integer({ min: 1, max: 18_278 }),
        fc.nat({ max: 6 }),
        fc.array(fc.nat({ max: 13 }), { maxLength: 10 }),
        (texts, firstCol, extra, asks) => {
          const expected = oracleKeys(texts, firstCol, texts.length + extra);
          const keys = new HeaderKeys(texts, firstCol);
          for (const col of asks) keys.name(col); // asking out of order first must not change any key
          expect(expected.map((_, c) => keys.name(c))).toEqual(expected);
          expect(expected.map((_, c) => keys.key(c))).toEqual(expected.map((k) => `${JSON.stringify(k)}:`));
          expect(expected.map((_, c) => keys.keyBytes(c).toString('utf8'))).toEqual(expected.map((k) => `${JSON.stringify(k)}:`));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('names columns past a short header by letter, from firstCol', () => {
    const keys = new HeaderKeys(['id'], 26);
    expect([0, 1, 2].map((c) => keys.name(c))).toEqual(['id', 'AA', 'AB']);
    expect(() => new HeaderKeys([], 0)).toThrow(InternalError);
  });
});

describe('cellText', () => {
  it('decodes strings, canonicalises numbers, spells booleans as JS does', () => {
    const buf = Buffer.from('"a\\u0062\\n" 1.50e1 ');
    expect(cellText('string', buf, 1, 10, 1)).toBe('ab\n');
    expect(cellText('number', buf, 12, 18)).toBe('15');
    expect(cellText('bool', true)).toBe('true');
    expect(cellText('bool', false)).toBe('false');
  });
});

describe('Encoding as an interface', () => {
  it('close pads from any cell count, on all formats', () => {
    const cases: [Format, HeaderKeys | undefined, string][] = [
      ['csv', undefined, 'ab,,\n'],
      ['tsv', undefined, 'ab\t\t\n'],
      ['ndjson', undefined, '["ab",null,null]\n'],
      ['ndjson', new HeaderKeys(['k'], 1), '{"k":"ab","B":null,"C":null}\n'],
    ];
    for (const [format, keys, expected] of cases) {
      const enc: Encoding = createEncoding(format, keys);
      const out = new ByteBuffer(4);
      const src = Buffer.from('xx"ab"yy');
      enc.open(out);
      enc.beforeCell(out, 0);
      enc.string(out, src, 3, 5, 0);
      enc.close(out, 1, 3, 0);
      expect(out.copy(0, out.length).toString('utf8')).toBe(expected);
    }
  });

  it('close judges a record empty by the bytes from rowStart on, not by what the buffer held before', () => {
    const csv = createEncoding('csv');
    const out = new ByteBuffer(4);
    out.pushAscii('x\n');
    csv.open(out);
    csv.close(out, 1, 1, 2);
    expect(out.copy(0, out.length).toString('utf8')).toBe('x\n""\n');
  });
});
