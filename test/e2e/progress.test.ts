/**
 * Progress through the real binary: the bar on a pseudo-terminal (util-linux `script`), none when
 * stdout is the terminal, on TERM=dumb or with -q; plain lines for a log with --progress; one notice
 * when retries begin; the summary; a Ctrl-C over the bar; cli-progress loaded only for a bar.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, childEnv, describeResult, runCli, startEmulatorProcess, type EmulatorProcess } from './harness.js';
import { RETRY_NOTICE, mixedTab, startFaultEmulator } from '../faults/helpers.js';
import { frames, screen } from '../support/terminal.js';

const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;

let dir: string;
let emu: EmulatorProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sheetpipe-progress-'));
  // 150 ms a request, so a bar has time for frames between the first and the last.
  emu = await startEmulatorProcess(['--rows', '1000', '--cols', '4', '--latency', '150']);
});

afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * Runs sheetpipe under a pseudo-terminal: stdin, stdout and stderr are the terminal unless `redirect`
 * sends stdout to a file; with `ctrlCOn`, Ctrl-C is typed once the terminal has received text that
 * matches it. Returns what the terminal received.
 */
async function onTerminal(
  args: string[],
  options: { redirect?: string; env?: Record<string, string>; columns?: number; ctrlCOn?: RegExp } = {},
): Promise<CliResult> {
  const size = options.columns ? `stty cols ${options.columns} 2>/dev/null; ` : '';
  const line = size + [process.execPath, BIN, ...args].map(quote).join(' ') + (options.redirect ? ` > ${quote(options.redirect)}` : '');
  const child = spawn('script', ['-qec', line, '/dev/null'], {
    env: childEnv({ TERM: 'xterm', COLUMNS: '120', ...options.env }),
    // stdin: what is typed at the terminal.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let typed = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (options.ctrlCOn && !typed && options.ctrlCOn.test(stdout)) {
      typed = true;
      child.stdin.write('\x03');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'close')) as [number | null];
  return {
    command: `script -qec "sheetpipe ${args.join(' ')}${options.redirect ? ` > ${options.redirect}` : ''}"`,
    code,
    signal: null,
    stdout,
    stderr,
  };
}

const args = () => ['--endpoint', emu.endpoint, emu.spreadsheet, 'Generated', '--max-rpm', '0', '--chunk-rows', '200', '-c', '1'];
const SUMMARY =
  /sheetpipe: 999 rows × 4 columns from 'Generated'!A1:D1000 → (stdout|\S+) in [\d.]+ s \([\d,]+ rows\/s\), 6 requests, 0 retries, 4 boundaries checked/;

describe.skipIf(!hasScript)('the bar on a terminal', () => {
  it('stdout to a file: frames follow the rows written, percentage and count agree, the last is 100 % with the real count', async () => {
    const out = join(dir, 'bar.csv');
    const r = await onTerminal(args(), { redirect: out });
    expect(r.code, describeResult(r)).toBe(0);
    const all = frames(r.stdout);
    expect(all.length, describeResult(r)).toBeGreaterThanOrEqual(3);
    const figures = all.map((f) => /(\d+)% \| ([\d,]+)(?: of ~([\d,]+))? rows/.exec(f));
    for (const [i, m] of figures.entries()) expect(m, all[i]).not.toBeNull();
    const percents = figures.map((m) => Number(m?.[1]));
    const counts = figures.map((m) => Number(m?.[2]?.replaceAll(',', '')));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    // A dense tab: rows written (the header besides) are the sheet rows covered.
    for (const [i, count] of counts.entries()) expect(Math.abs(percents[i]! - ((count + 1) / 1000) * 100), all[i]).toBeLessThanOrEqual(1);
    expect(
      all.some((f) => / [1-9]\d?% /.test(f)),
      `no frame between 0 % and 100 %\n${all.join('\n')}`,
    ).toBe(true);
    expect(all.at(-1)).toMatch(/^sheetpipe █{24} 100% \| 999 rows \| [\d,]+ rows\/s$/);
    expect(r.stdout).toMatch(SUMMARY);
    // What stays on the screen: the last frame on its own line, then the summary.
    const [last, summary, ...rest] = screen(r.stdout);
    expect(last, describeResult(r)).toBe(all.at(-1));
    expect(summary).toMatch(new RegExp(`^${SUMMARY.source}$`));
    expect(rest).toEqual(['']);
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(1001);
  });

  it('NDJSON objects write no header line: the count is still every data row', async () => {
    const r = await onTerminal([...args(), '-f', 'ndjson', '-o', join(dir, 'bar.ndjson')]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(frames(r.stdout).at(-1)).toMatch(/^sheetpipe █{24} 100% \| 999 rows \| [\d,]+ rows\/s$/);
  });

  it('no bar when stdout is the terminal: the rows are the progress', async () => {
    const r = await onTerminal(args());
    expect(r.code, describeResult(r)).toBe(0);
    expect(frames(r.stdout)).toEqual([]);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).not.toMatch(/rows\/s \|/);
    expect(r.stdout).toContain('1,');
    expect(r.stdout).toMatch(SUMMARY);
  });

  it('no bar on TERM=dumb, nothing at all with -q', async () => {
    const dumb = await onTerminal(args(), { redirect: '/dev/null', env: { TERM: 'dumb' } });
    expect(dumb.code, describeResult(dumb)).toBe(0);
    expect(frames(dumb.stdout)).toEqual([]);
    expect(dumb.stdout.trim()).toMatch(new RegExp(`^${SUMMARY.source}$`));
    const quiet = await onTerminal([...args(), '-q'], { redirect: '/dev/null' });
    expect(quiet.code, describeResult(quiet)).toBe(0);
    expect(quiet.stdout).toBe('');
  });
});

