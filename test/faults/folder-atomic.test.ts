/**
 * A folder export is one set: on any failure — a tab that keeps failing, a signal, a full disk, a
 * rename refused part-way — the folder is exactly as it was (old files, old manifest, their modes,
 * no temp file), and a folder the run created is gone again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cell, generatedTab, memoryTab } from '../../src/emulator/index.js';
import { BIN, childEnv, collect, describeResult, runCli, startCli } from '../e2e/harness.js';
import { type Entry, plantOldSet, readManifest, snapshot } from '../support/folder.js';
import { expectExit, exitOf, startFaultEmulator, tempFiles, waitFor } from './helpers.js';

const rows = (title: string, n: number): Cell[][] => [['id', 'tab'], ...Array.from({ length: n }, (_, i): Cell[] => [i + 1, title])];
const TABS = () => [
  memoryTab({ title: 'First', rows: rows('First', 5) }),
  memoryTab({ title: 'Second', rows: rows('Second', 5) }),
  // 30,000 × 6: chunked, so its requests run beside the others'.
  generatedTab({ title: 'Big', rows: 30_000, cols: 6, seed: 9 }),
];
const OLD_FILES = ['First.csv', 'Second.csv', 'Big.csv'];

let root: string;
let n = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sheetpipe-folder-atomic-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder holding yesterday's set (First.csv kept 0600), and its snapshot. */
function oldSet(): { dir: string; before: Record<string, Entry> } {
  const dir = join(root, `set-${++n}`);
  mkdirSync(dir);
  plantOldSet(dir, OLD_FILES);
  chmodSync(join(dir, 'First.csv'), 0o600);
  return { dir, before: snapshot(dir) };
}

function expectAsItWas(dir: string, before: Record<string, Entry>, context: string): void {
  expect(tempFiles(dir), `temp files left\n${context}`).toEqual([]);
  expect(snapshot(dir), context).toEqual(before);
}

describe.concurrent('the folder as it was', () => {
  it('a tab that always answers 503: exit 5, the folder unchanged; a folder the run created is removed', async () => {
    const emu = await startFaultEmulator(TABS(), [{ match: { range: "'Second'" }, fault: 'status', status: 503 }]);
    try {
      const { dir, before } = oldSet();
      const r = await runCli([...emu.base, '--all-sheets', '-o', dir, '--retries', '1', '--chunk-rows', '5000']);
      expectExit(r, 5);
      expect(r.stderr).toMatch(/'Second'.*503/);
      expectAsItWas(dir, before, describeResult(r));
      const created = join(root, `new-${++n}`);
      const again = await runCli([...emu.base, '--all-sheets', '-o', created, '--retries', '0', '-q']);
      expectExit(again, 5);
      expect(existsSync(created), describeResult(again)).toBe(false);
    } finally {
      await emu.stop();
    }
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s mid-run: exit %i, the folder unchanged, no temp file', async (signal, code) => {
    // 'Second' never answers: the run is surely mid-way when the signal comes.
    const emu = await startFaultEmulator(TABS(), [{ match: { range: "'Second'" }, fault: 'hang' }]);
    try {
      const { dir, before } = oldSet();
      const args = [...emu.base, 'Big', 'First', 'Second', '-o', dir, '--chunk-rows', '5000'];
      const child = startCli(args);
      const result = collect(child, args);
      await waitFor(() => emu.valuesArrivals().length >= 2 && tempFiles(dir).length === 3, 10_000, 'the run to be under way');
      child.kill(signal);
      const r = await result;
      expect(r.code, describeResult(r)).toBe(code);
      expect(r.stderr).toContain(`interrupted by ${signal}`);
      expectAsItWas(dir, before, describeResult(r));
    } finally {
      await emu.stop();
    }
  });

  it('a folder that appears where a file goes, during the run: exit 1, the files already renamed are put back', async () => {
    // The first values request fails once: time to block 'Second.csv' before the set is committed.
    const emu = await startFaultEmulator(TABS(), [{ match: { requests: [1] }, fault: 'status', status: 503 }]);
    try {
      const { dir } = oldSet();
      rmSync(join(dir, 'Second.csv'));
      const before = snapshot(dir);
      const args = [...emu.base, 'First', 'Second', '-o', dir, '-q'];
      const child = startCli(args);
      const result = collect(child, args);
      await waitFor(() => emu.valuesArrivals().length >= 1, 10_000, 'the first values request');
      mkdirSync(join(dir, 'Second.csv'));
      const r = await result;
      expectExit(r, 1);
      expect(r.stderr).toMatch(/Second\.csv/);
      expectAsItWas(
        dir,
        { ...before, 'Second.csv': { content: 'dir', mode: statSync(join(dir, 'Second.csv')).mode & 0o7777 } },
        describeResult(r),
      );
    } finally {
      await emu.stop();
    }
  });

  it('a success keeps the modes of the files it replaces', async () => {
    const emu = await startFaultEmulator(TABS());
    try {
      const { dir } = oldSet();
      const r = await runCli([...emu.base, '--all-sheets', '-o', dir, '-q']);
      expectExit(r, 0);
      expect((statSync(join(dir, 'First.csv')).mode & 0o777).toString(8)).toBe('600');
      expect(readManifest(dir).files.map((f) => f.file)).toEqual(OLD_FILES);
      expect(readdirSync(dir).sort()).toEqual([...OLD_FILES, 'Gone.csv', '_manifest.json'].sort());
    } finally {
      await emu.stop();
    }
  });
});

