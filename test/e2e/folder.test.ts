/**
 * The folder export through the real binary: `--all-sheets -o DIR` and `RANGE RANGE... -o DIR`.
 * Every file equals its tab's single export byte for byte, in every format and gzipped; names are
 * safe and unique; chart tabs are skipped in one line; small tabs share batch requests; the
 * manifest describes the files as written.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteSheetName } from '../../src/sheet/a1.js';
import { type Cell, chartTab, generatedTab, memoryTab } from '../../src/emulator/index.js';
import { type FaultEmulator, expectExit, mixedTab, startFaultEmulator } from '../faults/helpers.js';
import { expectManifestMatchesFiles, plantOldSet, readManifest, snapshot } from '../support/folder.js';
import { describeResult, runCli } from './harness.js';

const small = (title: string, n: number) => {
  const rows: Cell[][] = [['id', 'title', 'note']];
  for (let r = 1; r <= n; r++) rows.push([r, title, r % 3 === 0 ? 'a "quoted", line\nbreak' : '']);
  return memoryTab({ title, rows, gridRows: 50, gridCols: 4 });
};

// In tab order. 'a_b_c' collides with 'a/b:c' once made safe; the chart has no cells; a long title is clipped.
const LONG = '長'.repeat(100);
const TITLES = ['Mixed', "Q1 '24", 'a/b:c', 'A_B_C', 'Zoë ✓ 日本語', '.hidden', LONG, 'Big'];
const FILES = ['Mixed', "Q1 '24", 'a_b_c', 'A_B_C_gid77', 'Zoë ✓ 日本語', '_hidden', '長'.repeat(53), 'Big'];

let emu: FaultEmulator;
let root: string;
let n = 0;

beforeAll(async () => {
  emu = await startFaultEmulator([
    mixedTab(),
    small("Q1 '24", 4),
    small('a/b:c', 2),
    memoryTab({ title: 'A_B_C', rows: [['x'], [1]], sheetId: 77 }),
    chartTab('Revenue chart'),
    small('Zoë ✓ 日本語', 3),
    small('.hidden', 1),
    small(LONG, 2),
    // 30,000 × 6 = 180,000 cells: more than one request's budget, so it is chunked, not batched.
    generatedTab({ title: 'Big', rows: 30_000, cols: 6, seed: 3 }),
  ]);
  root = mkdtempSync(join(tmpdir(), 'sheetpipe-folder-'));
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await emu?.stop();
});

const fresh = () => join(root, `out-${++n}`);

/** stdout of the single export of `title`, quiet. */
async function single(title: string, args: readonly string[] = []): Promise<Buffer> {
  const r = await runCli([...emu.base, quoteSheetName(title), '-q', ...args]);
  expectExit(r, 0);
  return Buffer.from(r.stdout, 'utf8');
}

