/**
 * The -o file, through the real binary: it keeps the old file's mode (and owner, as root), a new
 * file gets what `>` would give under the umask, a failed export leaves the old file as it was,
 * and the folder is flushed after the rename.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  createReadStream,
  openSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cell, memoryTab } from '../../src/emulator/index.js';
import { type FaultEmulator, expectExit, expectUntouched, startFaultEmulator } from '../faults/helpers.js';
import { BIN, type CliResult, childEnv, collect, runCli } from './harness.js';

const OLD = 'old,file\nkept,as it was\n';
const HEADER: Cell[] = ['id', 'name'];
const ROWS: Cell[][] = [HEADER, ...Array.from({ length: 20 }, (_, i): Cell[] => [i + 1, `row ${i + 1}`])];
const EXPECTED = `${ROWS.map((r) => r.join(',')).join('\n')}\n`;

let emu: FaultEmulator;
let root: string;
let n = 0;

beforeAll(async () => {
  emu = await startFaultEmulator(
    [memoryTab({ title: 'Data', rows: ROWS }), memoryTab({ title: 'Fails', rows: ROWS })],
    // Every read of 'Fails' after its first two rows (asked with row 2 before them) is refused: the export fails part-way.
    [{ match: { range: "'Fails'!A2:" }, fault: 'status', status: 400 }],
  );
  root = mkdtempSync(join(tmpdir(), 'sheetpipe-output-file-'));
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await emu?.stop();
});

/** A fresh folder and the path of data.csv in it. */
function folder(): { dir: string; out: string } {
  const dir = join(root, `case-${++n}`);
  mkdirSync(dir);
  return { dir, out: join(dir, 'data.csv') };
}

const modeOf = (path: string) => statSync(path).mode & 0o7777;
const octal = (mode: number) => `0${mode.toString(8)}`;

/** Runs the CLI under `umask`, as a shell would: `sh -c 'umask 077; exec node sheetpipe ...'`. */
async function runUnderUmask(umask: string, args: string[]): Promise<CliResult> {
  const child = spawn('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, BIN, ...args], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, args);
}

describe('an existing target keeps its mode', () => {
  it.each([
    ['0600', 0o600],
    ['0640', 0o640],
    ['0604', 0o604],
  ])('a %s target is still %s after an export, with the new content', async (_, mode) => {
    const { dir, out } = folder();
    writeFileSync(out, OLD);
    chmodSync(out, mode);
    const r = await runCli([...emu.base, 'Data', '-o', out, '-q']);
    expectExit(r, 0);
    expect(readFileSync(out, 'utf8')).toBe(EXPECTED);
    expect(octal(modeOf(out))).toBe(octal(mode));
    expect(readdirSync(dir)).toEqual(['data.csv']);
  });

  it('keeps the mode under a umask that would narrow a new file', async () => {
    const { out } = folder();
    writeFileSync(out, OLD);
    chmodSync(out, 0o644);
    const r = await runUnderUmask('077', [...emu.base, 'Data', '-o', out, '-q']);
    expectExit(r, 0);
    expect(octal(modeOf(out))).toBe('0644');
  });

  it('a failed export leaves a 0600 target untouched: content and mode, no temp file', async () => {
    const { dir, out } = folder();
    writeFileSync(out, OLD);
    chmodSync(out, 0o600);
    const r = await runCli([...emu.base, 'Fails', '-o', out, '--chunk-rows', '2', '-c', '1', '--retries', '0']);
    expectExit(r, 1);
    expect(r.stderr).toMatch(/'Fails'!A3:.*400/); // the injected failure, after the first chunk
    expect(r.stdout).toBe('');
    expectUntouched(dir, ['data.csv'], out, OLD);
    expect(octal(modeOf(out))).toBe('0600');
  });

  it('through a symlink: the link stays, the file it points at is replaced and keeps its mode', async () => {
    const { dir, out } = folder();
    const real = join(dir, 'real.csv');
    writeFileSync(real, OLD);
    chmodSync(real, 0o600);
    symlinkSync('real.csv', out);
    const r = await runCli([...emu.base, 'Data', '-o', out, '-q']);
    expectExit(r, 0);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe(EXPECTED);
    expect(octal(modeOf(real))).toBe('0600');
    expect(readdirSync(dir).sort()).toEqual(['data.csv', 'real.csv']);
  });

  it('a FIFO is written in place, not replaced', async () => {
    const { dir } = folder();
    const fifo = join(dir, 'pipe.csv');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo here
    }
    let read = '';
    const reader = createReadStream(fifo, 'utf8').on('data', (d) => (read += d as string));
    const ended = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    const r = await runCli([...emu.base, 'Data', '-o', fifo, '-q']);
    // Had the run never opened the FIFO, the reader would wait for a writer for ever.
    if (r.code !== 0) closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    await ended;
    expectExit(r, 0);
    expect(read).toBe(EXPECTED);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['pipe.csv']);
  });

  it.skipIf(process.getuid?.() !== 0)('as root, the target keeps its owner and group too', async () => {
    const { out } = folder();
    writeFileSync(out, OLD);
    chownSync(out, 1234, 2345);
    chmodSync(out, 0o640);
    const r = await runCli([...emu.base, 'Data', '-o', out, '-q']);
    expectExit(r, 0);
    const after = statSync(out);
    expect({ uid: after.uid, gid: after.gid, mode: octal(after.mode & 0o7777) }).toEqual({ uid: 1234, gid: 2345, mode: '0640' });
    expect(readFileSync(out, 'utf8')).toBe(EXPECTED);
  });
});

