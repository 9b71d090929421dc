/**
 * An answer cut anywhere loses and repeats nothing: the export continues the chunk from its first
 * row not yet written. Property: for random sheets, chunk sizes and formats, with answers cut at
 * random bytes (reset or closed), the output is byte-identical to a clean run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collector } from './support/collect.js';
import { type Cell, memoryTab, startEmulator } from '../src/emulator/index.js';
import { exportToStream, type StreamExportOptions } from '../src/index.js';
import { type CutPlan, startCuttingProxy } from './support/cutting-proxy.js';

const cellArb: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom('a,b', 'say "hi"', 'two\nlines', 'tab\there', 'back\\slash', 'Zoë ✓', '') },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 100_000 }) },
  { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.boolean() },
);
const rowArb = fc.oneof({ weight: 1, arbitrary: fc.constant<Cell[]>([]) }, { weight: 6, arbitrary: fc.array(cellArb, { maxLength: 7 }) });
const sheetArb = fc.array(rowArb, { minLength: 1, maxLength: 120 });

const cutArb = fc.array(
  fc.option(
    fc.record({ fraction: fc.double({ min: 0, max: 1, noNaN: true }), how: fc.constantFrom<'reset' | 'close'>('reset', 'close') }),
    { freq: 2 },
  ),
  {
    maxLength: 40,
  },
);

async function run(endpoint: string, spreadsheet: string, options: Partial<StreamExportOptions>): Promise<{ bytes: Buffer }> {
  const out = collector();
  await exportToStream(
    { spreadsheet, endpoint, range: 'Data', maxRpm: 0, retries: 60, backoff: { baseMs: 1, capMs: 2, jitterMs: 1 }, ...options },
    out.stream,
  );
  return { bytes: out.bytes() };
}

/** A run that hangs fails the property at once (with its counterexample), not the whole test at its timeout. */
async function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not end within 10 s`)), 10_000);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe('an answer cut anywhere', () => {
  it('property: cut at random bytes, for random sheets, chunk sizes and formats, the output is byte-identical to a clean run', async () => {
    // A cut after every row asked has arrived costs no retry; what must hold is the bytes.
    let cutsSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        sheetArb,
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom<StreamExportOptions['format']>('csv', 'tsv', 'ndjson'),
        fc.boolean(),
        cutArb,
        async (rows, chunkRows, format, header, cuts) => {
          const emu = await startEmulator({ port: 0, tabs: [memoryTab({ title: 'Data', rows, gridRows: rows.length + 3, gridCols: 8 })] });
          const plan: CutPlan = (n, length) => {
            const cut = cuts[n];
            return cut ? { at: Math.floor(cut.fraction * length), how: cut.how } : undefined;
          };
          const proxy = await startCuttingProxy(emu.url, plan);
          try {
            const options = { format, header, chunkRows, concurrency: 3, render: 'unformatted' as const };
            const clean = await within(run(emu.url, emu.spreadsheetId, options), 'the clean run');
            const cut = await within(run(proxy.url, emu.spreadsheetId, options), 'the cut run');
            expect(cut.bytes.toString('utf8')).toBe(clean.bytes.toString('utf8'));
            cutsSeen += proxy.stats().cut;
          } finally {
            await proxy.stop();
            await emu.stop();
          }
        },
      ),
      { numRuns: 150 },
    );
    // The property did exercise cut answers.
    expect(cutsSeen).toBeGreaterThan(20);
  }, 120_000);
});
