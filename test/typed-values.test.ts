/** Serial numbers as the sheet means them (typed-values.ts) and a column's kind from its formats (column-kinds.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { codePattern, formatCode, serialToDate, serialToDateTime, serialToDuration, serialToTime } from '../src/transcode/typed-values.js';
import {
  type ColumnKind,
  type NumberFormat,
  columnKinds,
  columnType,
  kindOfFormat,
  typedText,
  SEEN_BOOL,
  SEEN_NUMBER,
  SEEN_STRING,
} from '../src/transcode/column-kinds.js';
import { type Format, createEncoding } from '../src/transcode/encode.js';
import { TypedEncoding } from '../src/transcode/typed-encoding.js';
import { numberText } from './support/sheets-answers.js';
import { transcode } from './support/transcode-run.js';

/** The serial of a UTC date, by JavaScript's own calendar: days since 1899-12-30. */
const serialOf = (iso: string): number => (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;

describe('serial numbers to ISO 8601', () => {
  it('counts days from 1899-12-30, with no Lotus 1900 leap day', () => {
    expect(serialToDate(0)).toBe('1899-12-30');
    expect(serialToDate(1)).toBe('1899-12-31');
    expect(serialToDate(2)).toBe('1900-01-01');
    expect(serialToDate(59)).toBe('1900-02-27');
    expect(serialToDate(60)).toBe('1900-02-28');
    expect(serialToDate(61)).toBe('1900-03-01');
    expect(serialToDate(45296)).toBe('2024-01-05');
    expect(serialToDate(45351)).toBe('2024-02-29');
  });

  it('negative serials are days before 1899-12-30; dates after 2100 and outside 0000–9999 are ISO 8601', () => {
    expect(serialToDate(-1)).toBe('1899-12-29');
    expect(serialToDate(-0.25)).toBe('1899-12-29');
    expect(serialToDateTime(-0.25)).toBe('1899-12-29T18:00:00');
    expect(serialToDate(serialOf('1600-03-01'))).toBe('1600-03-01');
    expect(serialToDate(serialOf('2100-02-28') + 1)).toBe('2100-03-01');
    expect(serialToDate(serialOf('2400-02-29'))).toBe('2400-02-29');
    expect(serialToDate(serialOf('9999-12-31'))).toBe('9999-12-31');
    expect(serialToDate(serialOf('9999-12-31') + 1)).toBe('+10000-01-01');
    expect(serialToDate(serialOf('0001-01-01') - 366)).toBe('0000-01-01');
    expect(serialToDate(serialOf('0001-01-01') - 367)).toBe('-0001-12-31');
  });

  it("agrees with JavaScript's calendar on every day from year 1 to 9999", () => {
    const first = serialOf('0001-01-01');
    const last = serialOf('9999-12-31');
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), (serial) => {
        expect(serialToDate(serial)).toBe(new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10));
      }),
      { numRuns: 3000 },
    );
  });

  it('date-times are the wall time of the serial, the fraction of seconds only when not zero', () => {
    expect(serialToDateTime(45296.75)).toBe('2024-01-05T18:00:00');
    expect(serialToDateTime(45296)).toBe('2024-01-05T00:00:00');
    expect(serialToDateTime(45296 + 0.5 / 86400)).toBe('2024-01-05T00:00:00.5');
    expect(serialToDateTime(45296 + 1.25 / 86400)).toBe('2024-01-05T00:00:01.25');
    expect(serialToDateTime(45296 + 0.001 / 86400)).toBe('2024-01-05T00:00:00.001');
  });

  it('a fraction that rounds to 24:00:00 carries to the next day', () => {
    const almost = 45296 + 1 - 0.0001 / 86400;
    expect(serialToDateTime(almost)).toBe('2024-01-06T00:00:00');
    expect(serialToDate(almost)).toBe('2024-01-06');
    expect(serialToTime(almost)).toBe('00:00:00');
    expect(serialToDateTime(45296 + 1 - 0.001 / 86400)).toBe('2024-01-05T23:59:59.999');
  });

  it('times of day drop the whole days', () => {
    expect(serialToTime(0.75)).toBe('18:00:00');
    expect(serialToTime(0)).toBe('00:00:00');
    expect(serialToTime(1.5)).toBe('12:00:00');
    expect(serialToTime(-0.25)).toBe('18:00:00');
    expect(serialToTime((13 * 3600 + 5 * 60 + 7.5) / 86400)).toBe('13:05:07.5');
  });

  it('durations are ISO 8601 hours, minutes and seconds, huge and tiny alike', () => {
    expect(serialToDuration(1.5)).toBe('PT36H');
    expect(serialToDuration((3600 + 30 * 60 + 5) / 86400)).toBe('PT1H30M5S');
    expect(serialToDuration(0)).toBe('PT0S');
    expect(serialToDuration(-0)).toBe('PT0S');
    expect(serialToDuration(-1 / 12)).toBe('-PT2H');
    expect(serialToDuration(0.5 / 86400)).toBe('PT0.5S');
    expect(serialToDuration(0.001 / 86400)).toBe('PT0.001S');
    expect(serialToDuration(0.0004 / 86400)).toBe('PT0S');
    expect(serialToDuration(1e-12)).toBe('PT0S');
    expect(serialToDuration(90 / 86400)).toBe('PT1M30S');
    expect(serialToDuration(1_000_000)).toBe('PT24000000H');
    expect(serialToDuration(1e12)).toBeUndefined();
  });

  it("a serial past JavaScript's date range is no date", () => {
    expect(serialToDate(1e9)).toBeUndefined();
    expect(serialToDateTime(-1e9)).toBeUndefined();
    expect(serialToTime(1e300)).toBeUndefined();
    expect(serialToDate(99_000_000)).toMatch(/^\+\d{6}-\d\d-\d\d$/);
  });
});

