import { get as httpGet } from 'node:http';
import { describe, expect, it } from 'vitest';
import { generatedTab, startEmulator, type Emulator } from '../src/emulator/index.js';
import { startProxy } from '../benchmarks/lib/proxy.js';
import { sparseTab } from '../benchmarks/lib/sparse-tab.js';

interface Got {
  status: number;
  body: string;
}

function get(url: string, headers: Record<string, string> = {}, abortAfterMs?: number): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (error) => (abortAfterMs === undefined ? reject(error) : resolve({ status: 0, body: '' })));
    if (abortAfterMs !== undefined) setTimeout(() => req.destroy(), abortAfterMs);
  });
}

const valuesUrl = (emu: Emulator, root: string, range: string, query = 'majorDimension=ROWS&prettyPrint=false') =>
  `${root}v4/spreadsheets/${emu.spreadsheetId}/values/${encodeURIComponent(range)}?${query}`;

async function withEmulator<T>(emulator: Promise<Emulator>, fn: (emu: Emulator) => Promise<T>): Promise<T> {
  const emu = await emulator;
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

describe('the sparse tab of the benchmarks', () => {
  it('serves its few rows, the empty rows between them as [], and nothing past the last', async () => {
    const tab = sparseTab({ title: 'Sparse', rows: 50, cells: { 1: ['first'], 8: ['last'] } });
    await withEmulator(startEmulator({ port: 0, tabs: [tab] }), async (emu) => {
      const whole = JSON.parse((await get(valuesUrl(emu, emu.url, "'Sparse'!A1:A50"))).body) as { values?: unknown[] };
      expect(whole.values).toEqual([['first'], [], [], [], [], [], [], ['last']]);
      const gap = JSON.parse((await get(valuesUrl(emu, emu.url, "'Sparse'!A2:A7"))).body) as { values?: unknown[] };
      expect(gap.values).toBeUndefined();
      const meta = JSON.parse((await get(`${emu.url}v4/spreadsheets/${emu.spreadsheetId}`)).body) as {
        sheets: { properties: { gridProperties: { rowCount: number; columnCount: number } } }[];
      };
      expect(meta.sheets[0]?.properties.gridProperties).toMatchObject({ rowCount: 50, columnCount: 1 });
    });
  });

  it('refuses a given row outside its grid', () => {
    expect(() => sparseTab({ title: 'Bad', rows: 10, cells: { 11: ['x'] } })).toThrow(/within 1\.\.10/);
  });
});

describe('the recording and replaying proxy of the benchmarks', () => {
  it('answers an identical request from memory, whatever the order of its query, and keeps codings apart', async () => {
    await withEmulator(startEmulator({ port: 0, tabs: [generatedTab({ rows: 200, cols: 4 })] }), async (emu) => {
      const proxy = await startProxy({ upstream: emu.url, cache: true });
      try {
        const first = await get(valuesUrl(emu, proxy.url, "'Generated'!A1:D200", 'majorDimension=ROWS&prettyPrint=false'));
        const again = await get(valuesUrl(emu, proxy.url, "'Generated'!A1:D200", 'prettyPrint=false&majorDimension=ROWS'));
        expect(first.status).toBe(200);
        expect(again.body).toBe(first.body);
        expect(emu.stats().values).toBe(1);
        const gzip = await get(valuesUrl(emu, proxy.url, "'Generated'!A1:D200"), { 'accept-encoding': 'gzip' });
        expect(gzip.body).not.toBe(first.body);
        expect(emu.stats().values).toBe(2);
        expect(proxy.stats).toMatchObject({ hits: 1, misses: 2 });
        expect(proxy.entries.map((e) => e.coding)).toEqual(['', '', 'gzip']);
        expect(proxy.entries.map((e) => e.bytes)).toEqual([first.body.length, again.body.length, gzip.body.length]);
      } finally {
        await proxy.stop();
      }
    });
  });

  it('passes failures through without keeping them', async () => {
    await withEmulator(startEmulator({ port: 0, tabs: [generatedTab({ rows: 10, cols: 2 })] }), async (emu) => {
      const proxy = await startProxy({ upstream: emu.url, cache: true });
      try {
        const url = `${proxy.url}v4/spreadsheets/${emu.spreadsheetId}/values/${encodeURIComponent("'Nope'!A1:B2")}`;
        const refused = await get(url);
        expect(refused.status).toBe(400);
        expect((await get(url)).status).toBe(400);
        expect(emu.stats().values).toBe(2);
        expect(proxy.entries.map((e) => e.bytes)).toEqual([refused.body.length, refused.body.length]);
        expect(proxy.stats.hits).toBe(0);
      } finally {
        await proxy.stop();
      }
    });
  });

  it('stamps arrivals in order and marks a request its client dropped', async () => {
    await withEmulator(startEmulator({ port: 0, latencyMs: 300, tabs: [generatedTab({ rows: 10, cols: 2 })] }), async (emu) => {
      const proxy = await startProxy({ upstream: emu.url });
      try {
        await get(valuesUrl(emu, proxy.url, "'Generated'!A1:B10"), {}, 30);
        await get(valuesUrl(emu, proxy.url, "'Generated'!A1:B10"));
        await new Promise((resolve) => setTimeout(resolve, 50));
        const [dropped, answered] = proxy.entries;
        expect(dropped?.aborted).toBe(true);
        expect(answered?.aborted).toBe(false);
        expect(answered!.arrived).toBeGreaterThanOrEqual(dropped!.arrived);
        expect(answered!.ended).toBeGreaterThanOrEqual(answered!.arrived);
      } finally {
        await proxy.stop();
      }
    });
  });
});