describe.skipIf(!hasScript)('a folder export on a terminal', () => {
  it('one bar for the run, naming the file being written, though stdout is the terminal (no data goes there)', async () => {
    const out = join(dir, 'folder-bar');
    const ranges = ['Generated!A1:B1000', 'Generated!C1:D1000'];
    const r = await onTerminal(
      ['--endpoint', emu.endpoint, emu.spreadsheet, ...ranges, '-o', out, '--max-rpm', '0', '--chunk-rows', '200', '-c', '1'],
      { columns: 120 },
    );
    expect(r.code, describeResult(r)).toBe(0);
    const all = frames(r.stdout);
    for (const file of ['Generated_A1-B1000.csv', 'Generated_C1-D1000.csv']) {
      expect(
        all.some((f) => f.endsWith(` | ${file}`)),
        `no frame names ${file}\n${all.join('\n')}`,
      ).toBe(true);
    }
    // Both ranges' sheet rows, each one's header set aside: one total for the run.
    expect(all.filter((f) => / of ~/.test(f)).at(-1)).toMatch(/ of ~1,998 rows /);
    const percents = all.map((f) => Number(/ (\d+)% /.exec(f)?.[1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(all.at(-1)).toMatch(/^sheetpipe █{24} 100% \| 1,998 rows \| [\d,]+ rows\/s$/);
    expect(r.stdout).toMatch(/sheetpipe: 2 files, 1,998 rows → \S+ in [\d.]+ s/);
  });
});

describe.skipIf(!hasScript)('Ctrl-C with a bar on the terminal', () => {
  it('"interrupted by SIGINT" on a line of its own, then the bar cleared', async () => {
    // Requests slow enough that the run is still going when Ctrl-C is typed.
    const slow = await startEmulatorProcess(['--rows', '1000', '--cols', '4', '--latency', '1500']);
    try {
      const r = await onTerminal(['--endpoint', slow.endpoint, slow.spreadsheet, '--max-rpm', '0', '--chunk-rows', '250', '-c', '1'], {
        redirect: '/dev/null',
        ctrlCOn: /sheetpipe [█░]+ 0% \| /,
      });
      expect(r.code, describeResult(r)).toBe(130);
      expect(frames(r.stdout).length, describeResult(r)).toBeGreaterThanOrEqual(1);
      // The terminal echoes ^C where the cursor is, at the bar's end: the bar's line is cleared before the message.
      expect(screen(r.stdout), describeResult(r)).toEqual(['sheetpipe: interrupted by SIGINT', '']);
    } finally {
      await slow.stop();
    }
  });
});

describe('cli-progress is loaded only when a bar is drawn', () => {
  const PROBE = pathToFileURL(fileURLToPath(new URL('../support/module-probe.mjs', import.meta.url))).href;
  let n = 0;
  /** The run's result, and the packages it loaded. */
  const probed = async (run: (env: Record<string, string>) => Promise<CliResult>): Promise<[CliResult, string[]]> => {
    const file = join(dir, `modules-${++n}.json`);
    const r = await run({ NODE_OPTIONS: `--import=${PROBE}`, SHEETPIPE_MODULE_PROBE: file });
    return [r, JSON.parse(readFileSync(file, 'utf8')) as string[]];
  };

  it.skipIf(!hasScript)('a bar on a terminal loads it (the probe sees it)', async () => {
    const [r, loaded] = await probed((env) => onTerminal(args(), { redirect: '/dev/null', env }));
    expect(r.code, describeResult(r)).toBe(0);
    expect(frames(r.stdout).length).toBeGreaterThanOrEqual(1);
    expect(loaded).toContain('cli-progress');
  });

  it('--version, --help, a piped run, --progress for a log, -q: never', async () => {
    const runs = [['--version'], ['--help'], [...args()], [...args(), '--progress', '-o', '/dev/null'], [...args(), '-q']];
    for (const argv of runs) {
      const [r, loaded] = await probed((env) => runCli(argv, { env }));
      expect(r.code, describeResult(r)).toBe(0);
      expect(loaded, describeResult(r)).not.toContain('cli-progress');
    }
  });
});

describe('--progress for a log', () => {
  it('stderr not a terminal: a plain line every few seconds, no carriage return, no escape code', async () => {
    const slow = await startEmulatorProcess(['--rows', '1000', '--cols', '4', '--latency', '1200']);
    try {
      const r = await runCli([
        '--endpoint',
        slow.endpoint,
        slow.spreadsheet,
        '--max-rpm',
        '0',
        '--chunk-rows',
        '250',
        '-c',
        '1',
        '--progress',
        '-o',
        '/dev/null',
      ]);
      expect(r.code, describeResult(r)).toBe(0);
      expect(r.stderr).not.toContain('\r');
      expect(r.stderr).not.toContain('\x1b');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.length, describeResult(r)).toBeGreaterThanOrEqual(2);
      for (const line of lines.slice(0, -1))
        expect(line).toMatch(/^sheetpipe: \d+% \| [\d,]+ of ~999 rows \| [\d,]+ rows\/s( \| ETA .*)?$/);
      expect(lines.at(-1)).toMatch(/^sheetpipe: 999 rows × 4 columns from 'Generated'!A1:D1000 → \/dev\/null in /);
    } finally {
      await slow.stop();
    }
  });

  it('without --progress, a log gets the summary alone', async () => {
    const r = await runCli([...args(), '-o', '/dev/null']);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^${SUMMARY.source}\\n$`));
  });
});

describe('retries are announced once', () => {
  // Three 503s in a row for the second values request.
  const faults = [{ match: { requests: [2, 3, 4] }, fault: 'status' as const, status: 503 }];

  it('one notice, then the summary counting the retries; --verbose: each retry; -q: nothing', async () => {
    const fault = await startFaultEmulator([mixedTab()], faults);
    const run = (extra: string[]) => runCli([...fault.base, 'Mixed', '--chunk-rows', '100', ...extra]);
    try {
      const plain = await run([]);
      expect(plain.code, describeResult(plain)).toBe(0);
      const lines = plain.stderr.trimEnd().split('\n');
      expect(lines, describeResult(plain)).toHaveLength(2);
      expect(lines[0]).toBe('sheetpipe: the API is answering 503 UNAVAILABLE; retrying (this can take a minute)');
      expect(lines[0]).toMatch(RETRY_NOTICE);
      expect(lines[1]).toMatch(/, 3 retries, 9 boundaries checked$/);
    } finally {
      await fault.stop();
    }
    for (const [extra, check] of [
      [
        ['--verbose'],
        (r: CliResult) => {
          const lines = r.stderr.trimEnd().split('\n');
          expect(
            lines.filter((l) => / retry \d in [\d.]+ s$/.test(l)),
            describeResult(r),
          ).toHaveLength(3);
          expect(lines.some((l) => RETRY_NOTICE.test(l))).toBe(false);
        },
      ],
      [['-q'], (r: CliResult) => expect(r.stderr).toBe('')],
    ] as const) {
      const again = await startFaultEmulator([mixedTab()], faults);
      try {
        const r = await runCli([...again.base, 'Mixed', '--chunk-rows', '100', ...extra]);
        expect(r.code, describeResult(r)).toBe(0);
        check(r);
      } finally {
        await again.stop();
      }
    }
  });
});