describe('a new file gets what `>` would give', () => {
  it.each([
    ['022', '0644'],
    ['077', '0600'],
    ['002', '0664'],
  ])('under umask %s it is %s', async (umask, expected) => {
    const { dir, out } = folder();
    const r = await runUnderUmask(umask, [...emu.base, 'Data', '-o', out, '-q']);
    expectExit(r, 0);
    expect(readFileSync(out, 'utf8')).toBe(EXPECTED);
    expect(octal(modeOf(out))).toBe(expected);
    // The same as the shell's own redirection under that umask.
    const shell = join(dir, 'shell.csv');
    execFileSync('sh', ['-c', `umask ${umask} && : > "$0"`, shell]);
    expect(octal(modeOf(out))).toBe(octal(modeOf(shell)));
  });
});

/** strace is there and may trace (a container may forbid ptrace). */
const canTrace = spawnSync('strace', ['-qq', '-o', '/dev/null', 'true']).status === 0;

describe('the rename survives a crash', () => {
  it.skipIf(!canTrace)('after the rename, the folder is opened and fsynced (seen with strace)', async () => {
    const { dir, out } = folder();
    const trace = join(root, `trace-${n}.txt`);
    const args = [...emu.base, 'Data', '-o', out, '-q'];
    // -y prints the path behind each file descriptor: fsync(18</tmp/...>).
    const child = spawn(
      'strace',
      ['-f', '-qq', '-y', '-e', 'trace=rename,renameat,renameat2,fsync,fdatasync', '-o', trace, process.execPath, BIN, ...args],
      {
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const r = await collect(child, args);
    expectExit(r, 0);
    expect(readFileSync(out, 'utf8')).toBe(EXPECTED);
    const lines = readFileSync(trace, 'utf8').split('\n');
    const renamed = lines.findIndex((l) => /rename/.test(l) && l.includes(`"${out}"`));
    expect(renamed, `the rename onto ${out}:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
    const folderSync = lines.slice(renamed + 1).some((l) => /\bf(?:data)?sync\(\d+</.test(l) && l.includes(`<${dir}>`));
    expect(folderSync, `an fsync of ${dir} after the rename:\n${lines.join('\n')}`).toBe(true);
  });
});
