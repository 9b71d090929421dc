/**
 * The README's promises where they broke: a hidden first tab, a signal while a folder export opens
 * its files, a path that names stdout, a full disk behind stdout, a width warning under -q, and the
 * lines that named the wrong thing (a folder that cannot be written, a dangling link, a file named
 * as a folder, a tab no request can name, a 404 after the metadata was read). Each through the
 * built CLI against an in-process emulator.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cell, memoryTab } from '../../src/emulator/index.js';
import { BIN, childEnv, collect, describeResult, runCli, startCli } from '../e2e/harness.js';
import { plantOldSet, snapshot } from '../support/folder.js';
import { type FaultEmulator, exitOf, expectExit, startFaultEmulator, tempFiles, waitFor } from './helpers.js';

let root: string;
let n = 0;
const fresh = (name: string) => join(root, `${name}-${++n}`);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sheetpipe-trust-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const grid = (rows: number, cols: number, tag: string): Cell[][] =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => `${tag}${r + 1}.${c + 1}`));
const csvOf = (rows: Cell[][]) => rows.map((r) => r.join(',')).join('\n') + '\n';

/** `bash -c SCRIPT` with the built CLI as `sheetpipe`; stdout, stderr and the exit code. */
function shell(script: string) {
  const child = spawn('bash', ['-c', `sheetpipe() { "${process.execPath}" "${BIN}" "$@"; }\n${script}`], {
    env: childEnv(),
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, ['bash', '-c', script]);
}

describe('a hidden first tab', () => {
  let emu: FaultEmulator;
  const hidden = grid(1500, 3, 'h');
  beforeAll(async () => {
    // Without a tab name the API reads the first visible tab, 'Shown', while the metadata lists
    // 'Hidden' first: the early read is of the wrong tab, and must be dropped quietly. Jittered
    // latency lets its answer come before the metadata's, or after.
    emu = await startFaultEmulator(
      [memoryTab({ title: 'Hidden', hidden: true, rows: hidden }), memoryTab({ title: 'Shown', rows: grid(40, 2, 's') })],
      [],
      {
        latencyMs: 30,
        jitterMs: 25,
      },
    );
  });
  afterAll(() => emu.stop());

  it('the whole first tab, run 12 times: every run exits 0 with the hidden tab, no temp file left', async () => {
    const dir = fresh('hidden');
    mkdirSync(dir);
    for (let batch = 0; batch < 3; batch++) {
      const runs = await Promise.all(
        Array.from({ length: 4 }, (_, i) => runCli([...emu.base, '-q', '-o', join(dir, `out-${batch}-${i}.csv`)])),
      );
      for (const [i, r] of runs.entries()) {
        expectExit(r, 0);
        expect(r.stderr, describeResult(r)).toBe('');
        expect(readFileSync(join(dir, `out-${batch}-${i}.csv`), 'utf8')).toBe(csvOf(hidden));
      }
    }
    expect(tempFiles(dir)).toEqual([]);
  });

  it("a range without a tab (A2:B) is the hidden first tab's too", async () => {
    const r = await runCli([...emu.base, 'A2:B5', '-q']);
    expectExit(r, 0);
    expect(r.stdout).toBe(csvOf(hidden.slice(1, 5).map((row) => row.slice(0, 2))));
  });
});

describe('a signal while a folder export opens its files', () => {
  let emu: FaultEmulator;
  beforeAll(async () => {
    // Hundreds of tabs: opening their temp files takes a moment, between the metadata and the first request.
    emu = await startFaultEmulator(Array.from({ length: 600 }, (_, i) => memoryTab({ title: `T${i + 1}`, rows: [['n'], [i]] })));
  });
  afterAll(() => emu.stop());

  it.each(['an existing folder', 'a folder the run creates'])(
    'SIGINT as the first temp file appears in %s: exit 130, the folder as it was',
    async (which) => {
      const dir = fresh('opening');
      const existed = which === 'an existing folder';
      if (existed) {
        mkdirSync(dir);
        plantOldSet(dir, ['T1.csv']);
      }
      const before = existed ? snapshot(dir) : undefined;
      const args = [...emu.base, '--all-sheets', '-o', dir];
      const child = startCli(args);
      const done = collect(child, args);
      await waitFor(() => existsSync(dir) && tempFiles(dir).length > 0, 10_000, 'the first temp file');
      child.kill('SIGINT');
      await exitOf(child);
      const r = await done;
      expectExit(r, 130);
      expect(r.stderr, describeResult(r)).toBe('sheetpipe: interrupted by SIGINT\n');
      if (before) expect(snapshot(dir)).toEqual(before);
      else expect(existsSync(dir), describeResult(r)).toBe(false);
    },
  );
});

describe('the destination', () => {
  let emu: FaultEmulator;
  const rows = grid(30, 3, 'r');
  beforeAll(async () => {
    emu = await startFaultEmulator([memoryTab({ title: 'Data', rows })]);
  });
  afterAll(() => emu.stop());

  it("-o /dev/stdout appended to a file (>>) keeps the file's earlier lines, as > and >> would", async () => {
    const app = join(root, `app-${++n}.csv`);
    writeFileSync(app, 'earlier line\n');
    const r = await shell(`sheetpipe ${emu.base.join(' ')} Data -q -o /dev/stdout >> '${app}'`);
    expectExit(r, 0);
    expect(readFileSync(app, 'utf8')).toBe(`earlier line\n${csvOf(rows)}`);
    const replaced = await shell(`sheetpipe ${emu.base.join(' ')} Data -q -o /dev/fd/1 > '${app}'`);
    expectExit(replaced, 0);
    expect(readFileSync(app, 'utf8')).toBe(csvOf(rows));
  });

  it('-o /dev/stderr into the same file as the summary: the rows, then the summary line', async () => {
    const log = join(root, `log-${++n}.txt`);
    const r = await shell(`sheetpipe ${emu.base.join(' ')} 'Data!A1:C2' -o /dev/stderr 2> '${log}'`);
    expectExit(r, 0);
    const text = readFileSync(log, 'utf8');
    expect(text.startsWith(csvOf(rows.slice(0, 2)))).toBe(true);
    expect(text.slice(csvOf(rows.slice(0, 2)).length)).toMatch(/^sheetpipe: 1 row × 3 columns from 'Data'!A1:C2 → \/dev\/stderr in /);
  });

  it("stdout on a full disk (> /dev/full): the output family's line, exit 1", async () => {
    const r = await shell(`sheetpipe ${emu.base.join(' ')} Data > /dev/full`);
    expectExit(r, 1);
    expect(r.stderr).toBe('sheetpipe: cannot write to stdout: the disk is full (ENOSPC); the output is incomplete\n');
  });
});

describe('a row wider than the width', () => {
  let emu: FaultEmulator;
  beforeAll(async () => {
    const rows: Cell[][] = [['id', 'name']];
    for (let r = 2; r <= 1200; r++) rows.push(r === 1100 ? [r, 'wide', 'x', 'y'] : [r, `n${r}`]);
    emu = await startFaultEmulator([memoryTab({ title: 'Wide', rows })]);
  });
  afterAll(() => emu.stop());

  it('is said even under -q: the warning is about the data; the summary states the widest row written', async () => {
    const quiet = await runCli([...emu.base, '-q']);
    expectExit(quiet, 0);
    expect(quiet.stderr).toMatch(
      /^sheetpipe: warning: row 1100 has 4 cells, more than the 2 columns of its first 1,000 rows; it is written whole \(name the last column, e\.g\. A:Z, to fix the width\)\n$/,
    );
    const told = await runCli([...emu.base, '-o', join(root, `wide-${++n}.csv`)]);
    expect(told.stderr.split('\n')[1]).toMatch(/^sheetpipe: 1,199 rows × 4 columns from 'Wide'!/);
  });
});

describe('lines that name what failed', () => {
  let emu: FaultEmulator;
  beforeAll(async () => {
    emu = await startFaultEmulator(
      [memoryTab({ title: 'Orders', rows: [['id'], [1]] }), memoryTab({ title: 'Data', rows: grid(30, 2, 'd') })],
      // The spreadsheet is gone by the time the third chunk is asked for.
      [{ match: { range: "'Data'!A20:" }, fault: 'status', status: 404 }],
    );
  });
  afterAll(() => emu.stop());

  it('a folder that cannot take files: named itself, not its parent (exit 1)', async () => {
    const dir = fresh('ro');
    mkdirSync(dir);
    let target = dir;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', dir], { stdio: 'pipe' });
    } catch {
      // No mount here: a folder no process may write into, root included.
      target = '/proc/self';
    }
    try {
      const r = await runCli([...emu.base, '--all-sheets', '-o', target]);
      expectExit(r, 1);
      expect(r.stderr).toMatch(
        new RegExp(`^sheetpipe: cannot write into the folder ${target}: (it is on a read-only file system|permission denied)\\n$`),
      );
    } finally {
      if (target === dir) execFileSync('umount', [dir], { stdio: 'pipe' });
    }
  });

  it('a dangling symbolic link as the folder, a file named as a folder, a file on the way', async () => {
    const link = fresh('dangling');
    symlinkSync(join(root, 'nowhere'), link);
    const dangling = await runCli([...emu.base, '--all-sheets', '-o', link]);
    expectExit(dangling, 1);
    expect(dangling.stderr).toBe(
      `sheetpipe: cannot create the folder ${link}: it is a symbolic link to ${join(root, 'nowhere')}, which does not exist; create that folder, or name another\n`,
    );

    const file = fresh('afile');
    writeFileSync(file, 'a file\n');
    const asFolder = await runCli([...emu.base, '--all-sheets', '-o', `${file}/`]);
    expectExit(asFolder, 2);
    expect(asFolder.stderr).toBe(
      `sheetpipe: -o ${file}/ is a file: several ranges, or every tab, are written one file each into a folder; name a folder (a new one is created)\n`,
    );
    const through = await runCli([...emu.base, 'Orders', '-o', `${file}/x.csv`]);
    expectExit(through, 1);
    expect(through.stderr).toBe(`sheetpipe: cannot write ${file}/x.csv: ${file} is not a folder (a file is in the way)\n`);
    expect(readFileSync(file, 'utf8')).toBe('a file\n');
  });

  it('a range past the grid is named as it was typed, then what clipping it left; the summary names it as typed', async () => {
    const r = await runCli([...emu.base, 'Orders!A5000:B5010']);
    expectExit(r, 0);
    const [warning, summary] = r.stderr.trimEnd().split('\n');
    expect(warning).toBe(
      "sheetpipe: warning: 'Orders'!A5000:B5010 starts past the end of tab 'Orders' (1,000 rows × 26 columns): clipped to the tab, it holds no cells",
    );
    expect(summary).toMatch(/^sheetpipe: 0 rows × 0 columns from 'Orders'!A5000:B5010 → stdout /);
  });

  it('-o DIR/ for one range: a usage error that says to name a file in it', async () => {
    const r = await runCli([...emu.base, 'Orders', '-o', `${root}/`]);
    expectExit(r, 2);
    expect(r.stderr).toBe(
      `sheetpipe: -o ${root}/ names a folder: one range is written to a file; name one (${root}/out.csv), or give --all-sheets or several ranges to write one file each into it\n`,
    );
  });

  it('a file in the way deeper down is the one named', async () => {
    mkdirSync(join(root, 'deeper'), { recursive: true });
    writeFileSync(join(root, 'deeper', 'afile'), 'a file\n');
    const r = await runCli([...emu.base, 'Orders', '-o', join(root, 'deeper', 'afile', 'x.csv')]);
    expectExit(r, 1);
    expect(r.stderr).toBe(
      `sheetpipe: cannot write ${join(root, 'deeper', 'afile', 'x.csv')}: ${join(root, 'deeper', 'afile')} is not a folder (a file is in the way)\n`,
    );
  });

  it('a 404 on a values request after the metadata was read: the spreadsheet went away mid-run (exit 4)', async () => {
    const r = await runCli([...emu.base, 'Data!A1:B30', '--chunk-rows', '10', '-o', join(root, `gone-${++n}.csv`)]);
    expectExit(r, 4);
    expect(r.stderr).toBe(
      `sheetpipe: chunk 3/3 ('Data'!A21:B30): spreadsheet ${emu.spreadsheetId} was not found (404) after its metadata was read: it was deleted, or access to it was removed, while the export ran\n`,
    );
  });
});

describe('a tab no request can name', () => {
  it('a title holding half a UTF-16 pair: --all-sheets names it in one line, the folder as it was (exit 1)', async () => {
    const emu = await startFaultEmulator([
      memoryTab({ title: 'Orders', rows: [['id'], [1]] }),
      memoryTab({ title: 'Bad\ud800tab', rows: [['x']] }),
    ]);
    try {
      const dir = fresh('surrogate');
      mkdirSync(dir);
      const before = plantOldSet(dir, ['Orders.csv']);
      const r = await runCli([...emu.base, '--all-sheets', '-o', dir]);
      expectExit(r, 1);
      expect(r.stderr).toBe(
        "sheetpipe: tab 'Bad\\ud800tab' cannot be read: its title holds half of a UTF-16 character, which no request can name; rename the tab\n",
      );
      expect(snapshot(dir)).toEqual(before);
      expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      await emu.stop();
    }
  });
});