describe('zero-padding patterns', () => {
  const code = (pattern: string, value: number) => {
    const parsed = codePattern(pattern);
    if (!parsed) throw new Error(`${pattern} is no code pattern`);
    return formatCode(value, parsed);
  };

  it('shows the number as the sheet does', () => {
    expect(code('00000', 2134)).toBe('02134');
    expect(code('00000', 0)).toBe('00000');
    expect(code('00000', 1234567)).toBe('1234567');
    expect(code('000-00-0000', 12345678)).toBe('012-34-5678');
    expect(code('(000) 000-0000', 2125551234)).toBe('(212) 555-1234');
    expect(code('"ID-"0000', 42)).toBe('ID-0042');
    expect(code('\\#0000', 7)).toBe('#0007');
    expect(code('##000', 7)).toBe('007');
    expect(code('00000', 2133.5)).toBe('02134');
    expect(code('00000', -42)).toBe('-00042');
    expect(code('00000;[Red]-00000', 42)).toBe('00042');
    expect(code('00', 5)).toBe('05');
    expect(code('00000', 1e22)).toBeUndefined();
  });

  it('plain number patterns are not codes', () => {
    for (const pattern of ['0', '0.00', '#,##0', '#,##0.00', '0%', '0.00E+00', '$#,##0.00', 'yyyy-mm-dd', '@', '']) {
      expect(codePattern(pattern), pattern).toBeUndefined();
    }
  });
});

