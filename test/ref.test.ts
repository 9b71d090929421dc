import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSpreadsheetRef, type SpreadsheetRef } from '../src/sheet/ref.js';
import { UsageError } from '../src/shared/errors.js';
import { usageMessage } from './support/usage.js';

const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

describe('parseSpreadsheetRef: accepted forms', () => {
  const table: [string, SpreadsheetRef][] = [
    [ID, { id: ID }],
    [`  ${ID}  `, { id: ID }],
    ['abc-DEF_12', { id: 'abc-DEF_12' }],
    ['12345678', { id: '12345678' }],
    [`https://docs.google.com/spreadsheets/d/${ID}`, { id: ID }],
    [`https://docs.google.com/spreadsheets/d/${ID}/`, { id: ID }],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit`, { id: ID }],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=123`, { id: ID, gid: 123 }],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=0`, { id: ID, gid: 0 }],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit?gid=5`, { id: ID, gid: 5 }],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit?usp=sharing&gid=5`, { id: ID, gid: 5 }],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit?usp=sharing`, { id: ID }],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=12&range=A1`, { id: ID, gid: 12 }],
    [`https://docs.google.com/spreadsheets/u/0/d/${ID}/edit`, { id: ID }],
    [`https://docs.google.com/spreadsheets/u/3/d/${ID}/edit#gid=77`, { id: ID, gid: 77 }],
    [`docs.google.com/spreadsheets/d/${ID}/edit#gid=9`, { id: ID, gid: 9 }],
    [`http://docs.google.com/spreadsheets/d/${ID}`, { id: ID }],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=2147483647`, { id: ID, gid: 2_147_483_647 }],
  ];
  it.each(table)('%s', (text, expected) => {
    expect(parseSpreadsheetRef(text)).toStrictEqual(expected);
  });
});

describe('parseSpreadsheetRef: refusals', () => {
  const cases: [string, string][] = [
    ['', 'empty'],
    ['   ', 'empty'],
    ['short', 'ID'],
    ['has space in it', 'ID'],
    ['abc/defghijk', 'ID'],
    ['abc.defghijk', 'ID'],
    [`${ID}!`, 'ID'],
    ['x'.repeat(201), 'ID'],
    [`ftp://docs.google.com/spreadsheets/d/${ID}`, 'ftp:'],
    [`file://docs.google.com/spreadsheets/d/${ID}`, 'file:'],
    ['javascript:alert(1)', 'ID'],
    [`https://evil.com/spreadsheets/d/${ID}`, 'evil.com'],
    [`https://docs.google.com.evil.com/spreadsheets/d/${ID}`, 'docs.google.com.evil.com'],
    [`https://evil.com/docs.google.com/spreadsheets/d/${ID}`, 'evil.com'],
    [`https://drive.google.com/spreadsheets/d/${ID}`, 'drive.google.com'],
    ['https://docs.google.com/document/d/abcdefgh123/edit', '/spreadsheets/d/'],
    ['https://docs.google.com/spreadsheets/', '/spreadsheets/d/'],
    ['https://docs.google.com/spreadsheets/d/', '/spreadsheets/d/'],
    ['https://docs.google.com/spreadsheets/d/short/edit', 'short'],
    ['https://', 'URL'],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=abc`, 'abc'],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=-1`, '-1'],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=`, 'gid'],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit?gid=1.5`, '1.5'],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=2147483648`, '2147483648'],
  ];
  it.each(cases)('%s', (text, mentioned) => {
    const message = usageMessage(() => parseSpreadsheetRef(text));
    expect(message.startsWith('bad spreadsheet')).toBe(true);
    expect(message).toContain(mentioned);
  });

  it.each([
    'https://docs.google.com/spreadsheets/d/e/2PACX-1vQx7ZfX0aBcD/pubhtml',
    'https://docs.google.com/spreadsheets/d/e/2PACX-1vQx7ZfX0aBcD/pub?gid=0&single=true&output=csv',
    'docs.google.com/spreadsheets/u/1/d/e/2PACX-1vQx7ZfX0aBcD/pubhtml#gid=3',
  ])('a "publish to the web" link says it carries no ID, and where the ID is: %s', (text) => {
    const message = usageMessage(() => parseSpreadsheetRef(text));
    expect(message.startsWith(`bad spreadsheet "${text.slice(0, 40)}`)).toBe(true);
    expect(message).toContain(
      '": a "publish to the web" link carries no spreadsheet ID; ' +
        'open the spreadsheet itself and give the ID from its address bar, docs.google.com/spreadsheets/d/<ID>/edit',
    );
  });

  it('a spreadsheet whose ID merely starts with "e" is no published link', () => {
    expect(parseSpreadsheetRef('https://docs.google.com/spreadsheets/d/eFGHIJKLmnop/edit')).toEqual({ id: 'eFGHIJKLmnop' });
  });

  it('gives a one-line message when the input holds a newline', () => {
    usageMessage(() => parseSpreadsheetRef('not an id\nsecond line'));
    usageMessage(() => parseSpreadsheetRef('https://evil.com/\n/spreadsheets/d/abcdefgh123'));
  });
});

