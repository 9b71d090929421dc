/**
 * The transcoder against the oracle: random Sheets-shaped answers, cut into pushes at random byte
 * offsets (1-byte pieces too), must give exactly the bytes of "JSON.parse, then format". The CSV
 * oracle is csv-stringify's rule but for a record whose only field is empty: `""`, never an empty
 * line (widths 0 and 1 are drawn, and empty rows and cells, so that rule is exercised too).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEncoding, HeaderKeys } from '../src/transcode/encode.js';
import { MalformedAnswer } from '../src/transcode/scanner.js';
import { answerBytes, answerSpec, cutOffsets, cutSpec } from './support/sheets-answers.js';
import { type OracleAnswer, oracleAnswer, oracleBytes, type OracleOptions } from './support/transcode-oracle.js';
import { transcode } from './support/transcode-run.js';

type Variant = 'csv' | 'tsv' | 'ndjson arrays' | 'ndjson objects';

const header = fc.record({
  texts: fc.array(
    fc.oneof(fc.constantFrom('', 'id', 'name', 'B', 'id_2', '2024', '__proto__', 'a"b', 'naïve'), fc.string({ maxLength: 6 })),
    { maxLength: 6 },
  ),
  firstCol: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 18_000 })),
});

function check(variant: Variant, shape?: 'value-range' | 'batch'): void {
  fc.assert(
    fc.property(answerSpec(shape), cutSpec, fc.nat({ max: 9 }), header, (spec, cuts, width, head) => {
      const body = answerBytes(spec);
      const format = variant.startsWith('ndjson') ? 'ndjson' : (variant as 'csv' | 'tsv');
      const objects = variant === 'ndjson objects';
      const options: OracleOptions = { format, width, header: objects ? head : undefined };
      const encoding = createEncoding(format, objects ? new HeaderKeys(head.texts, head.firstCol) : undefined);
      const run = () => transcode(body, cutOffsets(cuts, body.length), spec.shape, encoding, width);
      let expected: OracleAnswer;
      try {
        expected = oracleAnswer(body.toString('utf8'), spec.shape);
      } catch {
        // Not the API's shape (values before range and majorDimension): refused, whatever the cut.
        expect(run).toThrow(MalformedAnswer);
        return;
      }
      const result = run();
      expect(result.out.toString('utf8')).toBe(oracleBytes(expected, options).toString('utf8'));
      expect(result.out.equals(oracleBytes(expected, options))).toBe(true);
      expect(result.ranges).toEqual(expected.ranges.map((r) => ({ range: r.range, rows: r.rows.length })));
    }),
    { numRuns: 400 },
  );
}

describe('transcoder ≡ JSON.parse then format, for any cut of the body', () => {
  for (const variant of ['csv', 'tsv', 'ndjson arrays', 'ndjson objects'] as const) {
    it(`${variant}, values.get answers`, () => check(variant, 'value-range'));
    it(`${variant}, batchGet answers`, () => check(variant, 'batch'));
  }

  it('the generator does make the shapes the properties claim to cover', () => {
    // A property over a generator that never makes pretty bodies or escapes would pass vacuously.
    const seen = new Set<string>();
    fc.assert(
      fc.property(answerSpec(), (spec) => {
        const text = answerBytes(spec).toString('utf8');
        if (text.includes('\n  "')) seen.add('pretty');
        if (/\\u[dD][89abAB]/.test(text)) seen.add('surrogate escape');
        if (text.includes('\\"')) seen.add('escaped quote');
        if (/\[\s*\]/.test(text)) seen.add('empty array');
        if (/[eE][+-]?\d/.test(text)) seen.add('exponent');
        if (spec.ranges.some((r) => r.rows.length === 0 && r.omitValues)) seen.add('no values');
        if (spec.ranges.some((r) => r.unknown.length > 0)) seen.add('unknown member');
        if ([...text].some((ch) => ch.charCodeAt(0) > 0x7f)) seen.add('raw non-ASCII');
      }),
      { numRuns: 300 },
    );
    expect([...seen].sort()).toEqual(
      ['empty array', 'escaped quote', 'exponent', 'no values', 'pretty', 'raw non-ASCII', 'surrogate escape', 'unknown member'].sort(),
    );
  });
});