describe('--all-sheets -o DIR', () => {
  it.each([
    ['csv', []],
    ['tsv', ['-f', 'tsv']],
    ['ndjson', ['-f', 'ndjson']],
    ['ndjson', ['-f', 'ndjson', '--no-header', '--render', 'unformatted']],
  ] as const)("every tab's file equals its single export byte for byte (%s %j)", async (format, args) => {
    const dir = fresh();
    const r = await runCli([...emu.base, '--all-sheets', '-o', dir, '-q', ...args]);
    expectExit(r, 0);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual([...FILES.map((f) => `${f}.${format}`), '_manifest.json'].sort());
    for (const [i, title] of TITLES.entries()) {
      expect(readFileSync(join(dir, `${FILES[i]}.${format}`)).equals(await single(title, args)), title).toBe(true);
    }
  });

  it('--gzip: each file decompresses to its single export; the manifest hashes the gzip bytes', async () => {
    const dir = fresh();
    const r = await runCli([...emu.base, '--all-sheets', '-o', dir, '--gzip', '-q']);
    expectExit(r, 0);
    for (const [i, title] of TITLES.entries()) {
      const gz = readFileSync(join(dir, `${FILES[i]}.csv.gz`));
      expect(gz.subarray(0, 2).toString('hex')).toBe('1f8b');
      expect(gunzipSync(gz).equals(await single(title)), title).toBe(true);
    }
    const manifest = readManifest(dir);
    expect(manifest.format).toBe('csv');
    expect(manifest.files.map((f) => f.file)).toEqual(FILES.map((f) => `${f}.csv.gz`));
    expectManifestMatchesFiles(dir, manifest);
  });

  it('the manifest: the exact fields, tab order, rows as the summary counts them, sizes and hashes of the files', async () => {
    const dir = fresh();
    const started = Date.now();
    const r = await runCli([...emu.base, '--all-sheets', '-o', dir]);
    expectExit(r, 0);
    const manifest = readManifest(dir);
    expect(Object.keys(manifest)).toEqual([
      'spreadsheet',
      'title',
      'locale',
      'timeZone',
      'format',
      'exported_at',
      'requests',
      'boundaries',
      'rereads',
      'files',
    ]);
    // A quiet sheet: read once, and the one tab read in chunks has its boundaries checked.
    expect(manifest.rereads).toBe(0);
    expect(manifest.boundaries).toBeGreaterThan(0);
    expect(manifest).toMatchObject({
      spreadsheet: emu.spreadsheetId,
      title: 'sheetpipe emulator',
      locale: 'en_US',
      timeZone: 'Etc/GMT',
      format: 'csv',
    });
    expect(new Date(manifest.exported_at).getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(manifest.exported_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const f of manifest.files) expect(Object.keys(f)).toEqual(['file', 'sheet', 'gid', 'range', 'rows', 'columns', 'bytes', 'sha256']);
    expect(manifest.files.map((f) => f.sheet)).toEqual(TITLES);
    expect(manifest.files.find((f) => f.sheet === 'A_B_C')).toMatchObject({
      file: 'A_B_C_gid77.csv',
      gid: 77,
      range: "'A_B_C'!A1:Z1000",
      rows: 1,
      columns: 1,
    });
    expect(manifest.files.find((f) => f.sheet === 'Big')).toMatchObject({ range: "'Big'!A1:F30000", rows: 29_999, columns: 6 });
    expect(manifest.files[0]?.gid).toBe(0);
    expectManifestMatchesFiles(dir, manifest);
    // The summary: a line per file with the manifest's rows, then the total with the requests made.
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, describeResult(r)).toHaveLength(manifest.files.length + 2);
    expect(lines[0]).toBe("sheetpipe: skipped 1 chart tab (no cells): 'Revenue chart'");
    for (const [i, f] of manifest.files.entries()) {
      expect(lines[i + 1]).toMatch(
        new RegExp(`^sheetpipe: ${f.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${f.rows.toLocaleString('en-US')} rows? +× `),
      );
    }
    const total = manifest.files.reduce((s, f) => s + f.rows, 0);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^sheetpipe: 8 files, ${total.toLocaleString('en-US')} rows → .* in [\\d.]+ s \\([\\d,]+ rows/s\\), ${manifest.requests} requests, 0 retries, ${manifest.boundaries} boundar(y|ies) checked$`,
      ),
    );
  });

  it('chart tabs are skipped and named in one stderr line; -q silences it', async () => {
    const r = await runCli([...emu.base, '--all-sheets', '-o', fresh()]);
    expectExit(r, 0);
    expect(r.stderr.split('\n').filter((l) => l.includes('Revenue chart'))).toEqual([
      "sheetpipe: skipped 1 chart tab (no cells): 'Revenue chart'",
    ]);
    const quiet = await runCli([...emu.base, '--all-sheets', '-o', fresh(), '-q']);
    expect(quiet.stderr).toBe('');
  });

  it('a missing folder is created when its parent exists; an existing folder keeps files of tabs no longer there', async () => {
    const dir = fresh();
    mkdirSync(dir);
    const before = plantOldSet(dir, ['Mixed.csv']);
    const r = await runCli([...emu.base, '--all-sheets', '-o', dir, '-q']);
    expectExit(r, 0);
    const after = snapshot(dir);
    expect(after['Gone.csv']).toEqual(before['Gone.csv']);
    expect(after['Mixed.csv']).not.toEqual(before['Mixed.csv']);
    expect(readManifest(dir).files.map((f) => f.file)).not.toContain('Gone.csv');
    expect(Object.keys(after).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});

describe('several ranges -o DIR', () => {
  it('one file per range, in argument order, cells in the name; each equals its single export', async () => {
    const dir = fresh();
    const ranges = ["'Q1 ''24'", 'Mixed!B2:D40', "'a/b:c'!A:B", 'Big'];
    const r = await runCli([...emu.base, ...ranges, '-o', dir, '-q', '-f', 'tsv']);
    expectExit(r, 0);
    const names = ["Q1 '24.tsv", 'Mixed_B2-D40.tsv', 'a_b_c_A-B.tsv', 'Big.tsv'];
    expect(readManifest(dir).files.map((f) => f.file)).toEqual(names);
    for (const [i, range] of ranges.entries()) {
      const alone = await runCli([...emu.base, range, '-q', '-f', 'tsv']);
      expect(readFileSync(join(dir, names[i] as string), 'utf8'), range).toBe(alone.stdout);
    }
  });
});

describe('batching', () => {
  it('30 small tabs (new-sheet grids of 1000 × 26) cost at most 3 values requests, and each file is still its single export', async () => {
    const tabs = Array.from({ length: 30 }, (_, i) =>
      memoryTab({ title: `Tab ${i + 1}`, rows: [['id', 'n'], ...Array.from({ length: 3 + (i % 7) }, (_, r): Cell[] => [r + 1, i])] }),
    );
    const many = await startFaultEmulator(tabs);
    try {
      const dir = fresh();
      const before = many.stats().values;
      const r = await runCli([...many.base, '--all-sheets', '-o', dir, '-q']);
      expectExit(r, 0);
      const values = many.stats().values - before;
      expect(values, describeResult(r)).toBeLessThanOrEqual(3);
      expect(values).toBeGreaterThanOrEqual(1);
      expect(readManifest(dir).requests).toBe(values + 1);
      for (const i of [0, 14, 29]) {
        const alone = await runCli([...many.base, `'Tab ${i + 1}'`, '-q']);
        expect(readFileSync(join(dir, `Tab ${i + 1}.csv`), 'utf8')).toBe(alone.stdout);
      }
    } finally {
      await many.stop();
    }
  });
});

describe('-o FILE.csv.gz', () => {
  it('decompresses to the bytes of -o FILE.csv; the format comes from the inner extension', async () => {
    const dir = fresh();
    mkdirSync(dir);
    for (const out of ['x.csv', 'x.csv.gz', 'x.ndjson.gz']) expectExit(await runCli([...emu.base, 'Mixed', '-o', join(dir, out), '-q']), 0);
    const plain = readFileSync(join(dir, 'x.csv'));
    expect(gunzipSync(readFileSync(join(dir, 'x.csv.gz'))).equals(plain)).toBe(true);
    expect(gunzipSync(readFileSync(join(dir, 'x.ndjson.gz'))).equals(await single('Mixed', ['-f', 'ndjson']))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['x.csv', 'x.csv.gz', 'x.ndjson.gz']);
  });
});

describe('usage errors: exit 2, nothing written', () => {
  it.each([
    [['Mixed', 'Big'], /^sheetpipe: 2 ranges write one file per range into a folder, not to stdout: add -o DIR$/],
    [['Mixed', 'Big', '-o', '-'], /add -o DIR$/],
    [['--all-sheets'], /^sheetpipe: --all-sheets writes one file per tab into a folder, not to stdout: add -o DIR$/],
    [['--all-sheets', 'Mixed', '-o', 'x'], /give --all-sheets or ranges, not both/],
    [['Mixed', '--gzip'], /--gzip writes a file: give -o FILE\.csv\.gz/],
  ])('%j', async (args, message) => {
    const before = emu.stats().requests;
    const r = await runCli([...emu.base, ...args], { cwd: root });
    expectExit(r, 2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(existsSync(join(root, 'x'))).toBe(false);
    expect(emu.stats().requests).toBe(before);
  });

  it('-o naming an existing file in folder mode: exit 2, the file untouched, no request', async () => {
    const file = join(root, `file-${++n}.csv`);
    writeFileSync(file, 'keep me\n');
    const before = emu.stats().requests;
    const r = await runCli([...emu.base, '--all-sheets', '-o', file]);
    expectExit(r, 2);
    expect(r.stderr).toMatch(/is a file: several ranges, or every tab, are written one file each into a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(emu.stats().requests).toBe(before);
  });

  it('a folder whose parent is missing: exit 1, nothing created', async () => {
    const dir = join(root, 'no-such-parent', 'out');
    const r = await runCli([...emu.base, '--all-sheets', '-o', dir]);
    expectExit(r, 1);
    expect(r.stderr).toMatch(/cannot create the folder .*: .*no-such-parent does not exist/);
    expect(existsSync(join(root, 'no-such-parent'))).toBe(false);
  });
});
