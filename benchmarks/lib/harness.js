// What every scenario shares: paths, one temp folder for the whole run, child processes that are
// always reaped, and the ways a child is measured (wall time, CPU, peak RSS, first stdout byte).
// Whatever happens to the harness (an error, Ctrl-C, SIGTERM), every child it started is killed and
// the temp folder removed.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(BENCH, '..');
export const CLI = join(ROOT, 'bin', 'sheetpipe.js');
export const contenderPath = (name) => join(BENCH, 'contenders', name);
export const TAB = 'Generated';

export const now = () => performance.now();
export const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Children and the temp folder: reaped on any exit.
const children = new Set();
const cleanups = [];

/** Tracks a child; `group`: it was spawned detached, so its whole process group is killed. */
export function track(child, { group = false } = {}) {
  if (group) child.killGroup = true;
  children.add(child);
  child.once('close', () => children.delete(child));
  return child;
}

/** Runs `fn` when the harness exits, however it exits (synchronous work only). */
export function onExit(fn) {
  cleanups.push(fn);
}

function reap() {
  for (const child of children) {
    try {
      // A detached child leads its own process group: npm's children go with it.
      if (child.killGroup) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch {
      // keep cleaning
    }
  }
}
process.on('exit', reap);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal}: stopping every child and removing the temp folder`);
    process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 129);
  });
}

export const TMP = mkdtempSync(join(tmpdir(), 'sheetpipe-bench-'));
onExit(() => rmSync(TMP, { recursive: true, force: true }));
export const DEV_NULL = openSync('/dev/null', 'w');
onExit(() => closeSync(DEV_NULL));

let counter = 0;
/** A fresh path inside the run's temp folder. */
export const tmpPath = (name) => join(TMP, `${++counter}-${name}`);

// ---------------------------------------------------------------------------------------------
// Figures.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const fmt = {
  s: (x) => `${x.toFixed(2)} s`,
  ms: (x) => `${Math.round(x)} ms`,
  signedMs: (x) => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x))} ms`,
  x: (x) => `${x.toFixed(2)}×`,
  int: (x) => Math.round(x).toLocaleString('en-US'),
  mb: (x) => `${x.toFixed(0)} MB`,
  pct: (x) => `${(100 * x).toFixed(1)}%`,
};

/** CPU seconds (user + system) a live process has used so far, from /proc. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring a child.

/**
 * Runs `node ...nodeArgs ...args` under `/usr/bin/time -v`: wall time from spawn to exit (measured
 * here), CPU time and peak RSS (from time). stdout goes to /dev/null unless `stdoutFd` is given.
 * Rejects on a non-zero exit unless `allowFail`.
 */
export function runNode(args, { nodeArgs = [], stdoutFd = DEV_NULL, env, allowFail = false, timeoutMs = 600_000 } = {}) {
  const timeFile = tmpPath('time.txt');
  return new Promise((resolveRun, reject) => {
    const started = now();
    const child = track(
      spawn('/usr/bin/time', ['-v', '-o', timeFile, process.execPath, ...nodeArgs, ...args], {
        stdio: ['ignore', stdoutFd, 'pipe'],
        cwd: ROOT,
        env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
      }),
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      const wall = (now() - started) / 1000;
      const t = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
      rmSync(timeFile, { force: true });
      const num = (re) => Number(re.exec(t)?.[1] ?? NaN);
      // /usr/bin/time reports the child's own exit status; a signal shows as "Command terminated by signal".
      const exit = Number(/Exit status: (\d+)/.exec(t)?.[1] ?? code);
      const result = {
        code: exit,
        wall,
        stderr: stderr.trim(),
        user: num(/User time \(seconds\): ([\d.]+)/),
        sys: num(/System time \(seconds\): ([\d.]+)/),
        rssMB: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
      };
      if ((exit !== 0 || signal) && !allowFail) {
        return reject(new Error(`node ${args.map(shortArg).join(' ')} exited ${signal ?? exit}: ${stderr.trim().slice(-600)}`));
      }
      resolveRun(result);
    });
  });
}

const shortArg = (a) => (a.startsWith(ROOT) ? a.slice(ROOT.length + 1) : a);

/**
 * Spawns node with stdout a pipe. Resolves with the time to the first stdout byte (from spawn), and
 * closes the pipe at that moment as `head -c1` would (`closedAt`, on this process's clock); then
 * waits for the exit.
 */
export function firstByte(args, { env } = {}) {
  return new Promise((resolveRun, reject) => {
    const started = now();
    const child = track(
      spawn(process.execPath, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: ROOT,
        env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
      }),
    );
    let first;
    let closedAt;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => {
      closedAt = now();
      first = closedAt - started;
      child.stdout.destroy(); // the reader goes away, as `head` does
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      if (first === undefined) return reject(new Error(`no output from ${args.map(shortArg).join(' ')}: ${code ?? signal} ${stderr}`));
      resolveRun({ started, first, closedAt, code: code ?? signal, exitAfterClose: now() - closedAt, stderr: stderr.trim() });
    });
  });
}

/** Wall time of `node ...args` from spawn to exit, output discarded; rejects on a non-zero exit. */
export function wallOf(args) {
  return new Promise((resolveRun, reject) => {
    const started = now();
    const child = track(spawn(process.execPath, args, { stdio: ['ignore', DEV_NULL, DEV_NULL], cwd: ROOT }));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolveRun(now() - started) : reject(new Error(`${args.map(shortArg).join(' ')} exited ${code}`)),
    );
  });
}

/**
 * Output and exit code of a `node ...args` run (feature probes, micro-benchmarks). With `group`, the
 * child leads its own process group, and a timeout or the harness's exit kills the whole group
 * (for scripts that start children of their own).
 */
export function capture(args, { timeoutMs = 30_000, group = false } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = track(
      spawn(process.execPath, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: ROOT,
        detached: group,
        env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
      }),
      { group },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => {
      try {
        if (group) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      // A group's other members (an emulator the script started) go with it.
      if (group) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // none left
        }
      }
      resolveRun({ code: code ?? signal, stdout, stderr });
    });
  });
}
