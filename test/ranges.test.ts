/**
 * Several ranges in one run: one metadata request, one pool and one quota budget, small ranges
 * packed into values:batchGet. Each range's bytes equal its own single export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collector } from './support/collect.js';
import { type Cell, type Emulator, generatedTab, memoryTab, startEmulator } from '../src/emulator/index.js';
import { exportToStream } from '../src/index.js';
import { resolveRange } from '../src/sheet/resolve.js';
import { exportRangesTo } from '../src/engine/run.js';

const smallTab = (i: number) => {
  const rows: Cell[][] = [['id', 'tab', 'note']];
  for (let r = 1; r <= 5 + i; r++) rows.push(r % 4 === 0 ? [] : [r, `t${i}`, r % 3 === 0 ? 'a, b' : '']);
  return memoryTab({ title: `Small ${i}`, rows, gridRows: 40, gridCols: 6 });
};

let emu: Emulator;
const titles = [...Array.from({ length: 12 }, (_, i) => `Small ${i}`), 'Big'];

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    tabs: [...Array.from({ length: 12 }, (_, i) => smallTab(i)), generatedTab({ title: 'Big', rows: 40_000, cols: 6 })],
  });
});
afterAll(() => emu?.stop());

describe('exportRangesTo', () => {
  it.each(['csv', 'ndjson'] as const)('every range equals its single export, small ones batched (%s)', async (format) => {
    const before = emu.stats().values;
    const outs = titles.map(() => collector());
    const result = await exportRangesTo(
      { spreadsheet: emu.spreadsheetId, endpoint: emu.url, maxRpm: 0, concurrency: 3 },
      {
        format,
        select: (meta) => titles.map((title) => ({ range: resolveRange({ kind: 'name', name: title }, meta) })),
        open: (_selected, i: number) => (chunk: Buffer) => void outs[i]!.stream.write(chunk),
      },
    );
    const requests = emu.stats().values - before;
    // 12 small tabs in one batch, the big one in its chunks: far fewer than one request per tab.
    expect(requests).toBeLessThan(titles.length);
    expect(result.written.map((w) => w.range.sheet.title)).toEqual(titles);
    for (const [i, title] of titles.entries()) {
      const single = collector();
      await exportToStream({ spreadsheet: emu.spreadsheetId, endpoint: emu.url, maxRpm: 0, range: title, format }, single.stream);
      expect(outs[i]!.text(), title).toBe(single.text());
    }
    expect(result.written.at(-1)?.rows).toBe(39_999);
  });
});
