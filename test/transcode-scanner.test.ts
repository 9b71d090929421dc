/**
 * The values scanner on its own: what it accepts, what it refuses (always with MalformedAnswer,
 * whatever the cut of the body), and that damaged answers are either read exactly as JSON.parse
 * reads them or refused.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ExitCode, SheetpipeError } from '../src/shared/errors.js';
import { createEncoding } from '../src/transcode/encode.js';
import { PartWriter } from '../src/transcode/part-writer.js';
import { RowBytes, rowFormOf } from '../src/transcode/rows.js';
import { COMMA, ESCAPED, MalformedAnswer, NON_ASCII, ValuesScanner, type ValuesHandler } from '../src/transcode/scanner.js';
import { answerBytes, answerSpec, cutOffsets, cutSpec } from './support/sheets-answers.js';
import { oracleAnswer, oracleBytes } from './support/transcode-oracle.js';
import { piecesOf, transcode } from './support/transcode-run.js';

type Event =
  ['range', number] | ['row'] | ['s', string, number] | ['n', string] | ['b', boolean] | ['end'] | ['rangeEnd', number, string | undefined];

/** Every event the scanner reports, cells as their raw JSON bytes. */
function events(body: string | Buffer, shape: 'value-range' | 'batch' = 'value-range', cuts: readonly number[] = []): Event[] {
  const list: Event[] = [];
  const handler: ValuesHandler = {
    rangeStart: (i) => list.push(['range', i]),
    rowStart: () => list.push(['row']),
    stringCell: (buf, s, e, flags) => list.push(['s', buf.toString('utf8', s, e), flags]),
    numberCell: (buf, s, e) => list.push(['n', buf.toString('latin1', s, e)]),
    boolCell: (v) => list.push(['b', v]),
    rowEnd: () => list.push(['end']),
    rangeEnd: (i, r) => list.push(['rangeEnd', i, r]),
  };
  const scanner = new ValuesScanner(handler, shape);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  for (const piece of piecesOf(bytes, cuts)) scanner.push(piece);
  scanner.end();
  return list;
}

/** The error for a body pushed whole, after checking that 1-byte pieces give the same one. */
function refusal(body: string | Buffer, shape: 'value-range' | 'batch' = 'value-range'): MalformedAnswer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const errors = [[], Array.from({ length: bytes.length }, (_, i) => i)].map((cuts) => {
    try {
      events(bytes, shape, cuts);
    } catch (error) {
      return error;
    }
    throw new Error(`accepted: ${bytes.toString('utf8')}`);
  });
  expect(errors[0]).toBeInstanceOf(MalformedAnswer);
  expect((errors[0] as MalformedAnswer).name).toBe('MalformedAnswer');
  expect((errors[1] as MalformedAnswer).message).toBe((errors[0] as MalformedAnswer).message);
  expect((errors[1] as MalformedAnswer).offset).toBe((errors[0] as MalformedAnswer).offset);
  return errors[0] as MalformedAnswer;
}

/** What a refusal says of where the answer went bad. */
function place(error: MalformedAnswer): { offset: number | undefined; truncated: boolean } {
  return { offset: error.offset, truncated: error.truncated };
}

const R = '"range":"S!A1:B2"';
/** The envelope the API sends before `values`. */
const E = `${R},"majorDimension":"ROWS"`;