// ---------- property tests ----------

const idArb = fc.string({ unit: fc.constantFrom(...'ABCXYZabcxyz0189-_'), minLength: 8, maxLength: 200 });
const gidArb = fc.option(fc.integer({ min: 0, max: 2_147_483_647 }), { nil: undefined });

function checkClean(text: string): void {
  let value: SpreadsheetRef;
  try {
    value = parseSpreadsheetRef(text);
  } catch (error) {
    if (!(error instanceof UsageError))
      throw new Error(`parseSpreadsheetRef(${JSON.stringify(text)}) threw ${String(error)}`, { cause: error });
    if (/[\r\n]/.test(error.message))
      throw new Error(`multi-line message for ${JSON.stringify(text)}: ${JSON.stringify(error.message)}`, { cause: error });
    return;
  }
  expect(value.id).toMatch(/^[A-Za-z0-9_-]{8,200}$/);
  if (value.gid !== undefined) expect(Number.isSafeInteger(value.gid) && value.gid >= 0).toBe(true);
  // A returned ID is itself a valid reference to the same spreadsheet.
  expect(parseSpreadsheetRef(value.id)).toStrictEqual({ id: value.id });
}

const REF_FRAGMENTS = [
  'https://',
  'http://',
  'ftp://',
  'docs.google.com',
  'evil.com',
  '/spreadsheets',
  '/d/',
  '/u/0',
  '/edit',
  'abcdefgh1234',
  '#gid=',
  '?gid=',
  '&',
  '123',
  '-1',
  '%20',
  ' ',
  '@',
  ':443',
  '..',
  '/',
  'é',
  '\n',
  '\u0000',
  '#',
  '?',
];

describe('parseSpreadsheetRef properties', () => {
  it('every URL shape carries the ID and gid through', () => {
    fc.assert(
      fc.property(
        idArb,
        gidArb,
        fc.constantFrom(
          'https://docs.google.com/spreadsheets',
          'http://docs.google.com/spreadsheets',
          'docs.google.com/spreadsheets',
          'https://docs.google.com/spreadsheets/u/1',
        ),
        fc.constantFrom('', '/', '/edit', '/edit?usp=sharing', '/htmlview'),
        fc.constantFrom('hash', 'query'),
        (id, gid, prefix, suffix, where) => {
          const gidPart = gid === undefined ? '' : where === 'hash' ? `#gid=${gid}` : `${suffix.includes('?') ? '&' : '?'}gid=${gid}`;
          const url = `${prefix}/d/${id}${suffix}${gidPart}`;
          const expected: SpreadsheetRef = gid === undefined ? { id } : { id, gid };
          expect(parseSpreadsheetRef(url)).toStrictEqual(expected);
          expect(parseSpreadsheetRef(id)).toStrictEqual({ id });
        },
      ),
      { numRuns: 1000 },
    );
  });

  // Fuzz budget: 4,000 + 3,000 + 3,000 = 10,000 generated strings across the three properties below.
  it('fuzz: arbitrary unicode strings never throw anything but a one-line UsageError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 })), checkClean),
      {
        numRuns: 4000,
      },
    );
  });

  it('fuzz: strings built from URL fragments never throw anything but a one-line UsageError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...REF_FRAGMENTS), { maxLength: 12 }).map((p) => p.join('')),
        checkClean,
      ),
      { numRuns: 3000 },
    );
  });

  it('fuzz: arbitrary web URLs never throw anything but a one-line UsageError', () => {
    fc.assert(fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), checkClean), { numRuns: 3000 });
  });
});
