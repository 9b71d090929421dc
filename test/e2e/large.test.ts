/**
 * A 1,000,000-row × 10-column generated tab through the real binaries: the file sheetpipe writes
 * equals, by row count and SHA-256, the CSV rendering of one unchunked values.get of the range.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { describeResult, runCli, startEmulatorProcess, type EmulatorProcess } from './harness.js';

const ROWS = 1_000_000;
const COLS = 10;
let emu: EmulatorProcess;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sheetpipe-large-'));
  emu = await startEmulatorProcess(['--rows', String(ROWS), '--cols', String(COLS), '--seed', '42']);
});

afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function fileDigest(path: string): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256');
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    for (const byte of chunk as Buffer) if (byte === 10) lines += 1;
  }
  return { sha256: hash.digest('hex'), lines };
}

/** The reference: one unchunked read, rendered by csv-stringify, rows padded to the range width. */
async function unchunkedDigest(): Promise<{ sha256: string; records: number }> {
  const range = encodeURIComponent(`'Generated'!A1:J${ROWS}`);
  const res = await fetch(`${emu.endpoint}v4/spreadsheets/${emu.spreadsheet}/values/${range}`);
  expect(res.status).toBe(200);
  const values = ((await res.json()) as { values: (string | number | boolean)[][] }).values;
  const hash = createHash('sha256');
  const options = { cast: { boolean: (b: boolean) => (b ? 'TRUE' : 'FALSE') } };
  for (let i = 0; i < values.length; i += 50_000) {
    const batch = values
      .slice(i, i + 50_000)
      .map((row) => (row.length < COLS ? [...row, ...Array<string>(COLS - row.length).fill('')] : row));
    hash.update(stringify(batch, options));
  }
  return { sha256: hash.digest('hex'), records: values.length };
}

it('exports 1,000,000 rows × 10 columns byte-identical to one unchunked read', async () => {
  const out = join(dir, 'large.csv');
  const r = await runCli(['--endpoint', emu.endpoint, emu.spreadsheet, "'Generated'!A:J", '-o', out, '--max-rpm', '0']);
  expect(r.code, describeResult(r)).toBe(0);
  expect(r.stderr).toMatch(/^sheetpipe: 999,999 rows × 10 columns from 'Generated'!A1:J1000000 → .*large\.csv/);
  const got = await fileDigest(out);
  const want = await unchunkedDigest();
  expect(want.records).toBe(ROWS);
  expect(got.lines).toBeGreaterThanOrEqual(ROWS);
  expect(got.sha256).toBe(want.sha256);
}, 180_000);