/** Whether this machine lets a process mount a tmpfs in a mount namespace of its own. */
function canMountTmpfs(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'sheetpipe-tmpfs-probe-'));
  try {
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$0" && echo mounted', probe], {
      encoding: 'utf8',
    });
    return r.stdout.trim() === 'mounted';
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const TMPFS = canMountTmpfs();
if (!TMPFS)
  console.log('skipping the tmpfs full-disk test: no `unshare -rm` with mount here (the file-size-limit test covers the write failure)');

describe('the disk gives out', () => {
  it.skipIf(!TMPFS)('a full disk (a 256 KiB tmpfs): exit 1 naming the full disk, the folder as it was', async () => {
    const emu = await startFaultEmulator(TABS());
    try {
      const { dir: seed, before } = oldSet();
      const after = join(root, `after-${++n}`);
      const mount = mkdtempSync(join(root, 'mnt-'));
      // In a mount namespace of its own the tmpfs vanishes with the process: the folder is copied out first.
      const script = [
        'mnt=$0; seed=$1; after=$2; shift 3',
        'mount -t tmpfs -o size=256k tmpfs "$mnt" && cp -a "$seed" "$mnt/out" || exit 97',
        '"$@" -o "$mnt/out"; code=$?',
        'cp -a "$mnt/out" "$after"; exit $code',
      ].join('\n');
      const args = [...emu.base, '--all-sheets', '-q'];
      const child = spawn('unshare', ['-rm', 'sh', '-c', script, mount, seed, after, process.execPath, BIN, ...args], {
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const r = await collect(child, args);
      expectExit(r, 1);
      expect(r.stderr).toMatch(/the disk is full/);
      expectAsItWas(after, before, describeResult(r));
    } finally {
      await emu.stop();
    }
  });

  it('a file-size limit (EFBIG, ulimit -f) part-way: exit 1, the folder as it was', async () => {
    const emu = await startFaultEmulator(TABS());
    try {
      const { dir, before } = oldSet();
      const args = [...emu.base, '--all-sheets', '-o', dir];
      // Ignored, SIGXFSZ stays ignored across exec: the write fails with EFBIG instead of killing the process.
      const child = spawn('sh', ['-c', 'ulimit -f 128 && trap "" XFSZ && exec "$0" "$@"', process.execPath, BIN, ...args], {
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const r = await collect(child, args);
      expect(await exitOf(child)).toEqual([1, null]);
      expectExit(r, 1);
      expect(r.stderr).toMatch(/larger than this system allows/);
      expectAsItWas(dir, before, describeResult(r));
    } finally {
      await emu.stop();
    }
  });
});