describe('ValuesScanner accepts', () => {
  it('reports cells as slices of their JSON text, with flags', () => {
    expect(events(`{${E},"values":[["a","b,c","é","\\n",""],[1,-2.5e3,true,false]]}`)).toEqual([
      ['range', 0],
      ['row'],
      ['s', 'a', 0],
      ['s', 'b,c', COMMA],
      ['s', 'é', NON_ASCII],
      ['s', '\\n', ESCAPED],
      ['s', '', 0],
      ['end'],
      ['row'],
      ['n', '1'],
      ['n', '-2.5e3'],
      ['b', true],
      ['b', false],
      ['end'],
      ['rangeEnd', 0, 'S!A1:B2'],
    ]);
  });

  it('unknown members of every type anywhere, nested junk with brackets and quotes', () => {
    const body = `{"x":{"a":["]","}",{"b":"\\"[{"}],"c":null},"y":[1,[2,[3]]],${R},"z":"]}","majorDimension":"ROWS","n":-0.5e-3,"values":[["x"]],"t":true,"f":false,"nul":null}`;
    expect(events(body)).toEqual([['range', 0], ['row'], ['s', 'x', 0], ['end'], ['rangeEnd', 0, 'S!A1:B2']]);
  });

  it("the API's pretty-printed layout, and every JSON whitespace byte", () => {
    const value = { range: 'Data!A1:C3', majorDimension: 'ROWS', values: [['id', 'name'], [], [1, 'Ada', true]] };
    const expected = events(JSON.stringify(value));
    expect(events(`${JSON.stringify(value, null, 2)}\n`)).toEqual(expected);
    expect(
      events(
        ` \t\r\n{ \t\r\n"range" \n:\r"Data!A1:C3"\t,"majorDimension":"ROWS","values"\n:\n[\n[ "id" ,\t"name" ]\r\n, [ ] ,[1 ,"Ada", true\n]\n]\n}\n\t `,
      ),
    ).toEqual(expected);
  });

  it('a missing values, an empty values, and [] rows', () => {
    expect(events(`{${R}}`)).toEqual([
      ['range', 0],
      ['rangeEnd', 0, 'S!A1:B2'],
    ]);
    expect(events(`{${E},"values":[]}`)).toEqual([
      ['range', 0],
      ['rangeEnd', 0, 'S!A1:B2'],
    ]);
    expect(events(`{${E},"values":[[],[]]}`)).toEqual([['range', 0], ['row'], ['end'], ['row'], ['end'], ['rangeEnd', 0, 'S!A1:B2']]);
  });

  it('every escape, \\u in either case, surrogate pairs and lone surrogates (JSON.parse allows them)', () => {
    const text = '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u00E9\\ud83d\\ude80\\uD800x\\udfff"';
    const [, , [kind, raw, flags]] = events(`{${E},"values":[[${text}]]}`) as [Event, Event, ['s', string, number]];
    expect(kind).toBe('s');
    expect(flags).toBe(ESCAPED);
    expect(JSON.parse(`"${raw}"`)).toBe(JSON.parse(text));
  });

  it('every number form, passed on as its text', () => {
    const forms = ['0', '-0', '1e5', '1E5', '1.5E-7', '12.50', '1e+2', '-0.0', '123456789012345678901234567890', '1e400', '9.999e-400'];
    const list = events(`{${E},"values":[[${forms.join(',')}]]}`);
    expect(list.filter((e) => e[0] === 'n').map((e) => e[1])).toEqual(forms);
  });

  it('a key written with escapes is the same key', () => {
    expect(events('{"r\\u0061nge":"A","m\\u0061jorDimension":"ROWS","v\\u0061lues":[[1]]}')).toEqual([
      ['range', 0],
      ['row'],
      ['n', '1'],
      ['end'],
      ['rangeEnd', 0, 'A'],
    ]);
  });

  it('batchGet answers: each ValueRange in order, none when valueRanges is absent or empty', () => {
    const body = `{"spreadsheetId":"abc","valueRanges":[{${E},"values":[["a"]]},{"range":"T!A1"},{"majorDimension":"ROWS","range":"U!B2","values":[[true]]}]}`;
    expect(events(body, 'batch')).toEqual([
      ['range', 0],
      ['row'],
      ['s', 'a', 0],
      ['end'],
      ['rangeEnd', 0, 'S!A1:B2'],
      ['range', 1],
      ['rangeEnd', 1, 'T!A1'],
      ['range', 2],
      ['row'],
      ['b', true],
      ['end'],
      ['rangeEnd', 2, 'U!B2'],
    ]);
    expect(events('{"spreadsheetId":"abc"}', 'batch')).toEqual([]);
    expect(events('{"valueRanges":[],"spreadsheetId":"abc"}', 'batch')).toEqual([]);
    // "values" or "range" at the batch's top level are unknown members there.
    expect(events('{"values":[[null]],"range":1,"valueRanges":[]}', 'batch')).toEqual([]);
  });

  it('a token split at every byte gives the same events; a long string is carried whole', () => {
    const long = 'ü'.repeat(40_000);
    const body = `{${E},"values":[["${long}","a\\"b",12.5e-3,true,false],[-0]],"junk":{"k":["\\\\",null]}}`;
    const whole = events(body);
    expect(
      events(
        body,
        'value-range',
        Array.from({ length: body.length }, (_, i) => i),
      ),
    ).toEqual(whole);
    expect((whole[2] as ['s', string, number])[1]).toBe(long);
  });

  it('a token split across pushes is carried alone, never with the rest of its chunk', () => {
    const body = Buffer.from(
      `{${E},"values":[${Array.from({ length: 2000 }, (_, i) => `["cell ${i}","é${'x'.repeat(i % 50)}",${i}.5]`).join(',')}]}`,
    );
    const largest: number[] = [];
    const scanner = new ValuesScanner(
      {
        rangeStart() {},
        rowStart() {},
        stringCell: (buf) => largest.push(buf.length),
        numberCell: (buf) => largest.push(buf.length),
        boolCell() {},
        rowEnd() {},
        rangeEnd() {},
      },
      'value-range',
    );
    for (const piece of piecesOf(
      body,
      Array.from({ length: body.length / 4096 }, (_, i) => (i + 1) * 4096),
    ))
      scanner.push(piece);
    scanner.end();
    // A slice lies either in a pushed piece (4,096 bytes) or in the carry, which holds one token.
    expect(Math.max(...largest)).toBeLessThanOrEqual(4096);
    expect(largest.filter((n) => n < 4096).length).toBeGreaterThan(0);
  });

  it('rows counts the rows of the current ValueRange', () => {
    let seen: number[] = [];
    const scanner: ValuesScanner = new ValuesScanner(
      {
        rangeStart: () => {},
        rowStart: () => {},
        stringCell: () => {},
        numberCell: () => {},
        boolCell: () => {},
        rowEnd: () => {},
        rangeEnd: () => seen.push(scanner.rows),
      },
      'batch',
    );
    scanner.push(
      Buffer.from(
        '{"valueRanges":[{"range":"A","majorDimension":"ROWS","values":[[1],[],[2]]},{"range":"B","majorDimension":"ROWS","values":[[1]]},{"range":"C"}]}',
      ),
    );
    scanner.end();
    expect(seen).toEqual([3, 1, 0]);
    seen = [];
  });
});

