/**
 * The real binaries, end to end: `sheetpipe emulator` in one process, `sheetpipe` in another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { collect, expectExit, runCli, startCli, startEmulatorProcess, type EmulatorProcess } from './harness.js';

const ORDERS_CSV = [
  'id,name,note,amount',
  '1,Ada,"comma, inside",10',
  '2,Bob,"quote "" inside",20',
  '',
  '3,"multi\nline",,30',
  '4,Émile,unicode ✓,',
  '',
  '',
  '5,,,',
  '',
  '',
].join('\n');

// What one unchunked values.get renders to: empty rows inside kept, trailing ones dropped,
// rows padded to the first row's width.
const EXPECTED_CSV = [
  'id,name,note,amount',
  '1,Ada,"comma, inside",10',
  '2,Bob,"quote "" inside",20',
  ',,,',
  '3,"multi\nline",,30',
  '4,Émile,unicode ✓,',
  ',,,',
  ',,,',
  '5,,,',
  '',
].join('\n');

let dir: string;
let emu: EmulatorProcess;
let base: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sheetpipe-e2e-'));
  writeFileSync(join(dir, 'Orders.csv'), ORDERS_CSV);
  emu = await startEmulatorProcess(['--data', join(dir, 'Orders.csv'), '--rows', '5000', '--cols', '6']);
  base = ['--endpoint', emu.endpoint, emu.spreadsheet, '--max-rpm', '0'];
});

afterAll(async () => {
  const code = await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('export', () => {
  it.each([1, 2, 3, 4, 100])('chunked by %i rows, the CSV equals the unchunked rendering', async (rows) => {
    const r = await runCli([...base, 'Orders', '--chunk-rows', String(rows), '-q']);
    expectExit(r, 0);
    expect(r.stdout).toBe(EXPECTED_CSV);
    expect(r.stderr).toBe('');
  });

  it('writes TSV with escapes and NDJSON keyed by the header', async () => {
    const tsv = await runCli([...base, "'Orders'!A1:D", '-f', 'tsv', '-q', '--chunk-rows', '2']);
    expectExit(tsv, 0);
    expect(tsv.stdout.split('\n')[4]).toBe('3\tmulti\\nline\t\t30');
    const nd = await runCli([...base, 'Orders', '-f', 'ndjson', '-q', '--chunk-rows', '3']);
    expectExit(nd, 0);
    const lines = nd.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(8);
    expect(lines[0]).toEqual({ id: '1', name: 'Ada', note: 'comma, inside', amount: '10' });
    expect(lines[2]).toEqual({ id: null, name: null, note: null, amount: null });
    expect(lines[7]).toEqual({ id: '5', name: null, note: null, amount: null });
  });

  it('keeps numbers typed in NDJSON with --render unformatted', async () => {
    const r = await runCli([...base, 'Orders!A1:D3', '-f', 'ndjson', '--render', 'unformatted', '-q']);
    expectExit(r, 0);
    expect(JSON.parse(r.stdout.split('\n')[0] as string)).toEqual({ id: 1, name: 'Ada', note: 'comma, inside', amount: 10 });
  });

  it('prints a one-line summary on stderr and nothing else when not on a terminal', async () => {
    const r = await runCli([...base, 'Orders']);
    expectExit(r, 0);
    expect(r.stdout).toBe(EXPECTED_CSV);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^sheetpipe: 8 rows × 4 columns from 'Orders'!A1:[A-Z]+\d+ → stdout in [\d.]+ s \([\d,]+ rows\/s\), \d+ requests, 0 retries\n$/,
    );
  });

  it('lists tabs with `sheets`, as a table and as JSON', async () => {
    const table = await runCli(['sheets', ...base]);
    expectExit(table, 0);
    expect(table.stdout).toMatch(/^TITLE\s+GID\s+ROWS\s+COLUMNS\n/);
    expect(table.stdout).toContain('Orders');
    const json = await runCli(['sheets', ...base, '--json']);
    expectExit(json, 0);
    const tabs = JSON.parse(json.stdout) as { title: string; rows: number; columns: number }[];
    expect(tabs.map((t) => t.title)).toEqual(expect.arrayContaining(['Orders', 'Generated']));
    expect(tabs.find((t) => t.title === 'Generated')).toMatchObject({ rows: 5000, columns: 6 });
  });

  it('--limit fetches only the chunks it needs', async () => {
    const before = await emu.stats();
    const r = await runCli([...base, 'Generated', '--limit', '3', '-q']);
    expectExit(r, 0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(4);
    const after = await emu.stats();
    expect(after.values - before.values).toBe(1);
    // Read beside the metadata, before the grid's width is known: the API clips the columns.
    expect(after.recentRanges.at(-1)).toBe("'Generated'!A1:ZZZ4");
  });
});

describe('files', () => {
  it('writes -o atomically: the file appears whole and no temp file is left', async () => {
    const out = join(dir, 'out', 'orders.csv');
    const outDir = join(dir, 'out');
    rmSync(outDir, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(outDir);
    const r = await runCli([...base, 'Orders', '-o', out, '--chunk-rows', '2']);
    expectExit(r, 0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(EXPECTED_CSV);
    expect(readdirSync(outDir)).toEqual(['orders.csv']);
  });

  it('infers the format from the extension', async () => {
    const out = join(dir, 'orders.jsonl');
    expectExit(await runCli([...base, 'Orders', '-o', out, '-q']), 0);
    expect(JSON.parse(readFileSync(out, 'utf8').split('\n')[0] as string)).toMatchObject({ id: '1' });
  });

  it('leaves the old file untouched and no temp file when the export fails', async () => {
    const keep = join(dir, 'keep');
    rmSync(keep, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(keep);
    const out = join(keep, 'orders.csv');
    writeFileSync(out, 'old content\n');
    const r = await runCli([...base, 'NoSuchTab!A:B', '-o', out]);
    expectExit(r, 4);
    expect(r.stderr).toMatch(/^sheetpipe: no tab is called 'NoSuchTab'; tabs: .*\n$/);
    expect(readFileSync(out, 'utf8')).toBe('old content\n');
    expect(readdirSync(keep)).toEqual(['orders.csv']);
  });

  it('fails with exit 1 and one line when the folder is missing or read-only', async () => {
    const missing = await runCli([...base, 'Orders', '-o', join(dir, 'nope', 'x.csv')]);
    expectExit(missing, 1);
    expect(missing.stderr).toMatch(/^sheetpipe: cannot write .*x\.csv: the folder .*nope does not exist\n$/);
    if (process.getuid?.() !== 0) {
      const ro = join(dir, 'ro');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(ro, { recursive: true });
      chmodSync(ro, 0o500);
      const r = await runCli([...base, 'Orders', '-o', join(ro, 'x.csv')]);
      chmodSync(ro, 0o700);
      expectExit(r, 1);
      expect(r.stderr).toMatch(/permission denied/);
    }
  });
});

describe('errors and exit codes', () => {
  it.each([
    [['A1:B2:C3'], 2, /^sheetpipe: bad range "A1:B2:C3": more than one ":"/],
    [['Orders!A1:ZZZZ5'], 2, /^sheetpipe: bad range/],
    [['Orders', '--concurrency', '0'], 2, /^sheetpipe: --concurrency expects a whole number from 1 to 64, got `0`/],
    [['Orders', '--format', 'xml'], 2, /^sheetpipe: --format expects one of csv, tsv, ndjson, jsonl, got `xml`/],
    [['Orders', '--concurency', '3'], 2, /did you mean --concurrency\?/],
    [['Orders', '--dates', 'string'], 2, /--dates string applies only with --render unformatted/],
    [['NoSuchName'], 4, /^sheetpipe: no tab or named range is called "NoSuchName"/],
  ])('%j → exit %i', async (args, code, message) => {
    const r = await runCli([...base, ...args]);
    expectExit(r, code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it("-f that contradicts -o's extension is refused before anything is written: no TSV in a .csv file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sheetpipe-clash-'));
    try {
      const file = join(dir, 'x.csv');
      const r = await runCli([...base, 'Orders', '-f', 'tsv', '-o', file]);
      expectExit(r, 2);
      expect(r.stderr).toBe(`sheetpipe: -f tsv contradicts -o ${file} (a .csv file); name the file .tsv, or leave -f out\n`);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad spreadsheet ID is a usage error, an unknown one is not found', async () => {
    const bad = await runCli(['--endpoint', emu.endpoint, 'no/such id']);
    expectExit(bad, 2);
    expect(bad.stderr).toMatch(/^sheetpipe: bad spreadsheet "no\/such id"/);
    const unknown = await runCli(['--endpoint', emu.endpoint, 'abcdefghijklmnop', '--max-rpm', '0']);
    expectExit(unknown, 4);
    expect(unknown.stderr).toMatch(/^sheetpipe: spreadsheet abcdefghijklmnop was not found \(404\)/);
  });

  it('no credentials for a remote endpoint is an auth error that says what to do', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sheetpipe-home-'));
    const r = await runCli(['--endpoint', 'https://sheets.example.invalid/', 'abcdefghijklmnop'], { env: { HOME: home } });
    rmSync(home, { recursive: true, force: true });
    expectExit(r, 3);
    expect(r.stderr).toMatch(
      /^sheetpipe: no Google credentials found; set GOOGLE_APPLICATION_CREDENTIALS .*gcloud auth application-default login --scopes=/,
    );
  });

  it('help leads with examples, version prints the version', async () => {
    const help = await runCli(['--help']);
    expectExit(help, 0);
    expect(help.stdout.indexOf('Examples:')).toBeLessThan(help.stdout.indexOf('options:'));
    expect(help.stdout).toMatch(/\| duckdb/);
    const version = await runCli(['--version']);
    expectExit(version, 0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });
});

describe('pipes and signals', () => {
  it('| head: exits 0, says nothing, and stops fetching', async () => {
    const before = await emu.stats();
    const args = [...base, 'Generated', '--chunk-rows', '50', '-c', '2'];
    const child = startCli(args);
    let seen = '';
    child.stdout!.setEncoding('utf8');
    for await (const data of child.stdout!) {
      seen += data as string;
      if (seen.split('\n').length > 3) break; // breaking destroys our end of the pipe
    }
    const r = await collect(child, args);
    expectExit(r, 0);
    expect(r.stderr).toBe('');
    const after = await emu.stats();
    // 100 chunks in the tab; only the window around the first few were requested.
    expect(after.values - before.values).toBeLessThan(10);
  });

  it('SIGINT mid-export: exit 130 promptly, old file intact, no temp file', async () => {
    const slow = await startEmulatorProcess(['--rows', '2000', '--latency', '3000']);
    try {
      const keep = mkdtempSync(join(tmpdir(), 'sheetpipe-sigint-'));
      const out = join(keep, 'data.csv');
      writeFileSync(out, 'previous\n');
      const args = ['--endpoint', slow.endpoint, slow.spreadsheet, '-o', out, '--max-rpm', '0'];
      const child = startCli(args);
      const done = collect(child, args);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const sent = Date.now();
      child.kill('SIGINT');
      await once(child, 'exit');
      const elapsed = Date.now() - sent;
      const r = await done;
      expectExit(r, 130);
      expect(elapsed).toBeLessThan(1000);
      expect(r.stderr).toBe('sheetpipe: interrupted by SIGINT\n');
      expect(readFileSync(out, 'utf8')).toBe('previous\n');
      expect(readdirSync(keep)).toEqual(['data.csv']);
      rmSync(keep, { recursive: true, force: true });
    } finally {
      await slow.stop();
    }
  });

  it('SIGTERM mid-export: exit 143', async () => {
    const slow = await startEmulatorProcess(['--rows', '2000', '--latency', '3000']);
    try {
      const args = ['--endpoint', slow.endpoint, slow.spreadsheet, '--max-rpm', '0'];
      const child = startCli(args);
      const done = collect(child, args);
      await new Promise((resolve) => setTimeout(resolve, 800));
      child.kill('SIGTERM');
      const r = await done;
      expectExit(r, 143);
    } finally {
      await slow.stop();
    }
  });
});
