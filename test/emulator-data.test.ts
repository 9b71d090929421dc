import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/shared/errors.js';
import { type Cell, cellRenderer, dateToSerial, ISO_DATE_FORMAT, numberToText, serialToText } from '../src/emulator/cells.js';
import { memoryTab } from '../src/emulator/data.js';
import { parseCsv, parseTsv } from '../src/emulator/delimited.js';
import { generatedTab } from '../src/emulator/generated.js';
import { applyFieldMask, parseFieldMask } from '../src/emulator/mask.js';
import { SlidingWindowQuota } from '../src/emulator/quota.js';
import { apiSheetName, readValueRange, Spreadsheet } from '../src/emulator/spreadsheet.js';
import { typedCell } from '../src/emulator/user-entered.js';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, embedded line breaks, CRLF, empty fields and a BOM', () => {
    expect(parseCsv('\ufeffa,"b,c","d ""e"""\r\n"multi\nline",,\n\nlast', 'f.csv')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['multi\nline', '', ''],
      [''],
      ['last'],
    ]);
  });

  it('a final line break does not add a record; an empty file has none', () => {
    expect(parseCsv('a,b\n', 'f.csv')).toEqual([['a', 'b']]);
    expect(parseCsv('a,b\r\n', 'f.csv')).toEqual([['a', 'b']]);
    expect(parseCsv('', 'f.csv')).toEqual([]);
    expect(parseCsv('a,', 'f.csv')).toEqual([['a', '']]);
  });

  it('names the file and the line where a quoted field opens and never closes', () => {
    expect(() => parseCsv('a\nb\n"c,\nd\n', 'data/x.csv')).toThrow(new UsageError('data/x.csv:3: a quoted field is not closed'));
    expect(() => parseCsv('"a"b\n', 'x.csv')).toThrow(/x\.csv:1: unexpected text after a closing quote/);
    expect(() => parseCsv('"a\nb"x', 'x.csv')).toThrow(/x\.csv:2:/);
  });

  it('reads back whatever csv-stringify writes', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', 'é', '😀', '\t') });
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), (rows) => {
        expect(parseCsv(stringify(rows), 'p.csv')).toEqual(rows);
      }),
    );
  });
});

describe('parseTsv', () => {
  it('splits on tabs and lines and undoes the escapes', () => {
    expect(parseTsv('a\tb\r\nc\\td\t\\\\n\te\\nf\n')).toEqual([
      ['a', 'b'],
      ['c\td', '\\n', 'e\nf'],
    ]);
    expect(parseTsv('')).toEqual([]);
  });
});

describe('typedCell', () => {
  it('types numbers, booleans and ISO dates, keeping the written text for FORMATTED_VALUE', () => {
    expect(typedCell('')).toBeNull();
    expect(typedCell('42')).toBe(42);
    expect(typedCell('-0.5')).toBe(-0.5);
    expect(typedCell('1.50')).toEqual({ value: 1.5, formatted: '1.50' });
    expect(typedCell('007')).toEqual({ value: 7, formatted: '007' });
    expect(typedCell('1,234.5')).toEqual({ value: 1234.5, formatted: '1,234.5', format: { type: 'NUMBER', pattern: '#,##0.0' } });
    expect(typedCell('true')).toBe(true);
    expect(typedCell('FALSE')).toBe(false);
    expect(typedCell('2024-03-05')).toEqual({ value: 45356, formatted: '2024-03-05', format: ISO_DATE_FORMAT });
    expect(typedCell('2024-02-30')).toBe('2024-02-30');
    expect(typedCell('12 apples')).toBe('12 apples');
    expect(typedCell('1,23')).toBe('1,23');
  });
});

describe('cell rendering', () => {
  const cells: Cell[] = [
    'x',
    12.5,
    true,
    null,
    { value: 45356, format: ISO_DATE_FORMAT },
    { value: 0.25, formatted: '25%' },
    { value: 3, formula: '=1+2' },
    Number.NaN,
  ];

  it('renders per valueRenderOption and dateTimeRenderOption', () => {
    expect(cells.map(cellRenderer('FORMATTED_VALUE', 'SERIAL_NUMBER'))).toEqual([
      'x',
      '12.5',
      'TRUE',
      '',
      '2024-03-05',
      '25%',
      '3',
      '#NUM!',
    ]);
    expect(cells.map(cellRenderer('UNFORMATTED_VALUE', 'SERIAL_NUMBER'))).toEqual(['x', 12.5, true, '', 45356, 0.25, 3, '#NUM!']);
    expect(cells.map(cellRenderer('UNFORMATTED_VALUE', 'FORMATTED_STRING'))).toEqual(['x', 12.5, true, '', '2024-03-05', 0.25, 3, '#NUM!']);
    expect(cells.map(cellRenderer('FORMULA', 'SERIAL_NUMBER'))).toEqual(['x', 12.5, true, '', 45356, 0.25, '=1+2', '#NUM!']);
    expect(cells.map(cellRenderer('FORMULA', 'FORMATTED_STRING'))).toEqual(['x', 12.5, true, '', '2024-03-05', 0.25, '=1+2', '#NUM!']);
  });

  it('converts dates and numbers like Sheets shows them', () => {
    expect(dateToSerial(1899, 12, 30)).toBe(0);
    expect(dateToSerial(2024, 1, 1)).toBe(45292);
    expect(serialToText(45292.5)).toBe('2024-01-01 12:00:00');
    expect(numberToText(1e21)).toBe('1E+21');
    expect(numberToText(1234.5)).toBe('1234.5');
  });
});