describe('ValuesScanner refuses with MalformedAnswer', () => {
  it('a body that is not a JSON object: HTML, empty, whitespace, arrays, scalars', () => {
    expect(refusal('<!DOCTYPE html><html><body>502</body></html>').message).toBe('unexpected "<" at byte 0 (expected "{")');
    expect(refusal('').message).toBe('the answer is empty');
    expect(refusal(' \n').message).toBe('the answer holds only whitespace');
    for (const body of ['[]', '"x"', '1', 'null', 'true', '\ufeff{}']) refusal(body);
    refusal('[]', 'batch');
  });

  it('a ValueRange without "range", or with a "range" that is not a string', () => {
    expect(refusal('{"majorDimension":"ROWS"}').message).toBe('the answer has no "range"');
    expect(refusal('{"valueRanges":[{"range":"A"},{"majorDimension":"ROWS"}]}', 'batch').message).toBe('value range 2 has no "range"');
    expect(refusal('{"range":null}').message).toBe('"range" is not a string');
    refusal('{"range":1}');
  });

  it('values that is not an array, a row that is not an array, a cell that is not a scalar', () => {
    expect(refusal(`{${E},"values":{}}`).message).toBe('"values" is not an array');
    refusal(`{${E},"values":null}`);
    refusal(`{${E},"values":"[]"}`);
    expect(refusal(`{${E},"values":[[1],"a"]}`).message).toBe('row 2 is not an array');
    refusal(`{${E},"values":[1]}`);
    expect(refusal(`{${E},"values":[[1],[2],["a",null]]}`).message).toBe('row 3 holds a null cell');
    expect(refusal(`{${E},"values":[[{}]]}`).message).toBe('row 1 holds a non-scalar cell');
    expect(refusal(`{${E},"values":[[1,[2]]]}`).message).toBe('row 1 holds a non-scalar cell');
    expect(refusal(`{"valueRanges":[{"range":"A"},{${E},"values":[[],[{}]]}]}`, 'batch').message).toBe(
      'range 2, row 2 holds a non-scalar cell',
    );
    expect(refusal('{"valueRanges":{}}', 'batch').message).toBe('"valueRanges" is not an array');
    expect(refusal('{"valueRanges":[{"range":"A"},[]]}', 'batch').message).toBe('value range 2 is not an object');
  });

  it('raw control characters in strings, in cells, keys and skipped members alike', () => {
    expect(refusal(`{${E},"values":[["a\nb"]]}`).message).toBe('a string holds a raw control character (byte 0x0a) at byte 56');
    refusal(`{${E},"values":[["a\tb"]]}`);
    refusal(`{${E},"values":[["\u0000"]]}`);
    refusal(`{${R},"x\u001f":1}`);
    refusal(`{${R},"x":{"y":["\r"]}}`);
  });

  it('bad escapes', () => {
    expect(refusal(`{${E},"values":[["\\x"]]}`).message).toBe('a string holds a bad escape "x" at byte 55');
    for (const bad of ['\\u12G4', '\\u12"', '\\u', '\\U0041', '\\a', "\\'", '\\0']) refusal(`{${E},"values":[["${bad}"]]}`);
    refusal(`{${R},"x":"\\q"}`);
  });

  it('invalid number grammar', () => {
    for (const bad of [
      '01',
      '-01',
      '1.',
      '.5',
      '-',
      '+1',
      '1e',
      '1e+',
      '--1',
      '0x10',
      'NaN',
      'Infinity',
      '-Infinity',
      '1.e5',
      '1.5.2',
      '1e5e5',
      '00',
      '-.5',
    ]) {
      refusal(`{${E},"values":[[${bad}]]}`);
      refusal(`{${R},"x":[${bad}]}`);
    }
  });

  it('invalid UTF-8 inside a string', () => {
    const bad = [
      [0x80],
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x80, 0x80, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xff],
      [0xc3],
      [0xe2, 0x82],
      [0xc3, 0xc3],
    ];
    for (const bytes of bad) {
      const body = Buffer.concat([Buffer.from(`{${E},"values":[["a`), Buffer.from(bytes), Buffer.from('b"]]}')]);
      expect(refusal(body).message).toMatch(/^a string holds invalid UTF-8 at byte \d+$/);
    }
    refusal(Buffer.concat([Buffer.from(`{${R},"x":"`), Buffer.from([0xed, 0xbf, 0xbf]), Buffer.from('"}')]));
    // Outside strings, any byte ≥ 0x80 is simply unexpected.
    refusal(Buffer.concat([Buffer.from(`{${E},"values":[[1`), Buffer.from([0xc3, 0xa9]), Buffer.from(']]}')]));
  });

  it('literals that are not true/false/null', () => {
    for (const bad of ['tru', 'truee', 'TRUE', 'fals', 'nul', 'nil', 'undefined']) refusal(`{${E},"values":[[${bad}]]}`);
  });

  it('trailing bytes after the top-level value', () => {
    expect(refusal(`{${R}} x`).message).toBe('unexpected "x" at byte 20 after the end of the answer');
    refusal(`{${R}}{}`);
    refusal(`{${R}},`);
  });

  it('grammar slips: trailing commas, missing colons or commas, stray closers', () => {
    for (const body of [
      `{${R},}`,
      `{${E},"values":[[1,]]}`,
      `{${E},"values":[[1],]}`,
      `{${E},"values":[[1] [2]]}`,
      `{${E},"values":[[1 2]]}`,
      `{${R} "values":[]}`,
      `{"range" "A"}`,
      `{${E},"values":[[1]}`,
      `{${E},"values":[[1]]]`,
      `{${R},"x":[1,]}`,
      `{${R},"x":{"a":1,}}`,
      `{${R},"x":{"a" 1}}`,
      `{${R},"x":{1:1}}`,
      `{${R},"x":[}`,
      `{${R},"x":]}`,
      `{'range':'A'}`,
      `{range:"A"}`,
    ]) {
      refusal(body);
    }
  });

  it('duplicate known members, and a column-major answer', () => {
    expect(refusal(`{${E},"values":[[1]],"values":[[2]]}`).message).toBe('the answer holds "values" twice in one object');
    refusal(`{${R},${R}}`);
    refusal('{"valueRanges":[],"valueRanges":[]}', 'batch');
    expect(refusal(`{${R},"majorDimension":"COLUMNS","values":[[1,2]]}`).message).toBe(
      'the answer has majorDimension "COLUMNS", not "ROWS"',
    );
    refusal(`{${R},"majorDimension":1}`);
  });

  it('"values" before the envelope: refused before any row is reported', () => {
    const seen: string[] = [];
    const scanner = new ValuesScanner(
      { rangeStart() {}, rowStart: () => seen.push('row'), stringCell() {}, numberCell() {}, boolCell() {}, rowEnd() {}, rangeEnd() {} },
      'value-range',
    );
    expect(() => scanner.push(Buffer.from('{"values":[["a"]],"range":"S!A1","majorDimension":"ROWS"}'))).toThrow(
      'the answer sends "values" before "range" and "majorDimension" (the API sends them first)',
    );
    expect(seen).toEqual([]);
    expect(refusal(`{${R},"values":[[1]],"majorDimension":"ROWS"}`).message).toBe(
      'the answer sends "values" before "majorDimension" (the API sends them first)',
    );
    expect(refusal('{"majorDimension":"ROWS","values":[],"range":"A"}').message).toBe(
      'the answer sends "values" before "range" (the API sends them first)',
    );
    expect(refusal('{"valueRanges":[{"range":"A","values":[[1]]}]}', 'batch').message).toBe(
      'value range 1 sends "values" before "majorDimension" (the API sends them first)',
    );
    // A column-major answer is refused at its majorDimension, before its values.
    expect(refusal(`{${R},"majorDimension":"COLUMNS","values":[[1,2]]}`).message).toBe(
      'the answer has majorDimension "COLUMNS", not "ROWS"',
    );
  });

  it('unknown members nested past 512 levels', () => {
    refusal(`{${R},"x":${'['.repeat(600)}${']'.repeat(600)}}`);
    expect(events(`{${R},"x":${'['.repeat(500)}${']'.repeat(500)}}`)).toEqual([
      ['range', 0],
      ['rangeEnd', 0, 'S!A1:B2'],
    ]);
  });

  it('every early end of a valid answer, wherever it is cut', () => {
    const body = `${JSON.stringify({ range: 'S!A1', majorDimension: 'ROWS', x: { y: ['z', 1.5, null, true] }, values: [['a\\"b', 'é🚀'], [], [-1.25e-3, true, false]] }, null, 2)}\n`;
    const bytes = Buffer.from(body, 'utf8');
    const complete = bytes.lastIndexOf('}'.charCodeAt(0)) + 1;
    for (let n = 0; n < complete; n++) {
      const prefix = bytes.subarray(0, n);
      expect(() => events(prefix), `prefix of ${n} bytes`).toThrow(MalformedAnswer);
    }
    expect(() => events(bytes.subarray(0, complete))).not.toThrow();
    expect(refusal(`{${E},"values":[["abc`).message).toBe('the answer ended inside a string (at byte 58)');
    expect(refusal(`{${E},"values":[[12`).message).toBe('the answer ended inside a number (at byte 56)');
    expect(refusal(`{${E},"values":[[1]`).message).toBe('the answer ended early (at byte 56, inside "values")');
    expect(refusal(`{${E},"values":[[1,`).message).toBe('the answer ended early (at byte 56, inside row 1)');
    expect(refusal(`{${R},"x":[{`).message).toBe('the answer ended early (at byte 25, inside an unknown member)');
    expect(refusal('{"valueRanges":[{"range":"A"},{"range":"B"', 'batch').message).toBe(
      'the answer ended early (at byte 42, inside value range 2)',
    );
    expect(refusal(`{${R}`).message).toBe('the answer ended early (at byte 18, inside the answer object)');
  });

  it('with a coded SheetpipeError that says at which byte the answer went bad', () => {
    const error = refusal('<html>');
    expect(error).toBeInstanceOf(SheetpipeError);
    expect(error.code).toBe('SHEETPIPE_MALFORMED_ANSWER');
    expect(error.exitCode).toBe(ExitCode.unavailable);
    expect(place(error)).toEqual({ offset: 0, truncated: false });
    // Where the message names the byte, the offset is that byte.
    for (const body of [`{${E},"values":[["a\nb"]]}`, `{${E},"values":[["\\x"]]}`, `{${E},"values":[[1]]}x`, `{${E},"values":[[tru]]}`]) {
      const named = refusal(body);
      expect(named.message).toMatch(/at byte \d+/);
      expect(named.offset).toBe(Number(/at byte (\d+)/.exec(named.message)?.[1]));
    }
    // Elsewhere, the first byte of what was refused.
    const nullCell = `{${E},"values":[[1],[2],["a",null]]}`;
    expect(place(refusal(nullCell))).toEqual({ offset: nullCell.indexOf('null'), truncated: false });
    const twice = `{${E},"values":[],"values":[]}`;
    expect(place(refusal(twice))).toEqual({ offset: twice.lastIndexOf('"values"'), truncated: false });
    expect(place(refusal('{"majorDimension":"ROWS"}'))).toEqual({ offset: 24, truncated: false });
    // An answer that stops early is refused at its end, as a good prefix.
    expect(place(refusal(`{${E},"values":[["abc`))).toEqual({ offset: 58, truncated: true });
    expect(place(refusal(''))).toEqual({ offset: 0, truncated: true });
  });

  it("a handler's refusal is placed at the byte of the event it refused, however the body is cut", () => {
    const body = Buffer.from(`{${E},"values":[["a"],  ["b"],[]]}`);
    const extraRow = body.indexOf('["b"]');
    for (const cuts of [[], Array.from({ length: body.length }, (_, i) => i), [extraRow, extraRow + 1]]) {
      const writer = new PartWriter(new RowBytes(rowFormOf(createEncoding('csv'), 1), 1), 1);
      const scanner = new ValuesScanner(writer, 'value-range');
      let refused: unknown;
      try {
        for (const piece of piecesOf(body, cuts)) scanner.push(piece);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(MalformedAnswer);
      expect((refused as MalformedAnswer).message).toBe('more than the 1 rows asked for came back');
      expect(place(refused as MalformedAnswer)).toEqual({ offset: extraRow, truncated: false });
    }
  });

  it('a scanner that has failed keeps failing with the same error', () => {
    const scanner = new ValuesScanner(
      { rangeStart() {}, rowStart() {}, stringCell() {}, numberCell() {}, boolCell() {}, rowEnd() {}, rangeEnd() {} },
      'value-range',
    );
    let first: unknown;
    try {
      scanner.push(Buffer.from('<html>'));
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(MalformedAnswer);
    expect(() => scanner.push(Buffer.from(`{${R}}`))).toThrow(first as Error);
    expect(() => scanner.end()).toThrow(first as Error);
  });
});

describe('damaged answers are read exactly as JSON.parse reads them, or refused', () => {
  const INTERESTING = [
    0x61, 0x31, 0x09, 0x22, 0x5c, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x20, 0x0a, 0x00, 0x30, 0x2d, 0x2e, 0x65, 0x6e, 0x74, 0x75, 0x80,
    0xc3, 0xed, 0xf0, 0xff,
  ];
  const mutation = fc.record({
    kind: fc.constantFrom('replace', 'insert', 'delete'),
    at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })),
  });

  it('random byte mutations and truncations', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        answerSpec(),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        cutSpec,
        (spec, mutations, truncate, cuts) => {
          const bytes = [...answerBytes(spec)];
          for (const m of mutations) {
            const at = Math.floor(m.at * bytes.length);
            if (m.kind === 'replace' && bytes.length > 0) bytes[at] = m.byte;
            else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
            else bytes.splice(at, 1);
          }
          if (truncate !== null) bytes.length = Math.floor(truncate * bytes.length);
          const body = Buffer.from(bytes);
          let result;
          try {
            result = transcode(body, cutOffsets(cuts, body.length), spec.shape, createEncoding('ndjson'), 0);
          } catch (error) {
            expect(error).toBeInstanceOf(MalformedAnswer);
            refused += 1;
            return;
          }
          accepted += 1;
          // Accepted: JSON.parse must read the same body (else this throws) and agree on every value.
          const expected = oracleAnswer(body.toString('utf8'), spec.shape);
          expect(result.out.toString('utf8')).toBe(oracleBytes(expected, { format: 'ndjson', width: 0 }).toString('utf8'));
          expect(result.ranges).toEqual(expected.ranges.map((r) => ({ range: r.range, rows: r.rows.length })));
        },
      ),
      { numRuns: 3000 },
    );
    // Both outcomes must actually occur, or the property tested little.
    // (About 2 % survive their mutations: 60 of 3,000 on average, rarely under 40.)
    expect(accepted).toBeGreaterThan(25);
    expect(refused).toBeGreaterThan(100);
  });

  it('random bytes, never anything but MalformedAnswer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom<'value-range' | 'batch'>('value-range', 'batch'), (bytes, shape) => {
        const body = Buffer.concat([Buffer.from('{"range":"A","majorDimension":"ROWS","values":[['), Buffer.from(bytes)]);
        try {
          events(body, shape);
        } catch (error) {
          expect(error).toBeInstanceOf(MalformedAnswer);
          const { offset } = error as MalformedAnswer;
          expect(Number.isInteger(offset) && (offset as number) >= 0 && (offset as number) <= body.length).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
