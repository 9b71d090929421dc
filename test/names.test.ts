/** File names of a folder export: safe on every OS, never empty, unique ignoring case. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NameSource, fileNames, safeStem } from '../src/output/names.js';

const tab = (title: string, gid = 0, extra: Partial<NameSource> = {}): NameSource => ({ title, gid, ...extra });
const one = (title: string, extension = '.csv') => fileNames([tab(title)], extension)[0];

describe('safeStem: the rule, by example (README shows these)', () => {
  it.each([
    ['Orders', 'Orders'],
    ["Q1 '24", "Q1 '24"],
    ['a/b:c', 'a_b_c'],
    ['back\\slash', 'back_slash'],
    ['what? *now* <x> | "y"', 'what_ _now_ _x_ _ _y_'],
    ['tab\there\nnewline\u0000nul\u007fdel', 'tab_here_newline_nul_del'],
    ['.hidden', '_hidden'],
    ['..', '__'],
    ['...x.y', '___x.y'],
    ['CON', 'CON_'],
    ['nul.txt', 'nul_.txt'],
    ['com1', 'com1_'],
    ['Console', 'Console'],
    ['Zoë ✓ 日本語', 'Zoë ✓ 日本語'],
    ['', '_'],
  ])('%j → %j', (title, stem) => {
    expect(safeStem(title)).toBe(stem);
  });

  it('Unicode is written in NFC: a title typed decomposed gets the composed name', () => {
    expect(safeStem('Zoe\u0308')).toBe('Zo\u00eb');
  });

  it('a long title is clipped to 160 bytes of UTF-8, never inside a character', () => {
    const stem = safeStem('日'.repeat(100));
    expect(Buffer.byteLength(stem)).toBeLessThanOrEqual(160);
    expect(stem).toBe('日'.repeat(53));
    expect(safeStem('😀'.repeat(60))).toBe('😀'.repeat(40));
  });
});

describe('fileNames', () => {
  it('adds the extension, and the cells of a range that names them; a named range is named after itself', () => {
    const names = fileNames(
      [
        tab('Orders'),
        tab('Orders', 0, { cells: 'A2:F' }),
        tab('Orders', 0, { cells: 'B3' }),
        tab('Summary', 7, { named: 'MonthlyRevenue' }),
        tab('a/b', 9, { cells: 'A:C' }),
      ],
      '.ndjson.gz',
    );
    expect(names).toEqual([
      'Orders.ndjson.gz',
      'Orders_A2-F.ndjson.gz',
      'Orders_B3.ndjson.gz',
      'MonthlyRevenue.ndjson.gz',
      'a_b_A-C.ndjson.gz',
    ]);
  });

  it('a later name that collides, ignoring case, gets its gid; the first keeps its name', () => {
    expect(fileNames([tab('a/b', 0), tab('a:b', 11), tab('A_B', 12), tab('a_b_gid11', 13)], '.csv')).toEqual([
      'a_b.csv',
      'a_b_gid11.csv',
      'A_B_gid12.csv',
      'a_b_gid11_gid13.csv',
    ]);
  });

  it('titles that differ only in Unicode normalisation collide (as on macOS)', () => {
    expect(fileNames([tab('Zo\u00eb', 1), tab('Zoe\u0308', 2)], '.csv')).toEqual(['Zoë.csv', 'Zoë_gid2.csv']);
  });

  it('the same range twice: the gid, then a counter', () => {
    expect(fileNames([tab('Orders', 5), tab('Orders', 5), tab('Orders', 5)], '.csv')).toEqual([
      'Orders.csv',
      'Orders_gid5.csv',
      'Orders_gid5_2.csv',
    ]);
  });

  it('property: every name is safe on every OS, at most 255 bytes, and unique ignoring case', () => {
    const title = fc.string({
      unit: fc.oneof(
        fc.constantFrom('/', '\\', ':', '*', '?', '"', '<', '>', '|', '.', ' ', 'a', 'A', '\n', '\u0000', 'é', 'e\u0301', '😀'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 120,
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            title,
            gid: fc.integer({ min: 0, max: 2_147_483_647 }),
            cells: fc.option(fc.constantFrom('A1:B2', 'A:C', 'B3', '5:100'), { nil: undefined }),
          }),
          { maxLength: 20 },
        ),
        fc.constantFrom('.csv', '.tsv.gz', '.ndjson.gz'),
        (sources, extension) => {
          const names = fileNames(sources, extension);
          expect(names).toHaveLength(sources.length);
          expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
          for (const name of names) {
            expect(name.endsWith(extension)).toBe(true);
            expect(name.length).toBeGreaterThan(extension.length);
            // eslint-disable-next-line no-control-regex -- control characters are what must not be there
            expect(name).not.toMatch(/[/\\:*?"<>|\u0000-\u001f\u007f]/);
            expect(name.startsWith('.')).toBe(false);
            expect(name).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
            // 255 bytes at most for the temp file's name too: `.NAME.sheetpipe-PID-RANDOM.tmp` adds 32.
            expect(Buffer.byteLength(name) + 32).toBeLessThanOrEqual(255);
            expect(name).toBe(name.normalize('NFC'));
            expect(Buffer.from(name).toString('utf8'), 'well-formed UTF-16').toBe(name);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('one title, one name', () => {
    expect(one("Q1 '24")).toBe("Q1 '24.csv");
    expect(one('a/b:c', '.tsv.gz')).toBe('a_b_c.tsv.gz');
  });
});