describe('column kinds from number formats', () => {
  const f = (type: string, pattern?: string): NumberFormat => ({ type, pattern });

  it('a cell format means a kind', () => {
    expect(kindOfFormat(f('DATE', 'M/d/yyyy')).kind).toBe('date');
    expect(kindOfFormat(f('DATE_TIME', 'M/d/yyyy H:mm:ss')).kind).toBe('datetime');
    expect(kindOfFormat(f('TIME', 'h:mm:ss am/pm')).kind).toBe('time');
    expect(kindOfFormat(f('TIME', '[h]:mm:ss')).kind).toBe('duration');
    expect(kindOfFormat(f('TIME', '[mm]:ss')).kind).toBe('duration');
    expect(kindOfFormat(f('NUMBER', '[ss]')).kind).toBe('duration');
    expect(kindOfFormat(f('NUMBER', '"[h]"0.00')).kind).toBe('number');
    expect(kindOfFormat(f('NUMBER', '00000')).kind).toBe('code');
    expect(kindOfFormat(f('NUMBER', '#,##0.00')).kind).toBe('number');
    for (const type of ['PERCENT', 'CURRENCY', 'SCIENTIFIC', 'TEXT']) expect(kindOfFormat(f(type, '0.00')).kind).toBe('number');
    expect(kindOfFormat(undefined).kind).toBe('number');
  });

  it('a column takes the format most of its formatted cells share, ties to the first; cells without one do not vote', () => {
    const date = f('DATE', 'yyyy-mm-dd');
    const number = f('NUMBER', '#,##0.00');
    const kinds = columnKinds(
      [
        [date, number, undefined, number],
        [number, undefined, f('TIME', '[h]:mm'), date],
        [date, undefined, undefined],
        [undefined, date],
      ],
      5,
    );
    expect(kinds.map((k) => k.kind)).toEqual(['date', 'number', 'duration', 'number', 'number']);
  });

  it('dates mixed with date-times make a date-time column, so that no time is lost', () => {
    const kinds = columnKinds([[f('DATE', 'd')], [f('DATE', 'd')], [f('DATE_TIME', 'd h')]], 1);
    expect(kinds.map((k) => k.kind)).toEqual(['datetime']);
  });

  it("a column's type is its values' kind, a mix is text, none is null", () => {
    const date = kindOfFormat(f('DATE', 'd'));
    const code = kindOfFormat(f('NUMBER', '00000'));
    const number = kindOfFormat(undefined);
    expect(columnType(date, SEEN_NUMBER)).toBe('date');
    expect(columnType(date, SEEN_NUMBER | SEEN_STRING)).toBe('string');
    expect(columnType(code, SEEN_NUMBER)).toBe('string');
    expect(columnType(number, SEEN_NUMBER)).toBe('number');
    expect(columnType(number, SEEN_BOOL)).toBe('boolean');
    expect(columnType(number, SEEN_BOOL | SEEN_NUMBER)).toBe('string');
    expect(columnType(number, SEEN_STRING)).toBe('string');
    expect(columnType(date, 0)).toBe('null');
  });
});

describe('TypedEncoding', () => {
  const kinds: ColumnKind[] = [
    { kind: 'date' },
    { kind: 'datetime' },
    { kind: 'time' },
    { kind: 'duration' },
    kindOfFormat({ type: 'NUMBER', pattern: '"a,b "00000' }),
  ];

  /** One row of the number `text` in every kind's column, through the scanner and a typed CSV encoding. */
  function row(text: string, format: Format): string {
    const body = Buffer.from(`{"range":"A","majorDimension":"ROWS","values":[[${Array(kinds.length).fill(text).join(',')}]]}`);
    return transcode(body, [], 'value-range', new TypedEncoding(createEncoding(format), kinds), kinds.length).out.toString('utf8');
  }

  it('writes what typedText makes of the number JSON.parse reads, for any number text, in every format', () => {
    fc.assert(
      fc.property(numberText, (text) => {
        const value = Number(text);
        const texts = kinds.map((kind) => typedText(kind, value));
        const csv = texts.map((t) => (t === undefined ? String(value) : t.includes(',') ? `"${t}"` : t)).join(',');
        expect(row(text, 'csv')).toBe(`${csv}\n`);
        const json = texts.map((t) => (t === undefined ? JSON.stringify(value) : JSON.stringify(t))).join(',');
        expect(row(text, 'ndjson')).toBe(`[${json}]\n`);
      }),
      { numRuns: 2000 },
    );
  });
});
