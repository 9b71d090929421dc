/**
 * Output errors with -o: a read-only folder, a full disk (a small tmpfs, a file-size limit, and
 * /dev/full), a folder in the way. Each → exit 1, one line on stderr, nothing half-written: the old
 * file intact and no temp file.
 *
 * Read-only and size-limited folders are real mounts (tmpfs) when this machine allows mounting
 * (root in a container usually does; as root, chmod alone would not stop writes). Where it does
 * not, the same checks run on what needs no mount: /sys (not writable even by root) and /dev/full.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, childEnv, collect, describeResult, runCli } from '../e2e/harness.js';
import { type FaultEmulator, bigTab, expectExit, expectUntouched, startFaultEmulator } from './helpers.js';

const OLD = 'old,file\nkept,as it was\n';
let emu: FaultEmulator;
let root: string;
const mounts: string[] = [];
/** Why mounting is impossible here, or undefined when it works. */
let cannotMount: string | undefined;

function mountTmpfs(dir: string, options: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  mounts.push(dir);
}

beforeAll(async () => {
  // 20,000 rows × 10 columns: about 2 MB of CSV, well over the limits below.
  emu = await startFaultEmulator([bigTab(20_000)]);
  root = mkdtempSync(join(tmpdir(), 'sheetpipe-output-'));
  const probe = join(root, 'probe');
  execFileSync('mkdir', [probe]);
  try {
    mountTmpfs(probe, 'size=64k');
  } catch (error) {
    cannotMount = String((error as { stderr?: Buffer }).stderr ?? error).trim();
  }
});

afterAll(async () => {
  for (const dir of mounts.reverse()) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    }
  }
  rmSync(root, { recursive: true, force: true });
  await emu?.stop();
});

/** A fresh folder holding data.csv with OLD. */
function folder(name: string): { dir: string; out: string } {
  const dir = join(root, name);
  execFileSync('mkdir', ['-p', dir]);
  return { dir, out: join(dir, 'data.csv') };
}

function expectOneLine(r: CliResult, message: RegExp): void {
  expectExit(r, 1);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n'), describeResult(r)).toHaveLength(2);
  expect(r.stderr).toMatch(message);
}

describe('a read-only place', () => {
  it('a read-only filesystem (a tmpfs mounted ro): exit 1, one line, the old file intact, no temp file', async () => {
    if (cannotMount) {
      // No mount here: /sys refuses new files even to root.
      const r = await runCli([...emu.base, '-o', '/sys/sheetpipe-fault-test.csv']);
      expectOneLine(r, /^sheetpipe: cannot write \/sys\/sheetpipe-fault-test\.csv: permission denied in \/sys\n$/);
      return;
    }
    const { dir, out } = folder('ro');
    mountTmpfs(dir, 'size=1m');
    writeFileSync(out, OLD);
    execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
    const r = await runCli([...emu.base, '-o', out]);
    expectOneLine(r, /^sheetpipe: cannot write .*\/ro\/data\.csv: [^\n]*(permission denied|read-only)[^\n]*\n$/);
    expectUntouched(dir, ['data.csv'], out, OLD);
    const fresh = await runCli([...emu.base, '-o', join(dir, 'new.csv')]);
    expectOneLine(fresh, /^sheetpipe: cannot write .*\/ro\/new\.csv: [^\n]*(permission denied|read-only)/);
    expectUntouched(dir, ['data.csv'], out, OLD);
  });

  it('/sys, where even root cannot create a file: exit 1, one line', async () => {
    const r = await runCli([...emu.base, '-o', '/sys/sheetpipe-fault-test.csv']);
    expectOneLine(r, /^sheetpipe: cannot write \/sys\/sheetpipe-fault-test\.csv: permission denied in \/sys\n$/);
  });

  it('-o names a folder: exit 1, one line', async () => {
    const { dir } = folder('a-folder');
    const r = await runCli([...emu.base, '-o', dir]);
    expectOneLine(
      r,
      /^sheetpipe: cannot write .*a-folder: it is a folder; name a file in it, or give --all-sheets or several ranges to write one file each into it\n$/,
    );
  });
});

describe('a full disk', () => {
  it('a file-size limit (ulimit -f 64, so writes fail with EFBIG): exit 1, one line, the old file intact, no temp file', async () => {
    const { dir, out } = folder('ulimit');
    writeFileSync(out, OLD);
    const args = [...emu.base, '-o', out];
    const child = spawn('bash', ['-c', 'ulimit -f 64; exec "$0" "$@"', process.execPath, BIN, ...args], {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = await collect(child, args);
    expect(r.signal, 'killed by SIGXFSZ instead of failing the write').toBeNull();
    expectOneLine(r, /^sheetpipe: cannot write .*data\.csv: the file is larger than this system allows; .*data\.csv was left as it was\n$/);
    expectUntouched(dir, ['data.csv'], out, OLD);
  });

  it('a 256 KB tmpfs (writes fail with ENOSPC): exit 1, one line, the old file intact, no temp file', async () => {
    if (cannotMount) {
      // No mount here: /dev/full fails every write with ENOSPC.
      const r = await runCli([...emu.base, '-o', '/dev/full']);
      expectOneLine(r, /^sheetpipe: cannot write \/dev\/full: the disk is full/);
      return;
    }
    const { dir, out } = folder('full');
    mountTmpfs(dir, 'size=256k');
    writeFileSync(out, OLD);
    const r = await runCli([...emu.base, '-o', out]);
    expectOneLine(r, /^sheetpipe: cannot write .*data\.csv: the disk is full; .*data\.csv was left as it was\n$/);
    expectUntouched(dir, ['data.csv'], out, OLD);
  });

  it('/dev/full (written in place, as a device): exit 1, one line', async () => {
    const r = await runCli([...emu.base, '-o', '/dev/full']);
    expectOneLine(r, /^sheetpipe: cannot write \/dev\/full: the disk is full; \/dev\/full was left as it was\n$/);
  });
});