describe('fields mask', () => {
  const doc = {
    spreadsheetId: 'id',
    properties: { title: 'T', locale: 'en_US' },
    sheets: [
      { properties: { sheetId: 0, title: 'A', gridProperties: { rowCount: 5, columnCount: 2 } } },
      { properties: { sheetId: 9, title: 'B', gridProperties: { rowCount: 7, columnCount: 3 } } },
    ],
  };

  it('selects paths, nested lists and wildcards, element by element in arrays', () => {
    expect(applyFieldMask(doc, parseFieldMask('properties.title'))).toEqual({ properties: { title: 'T' } });
    expect(applyFieldMask(doc, parseFieldMask('sheets(properties(title,gridProperties(rowCount)))'))).toEqual({
      sheets: [
        { properties: { title: 'A', gridProperties: { rowCount: 5 } } },
        { properties: { title: 'B', gridProperties: { rowCount: 7 } } },
      ],
    });
    expect(applyFieldMask(doc, parseFieldMask('sheets.properties.sheetId,spreadsheetId'))).toEqual({
      spreadsheetId: 'id',
      sheets: [{ properties: { sheetId: 0 } }, { properties: { sheetId: 9 } }],
    });
    expect(applyFieldMask(doc, parseFieldMask('properties(*)'))).toEqual({ properties: doc.properties });
    expect(applyFieldMask(doc, parseFieldMask('properties.title,properties'))).toEqual({ properties: doc.properties });
    expect(applyFieldMask(doc, parseFieldMask('nothing'))).toEqual({});
  });

  it('rejects malformed masks', () => {
    for (const bad of ['', 'a(', 'a)', 'a..b', 'a,', ',a', 'a b', 'a(b))', 'a()']) {
      expect(() => parseFieldMask(bad), bad).toThrow();
    }
  });
});

describe('answer ranges', () => {
  it('quotes a tab title only when the API would', () => {
    expect(apiSheetName('Sheet1')).toBe('Sheet1');
    expect(apiSheetName('_data')).toBe('_data');
    expect(apiSheetName('My Tab')).toBe("'My Tab'");
    expect(apiSheetName("It's")).toBe("'It''s'");
    expect(apiSheetName('CRM26')).toBe("'CRM26'");
    expect(apiSheetName('R1C1')).toBe("'R1C1'");
    expect(apiSheetName('2024')).toBe("'2024'");
  });
});

describe('values trimming (property)', () => {
  const cell = fc.constantFrom<Cell>(null, '', 'x', 0, false, { value: '', formula: '=""' });

  it('matches a plain model: trailing empty cells per row and trailing empty rows dropped', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 8 }), fc.integer({ min: 1, max: 9 }), (rows, firstRow) => {
        const sheet = new Spreadsheet('test-sheet-id', 't', [memoryTab({ title: 'S', rows, gridRows: 10, gridCols: 6 })]);
        const render = cellRenderer('FORMULA', 'SERIAL_NUMBER');
        const answer = readValueRange(sheet.resolve(`S!A${firstRow}:F10`), render, 'ROWS');
        const model = rows.slice(firstRow - 1).map((row) => {
          const out = row.map(render);
          while (out.length > 0 && out[out.length - 1] === '') out.pop();
          return out;
        });
        while (model.length > 0 && (model[model.length - 1] as unknown[]).length === 0) model.pop();
        expect(answer.values ?? []).toEqual(model);
        expect('values' in answer).toBe(model.length > 0);
      }),
    );
  });
});

describe('generatedTab', () => {
  it('is a pure function of (seed, row, column) and respects the column slice', () => {
    const a = generatedTab({ rows: 1_000_000, cols: 300, seed: 5 });
    const b = generatedTab({ rows: 1_000_000, cols: 300, seed: 5 });
    expect(a.row(777_777, 1, 300)).toEqual(b.row(777_777, 1, 300));
    const full = a.row(1234, 1, 300);
    expect(a.row(1234, 40, 60)).toEqual(full.slice(39, 60));
    expect(a.row(1, 1, 300).slice(0, 11)).toEqual([
      'id',
      'name',
      'email',
      'city',
      'amount',
      'date',
      'qty',
      'active',
      'note',
      'col_10',
      'col_11',
    ]);
    expect(a.row(1, 298, 300)).toEqual(['col_298', 'col_299', 'col_300']);
  });

  it('rejects sizes outside the API limits', () => {
    expect(() => generatedTab({ rows: 0, cols: 5 })).toThrow(UsageError);
    expect(() => generatedTab({ rows: 10, cols: 18_279 })).toThrow(UsageError);
  });
});

describe('SlidingWindowQuota', () => {
  it('allows the limit per window and says how long until the oldest request leaves it', () => {
    let now = 0;
    const quota = new SlidingWindowQuota(2, 60_000, () => now);
    expect(quota.take()).toBe(0);
    now = 10_000;
    expect(quota.take()).toBe(0);
    expect(quota.take()).toBe(50);
    now = 59_999.5;
    expect(quota.take()).toBe(1);
    now = 60_000;
    expect(quota.take()).toBe(0);
    expect(quota.take()).toBe(10);
  });
});
