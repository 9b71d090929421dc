/**
 * README's examples, run as README shows them, so the README cannot drift from the code.
 *
 * The samples are read from README.md itself: each runnable fenced block sits under a marker
 * `<!-- test: NAME (CHECK) -->` (invisible on the rendered page), and CHECK names the function
 * below that runs it. How they run:
 * - Shell lines go through `sh -c` in a fresh temp folder, with `sheetpipe` on PATH (a shim that
 *   execs `node bin/sheetpipe.js`) and the variables README's first runnable block sets: `ID` the
 *   demo spreadsheet, `SHEETPIPE_ENDPOINT` an emulator this file starts (`sheetpipe emulator
 *   --port 0`). The block's own `sheetpipe emulator &`, `export SHEETPIPE_ENDPOINT=…` and `ID=…`
 *   lines are checked against what they stand for, not run; a transcript's `sheetpipe emulator
 *   ARGS > /dev/null &` starts an emulator with those ARGS on port 0, and README's URL for it is
 *   swapped for the real one in commands (and back in outputs).
 * - README's absolute folders (/data, /var/tmp, /usr/local/bin) are folders in the temp folder,
 *   swapped in commands and back in outputs. `logger` is a shim that records its arguments.
 * - Shown output is compared line for line after normalising only what must vary: the duration
 *   and rate of a summary line ("in 0.1 s (8 rows/s)"); for the quick start also the port, the
 *   temp path, npm's banner version and the progress display (a bar on README's terminal, plain
 *   lines on this pipe); `ls` is asked for a terminal's columns (-C, 80 wide, tabs expanded, C
 *   collation) since its stdout here is a pipe.
 * - The first examples (check `offline`) run with a `duckdb` on PATH that is missing, whatever this
 *   machine has: they must need sheetpipe alone. The tagline's example spreadsheet ID stands for
 *   `"$ID"`. Each command prints what README shows for it: its output in a transcript elsewhere in
 *   README, or the number its comment begins with.
 * - DuckDB recipes: the duckdb CLI is not needed. The recipe's sheetpipe commands run as shown and
 *   write their files (a `… | duckdb` pipe writes into a file that stands for /dev/stdin); the SQL
 *   after `duckdb -c` runs unchanged through @duckdb/node-api with `file_search_path` at the temp
 *   folder, so `FROM 'orders.csv'` reads the file the recipe wrote.
 * - Library samples run as ES modules in the temp folder, where `sheetpipe` resolves to this
 *   checkout (a node_modules symlink); a later sample uses the first one's `ID` and `endpoint`.
 * - jq, curl and sha256sum samples are skipped, with a printed reason, where those tools are missing.
 * Everything runs in one temp folder removed at the end, and every emulator started is stopped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
  openSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HOST, DEFAULT_PORT, DEMO_SPREADSHEET_ID } from '../../src/emulator/index.js';
import { type EmulatorProcess, BIN, childEnv, startEmulatorProcess } from './harness.js';
import {
  type Sample,
  type Step,
  emulatorLine,
  fencedBlocks,
  pipelineStages,
  readmeSamples,
  transcript,
  words,
} from '../support/readme-samples.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const { samples: SAMPLES, markers: MARKERS } = readmeSamples(README);

function samplesOf(check: string): Sample[] {
  return SAMPLES.filter((s) => s.check === check);
}
function sample(name: string, check?: string): Sample {
  const found = SAMPLES.find((s) => s.name === name && (check === undefined || s.check === check));
  if (!found) throw new Error(`README has no sample ${name}${check ? ` (${check})` : ''}`);
  return found;
}

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
/** Tools a sample needs that may be missing on a CI machine. */
const OPTIONAL_TOOLS = ['jq', 'curl', 'sha256sum'];
function missingTools(s: Sample): string[] {
  return OPTIONAL_TOOLS.filter((t) => new RegExp(`(^|[|;&(]\\s*|\\$ )${t} `, 'm').test(s.body) && !has(t));
}
function skipReason(s: Sample): string | undefined {
  const missing = missingTools(s);
  if (missing.length === 0) return undefined;
  const reason = `README sample ${s.name} (line ${s.line}) skipped: ${missing.join(', ')} not installed`;
  console.log(reason);
  return reason;
}

// ---------------------------------------------------------------------------------------------
// The setup README's first runnable block describes: an emulator on the default port, the endpoint
// exported, ID the demo spreadsheet.

const SETUP = SAMPLES.find((s) => /^export SHEETPIPE_ENDPOINT=/m.test(s.body));
const README_ENDPOINT = `http://${DEFAULT_HOST}:${DEFAULT_PORT}/`;

/** The setup lines of a shell block (checked, not run) and the rest (run). */
function setupAndCommands(body: string): { setup: string[]; commands: string[] } {
  const setup: string[] = [];
  const commands: string[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (emulatorLine(line) || /^export SHEETPIPE_ENDPOINT=/.test(line) || /^ID=/.test(line)) setup.push(line);
    else commands.push(line);
  }
  return { setup, commands };
}

let root: string;
let shims: string;
let emu: EmulatorProcess;
let ID: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sheetpipe-readme-'));
  shims = join(root, 'bin');
  mkdirSync(shims);
  writeFileSync(join(shims, 'sheetpipe'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
  // logger records its arguments in the file the run names.
  writeFileSync(join(shims, 'logger'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "$README_TEST_LOGGER_LOG"\n`, { mode: 0o755 });
  emu = await startEmulatorProcess([]);
  ID = emu.spreadsheet;
});

afterAll(async () => {
  const code = await emu?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
  expect(code).toBe(0);
});

// ---------------------------------------------------------------------------------------------
// Running commands as README shows them.

/** One sample's run: its temp folder, environment, and README ↔ real swaps. */
interface Run {
  cwd: string;
  /** Where the logger shim writes. */
  loggerLog: string;
  env: NodeJS.ProcessEnv;
  /** [as README shows it, as it is here] */
  swaps: [string, string][];
  emulators: EmulatorProcess[];
}

async function withRun<T>(work: (run: Run) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const cwd = mkdtempSync(join(root, 'sample-'));
  for (const dir of ['data', 'var/tmp', 'usr/local/bin']) mkdirSync(join(cwd, dir), { recursive: true });
  const loggerLog = `${cwd}.logger`;
  const run: Run = {
    cwd,
    loggerLog,
    env: {
      ...childEnv({
        PATH: `${shims}:${process.env.PATH ?? ''}`,
        ID,
        COLUMNS: '80',
        LC_ALL: 'C',
        README_TEST_LOGGER_LOG: loggerLog,
        ...env,
      }),
      SHEETPIPE_ENDPOINT: env.SHEETPIPE_ENDPOINT ?? emu.endpoint,
    },
    swaps: [
      [README_ENDPOINT, emu.endpoint],
      ['/data/', `${cwd}/data/`],
      ['/var/tmp/', `${cwd}/var/tmp/`],
      ['/usr/local/bin/', `${cwd}/usr/local/bin/`],
    ],
    emulators: [],
  };
  try {
    return await work(run);
  } finally {
    for (const e of run.emulators) expect(await e.stop(), `emulator ${e.endpoint}`).toBe(0);
  }
}

const toHere = (run: Run, text: string) => run.swaps.reduce((t, [readme, here]) => t.replaceAll(readme, here), text);
const toReadme = (run: Run, text: string) =>
  run.swaps.reduce((t, [readme, here]) => t.replaceAll(here, readme), text).replaceAll(`${run.cwd}/`, '');

/** A summary line's duration and rate vary from run to run, as does the wait before a re-read. */
const normalise = (text: string) =>
  text
    .replace(/ in \d+\.\d s \([\d,]+ rows\/s\)/g, ' in <seconds> s (<rate> rows/s)')
    .replace(/reading it again in \d+\.\d s/g, 'reading it again in <seconds> s');

interface ShellResult {
  script: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

const describeShell = (r: ShellResult) =>
  `$ ${r.script}\nexit: ${r.code}\nstdout:\n${r.stdout.slice(0, 3000)}\nstderr:\n${r.stderr.slice(0, 3000)}`;

/** `sh -c script` in the run's folder; stdout into `stdoutFile` when given. */
async function sh(run: Run, script: string, stdoutFile?: string): Promise<ShellResult> {
  const fd = stdoutFile ? openSync(stdoutFile, 'w') : undefined;
  try {
    const child = spawn('sh', ['-c', script], { cwd: run.cwd, env: run.env, stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const [code] = (await once(child, 'close')) as [number | null];
    return { script, code, stdout, stderr };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** On README's terminal `ls` prints columns; here its stdout is a pipe, so it is asked for them. */
const TERMINAL_LS = 'ls() { command ls -C "$@" | expand; }\n';

/** A command as a terminal shows it: stdout and stderr in one stream, in the order written. */
async function terminal(run: Run, command: string): Promise<ShellResult> {
  return sh(run, `exec 2>&1\n${TERMINAL_LS}${toHere(run, command)}`);
}

/** A pipeline with each stage's exit code and stderr kept apart, as the shell runs it. */
async function stages(run: Run, command: string): Promise<{ stdout: string; stages: { code: number; stderr: string }[] }> {
  const dir = mkdtempSync(join(root, 'stages-'));
  try {
    const parts = pipelineStages(toHere(run, command));
    const script = parts.map((p, i) => `{ ${p} 2>'${dir}/${i}.err'; echo $? >'${dir}/${i}.code'; }`).join(' | ');
    const r = await sh(run, script);
    expect(r.code, describeShell(r)).toBe(0);
    return {
      stdout: r.stdout,
      stages: parts.map((_, i) => ({
        code: Number(readFileSync(join(dir, `${i}.code`), 'utf8')),
        stderr: readFileSync(join(dir, `${i}.err`), 'utf8'),
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Temp files sheetpipe might have left: `.NAME.sheetpipe-PID-RANDOM.tmp`. */
function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.sheetpipe-|\.tmp$/.test(f));
}

const lines = (text: string) => text.replace(/\n$/, '').split('\n');

/**
 * Runs a transcript: each `$ command` through sh, its output compared with the lines under it.
 * Every command must exit 0: README shows a failure as `… || echo "exit $?"`.
 */
async function runTranscript(run: Run, steps: Step[], normaliseLine: (line: string) => string = normalise): Promise<ShellResult[]> {
  const results: ShellResult[] = [];
  for (const step of steps) {
    const starts = emulatorLine(step.command);
    if (starts) {
      expect(starts.silent, `${step.command}: a transcript's emulator sends its stdout to /dev/null`).toBe(true);
      expect(step.expected, step.command).toEqual([]);
      const started = await startEmulatorProcess(starts.args);
      run.emulators.push(started);
      const url = `http://${DEFAULT_HOST}:${starts.port ?? DEFAULT_PORT}/`;
      run.swaps.unshift([url, started.endpoint]);
      continue;
    }
    const r = await terminal(run, step.command);
    results.push(r);
    expect(r.code, describeShell(r)).toBe(0);
    const shown = lines(toReadme(run, r.stdout)).map(normaliseLine);
    expect(shown, `${describeShell(r)}\n(as README shows it, normalised)`).toEqual(step.expected.map(normaliseLine));
  }
  expect(leftovers(run.cwd)).toEqual([]);
  return results;
}

// ---------------------------------------------------------------------------------------------
// DuckDB through its node API.

async function duckdb(cwd: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`SET file_search_path = '${cwd.replaceAll("'", "''")}'`);
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function columnTypes(cwd: string, file: string): Promise<Record<string, string>> {
  const rows = await duckdb(cwd, `DESCRIBE SELECT * FROM '${file}'`);
  return Object.fromEntries(rows.map((r) => [r.column_name as string, r.column_type as string]));
}

/** What DuckDB must infer from a typed export of the demo's Orders tab, CSV or NDJSON alike. */
const ORDERS_TYPES = {
  order_id: 'BIGINT',
  order_date: 'DATE',
  customer_id: 'BIGINT',
  customer: 'VARCHAR',
  amount: 'DOUBLE',
  paid: 'BOOLEAN',
  status: 'VARCHAR',
  shipped_on: 'DATE',
  note: 'VARCHAR',
};

/** The emulator's own typed answer for a range: an oracle that does not go through sheetpipe. */
async function typedValues(range: string): Promise<unknown[][]> {
  const query = 'valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER&prettyPrint=false';
  const res = await fetch(`${emu.endpoint}v4/spreadsheets/${ID}/values/${encodeURIComponent(range)}?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { values: unknown[][] }).values;
}
const serialMonth = (serial: number) => new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 7);

interface DuckRecipe {
  run: Run;
  /** The sheetpipe command lines the recipe ran. */
  exports: string[];
  /** Each `duckdb -c` line's SQL (as run) and its rows. */
  queries: { sql: string; rows: Record<string, unknown>[] }[];
}

/** Runs a DuckDB recipe's lines: sheetpipe through sh, the SQL through the node API. */
async function runDuckRecipe(run: Run, s: Sample): Promise<DuckRecipe> {
  const { commands } = setupAndCommands(s.body);
  const recipe: DuckRecipe = { run, exports: [], queries: [] };
  for (const [n, command] of commands.entries()) {
    const parts = pipelineStages(command);
    const last = words(parts.at(-1) as string);
    if (last[0] !== 'duckdb') {
      const r = await sh(run, toHere(run, command));
      expect(r.code, describeShell(r)).toBe(0);
      recipe.exports.push(command);
      continue;
    }
    expect(last.slice(0, 2), command).toEqual(['duckdb', '-c']);
    let sql = last[2] as string;
    if (parts.length > 1) {
      // `sheetpipe … | duckdb -c "… read_csv('/dev/stdin') …"`: the pipe's bytes go to a file read in its place.
      const stdin = join(root, `stdin-${s.name}-${n}`);
      const r = await sh(run, toHere(run, parts.slice(0, -1).join(' | ')), stdin);
      expect(r.code, describeShell(r)).toBe(0);
      expect(sql).toContain("'/dev/stdin'");
      sql = sql.replaceAll("'/dev/stdin'", `'${stdin}'`);
      recipe.exports.push(parts.slice(0, -1).join(' | '));
    }
    recipe.queries.push({ sql, rows: await duckdb(run.cwd, sql) });
  }
  expect(leftovers(run.cwd)).toEqual([]);
  return recipe;
}

/** The recipe's export line with its file renamed (to export the other format, or the formatted form). */
function exportAs(command: string, from: string, to: string, options: { formatted?: boolean } = {}): string {
  expect(command).toContain(` -o ${from}`);
  const renamed = command.replace(` -o ${from}`, ` -o ${to}`);
  if (!options.formatted) return renamed;
  expect(renamed).toContain(' --render typed');
  return renamed.replace(' --render typed', '');
}

/** Per recipe: what its query must compute. */
const DUCKDB_RESULTS: Record<string, (recipe: DuckRecipe) => Promise<void>> = {
  async 'try-duckdb'({ queries }) {
    expect(queries.map((q) => q.rows)).toEqual([[{ 'count_star()': '2000' }]]);
  },
  async 'duckdb-csv'({ queries }) {
    const orders = await typedValues('Orders');
    const header = orders[0] as string[];
    const byStatus = new Map<string, { orders: number; revenue: number }>();
    for (const row of orders.slice(1)) {
      const status = row[header.indexOf('status')] as string;
      const sum = byStatus.get(status) ?? { orders: 0, revenue: 0 };
      sum.orders += 1;
      sum.revenue += row[header.indexOf('amount')] as number;
      byStatus.set(status, sum);
    }
    const rows = queries[0]?.rows ?? [];
    expect(rows.map((r) => r.status).sort()).toEqual([...byStatus.keys()].sort());
    for (const r of rows) {
      const want = byStatus.get(r.status as string);
      expect(Number(r.orders), String(r.status)).toBe(want?.orders);
      expect(r.revenue as number, String(r.status)).toBeCloseTo(want?.revenue ?? NaN, 2);
    }
    const revenues = rows.map((r) => r.revenue as number);
    expect(revenues).toEqual([...revenues].sort((a, b) => b - a));
  },
  async 'duckdb-ndjson'({ queries }) {
    // The Summary tab's MonthlyRevenue: month, paid_orders, revenue, average_order — computed by the sheet's formulas.
    const summary = (await typedValues('MonthlyRevenue')).slice(1);
    const rows = queries[0]?.rows ?? [];
    expect(rows.map((r) => [r.month, Number(r.paid_orders)])).toEqual(summary.map((m) => [serialMonth(m[0] as number), m[1]]));
    rows.forEach((r, i) => expect(r.revenue as number, String(r.month)).toBeCloseTo(summary[i]?.[2] as number, 2));
  },
};

// ---------------------------------------------------------------------------------------------

describe('README samples: the markers', () => {
  const CHECKS = ['offline', 'duckdb', 'demo', 'transcript', 'head', 'jq', 'cron', 'loader', 'manifest', 'library', 'output'];

  it('every marker sits right above a fenced block and names a check this file runs', () => {
    expect(SAMPLES.length).toBe(MARKERS);
    for (const s of SAMPLES) expect(CHECKS, `${s.name} (line ${s.line})`).toContain(s.check);
    for (const check of CHECKS) expect(samplesOf(check).length, `samples checked by ${check}`).toBeGreaterThan(0);
    const names = SAMPLES.filter((s) => s.check !== 'output').map((s) => s.name);
    expect(new Set(names).size, 'sample names are unique').toBe(names.length);
    for (const out of samplesOf('output')) expect(names, `output of ${out.name}`).toContain(out.name);
  });

  it('every block that runs sheetpipe on "$ID" is a sample', () => {
    const unmarked = fencedBlocks(README).filter((b) => !b.marker && b.body.includes('"$ID"'));
    expect(unmarked.map((b) => `line ${b.line}: ${b.body.split('\n')[0]}`)).toEqual([]);
  });

  it("the setup README's examples assume is the one this file runs: the default emulator, its endpoint, the demo ID", () => {
    expect(SETUP, 'a sample that exports SHEETPIPE_ENDPOINT').toBeDefined();
    const setup = setupAndCommands(SETUP?.body ?? '').setup.map((l) => l.replace(/\s+#.*$/, ''));
    const starts = setup.map((l) => emulatorLine(l)).filter((e) => e !== undefined);
    expect(starts, 'one `sheetpipe emulator &` with no arguments').toEqual([{ args: [], silent: false }]);
    expect(setup).toContain(`export SHEETPIPE_ENDPOINT=${README_ENDPOINT}`);
    expect(setup).toContain(`ID=${DEMO_SPREADSHEET_ID}`);
    expect(ID).toBe(DEMO_SPREADSHEET_ID);
  });
});

describe('README: quick start', () => {
  it('is two commands: the demo, and the tests (which this file is part of)', () => {
    const section = README.slice(README.indexOf('\n## Quick start\n'));
    const block = fencedBlocks(section)[0];
    expect(block?.body.split('\n').map((l) => l.replace(/\s+#.*$/, ''))).toEqual([
      'npm install && npm run demo',
      'npm install && npm test',
    ]);
  });

  it('npm run demo prints what README shows, and head -3 demo.csv its first rows', async () => {
    const s = sample('quick-start', 'demo');
    const shown = s.body.split('\n');
    expect(shown[0]).toBe('$ npm run demo');
    const head = shown.findLastIndex((l) => l.startsWith('$ '));
    expect(shown[head]).toBe('$ head -3 demo.csv');
    const readmeProgress = sample('progress-line', 'demo').body;

    const dir = mkdtempSync(join(root, 'demo-'));
    const output = join(dir, 'demo.csv');
    const env = { ...childEnv({ SHEETPIPE_DEMO_OUTPUT: output, npm_config_update_notifier: 'false' }) };
    const child = spawn('sh', ['-c', 'exec 2>&1\nnpm run demo'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let printed = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (printed += d));
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code, printed).toBe(0);

    // Normalised: the port, the temp path, npm's banner version, durations and rates.
    const norm = (l: string) =>
      normalise(
        l
          .replaceAll(`${dir}/`, '')
          .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
          .replace(/^> sheetpipe@\S+ demo$/, '> sheetpipe@<version> demo'),
      );
    // The progress display: README's terminal shows the bar's last frame; on this pipe, plain lines every 3 s.
    const bar = /^sheetpipe [█░]+ 100% \| ([\d,]+) rows \| [\d,]+ rows\/s$/;
    const plain = /^sheetpipe: \d+% \| /;
    const expected = shown.slice(1, head);
    expect(
      expected.filter((l) => bar.test(l)),
      'one bar line, at 100%',
    ).toHaveLength(1);
    const actual = lines(printed);
    const shape = (l: string) => l.replace(/\d[\d,]*(\.\d+)?/g, 'N');
    for (const line of actual.filter((l) => plain.test(l)))
      expect(shape(line), 'a plain progress line as README shows one').toBe(shape(readmeProgress));
    expect(actual.filter((l) => !plain.test(l)).map(norm), printed).toEqual(expected.filter((l) => !bar.test(l)).map(norm));
    const summaryRows = /^sheetpipe: ([\d,]+) rows/.exec(expected.find((l) => l.startsWith('sheetpipe: ')) ?? '')?.[1];
    expect(bar.exec(expected.find((l) => bar.test(l)) ?? '')?.[1], 'the bar ends at the summary row count').toBe(summaryRows);

    const csv = readFileSync(output, 'utf8');
    expect(lines(csv).slice(0, 3)).toEqual(shown.slice(head + 1));
    // 199,999 data rows with ids 1…199999 (some notes hold line breaks, so lines are no count of rows).
    expect(csv).toMatch(/\n199999,/);
    expect(csv).not.toMatch(/\n200000,/);
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});

describe('README: transcripts run as shown', () => {
  for (const s of samplesOf('transcript')) {
    const skip = skipReason(s);
    it.skipIf(skip !== undefined)(`${s.name} (line ${s.line})`, () => withRun((run) => runTranscript(run, transcript(s.body))), 300_000);
  }
});

/** What README shows `command` printing: its output in a transcript, or undefined. */
function shownOutput(command: string): string[] | undefined {
  for (const s of SAMPLES.filter((x) => x.body.startsWith('$ '))) {
    const step = transcript(s.body).find((t) => t.command === command);
    if (step) return step.expected;
  }
  return undefined;
}

/** README's example of a real spreadsheet ID, in the tagline and the Auth section. */
const EXAMPLE_ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

describe('README: the first examples need sheetpipe alone', () => {
  // A duckdb that is missing, whatever this machine has installed: the shell's "not found", exit 127.
  let missing: string;
  beforeAll(() => {
    missing = mkdtempSync(join(root, 'missing-'));
    writeFileSync(join(missing, 'duckdb'), '#!/bin/sh\necho "duckdb: not found" >&2\nexit 127\n', { mode: 0o755 });
  });

  for (const s of samplesOf('offline')) {
    it(`${s.name} (line ${s.line}): runs with duckdb missing, each command printing what README shows for it`, () =>
      withRun(
        async (run) => {
          const { commands } = setupAndCommands(s.body);
          expect(commands.length).toBeGreaterThan(0);
          for (const line of commands) {
            const command = pipelineStages(line.replaceAll(EXAMPLE_ID, '"$ID"')).join(' | ');
            const r = await stages(run, command);
            expect(
              r.stages.map((stage) => stage.code),
              `${command}\n${r.stages.map((stage) => stage.stderr).join('')}`,
            ).toEqual(r.stages.map(() => 0));
            const printed = await terminal(run, command);
            const shown = shownOutput(command);
            const count = /\s#\s+([\d,]+) /.exec(line)?.[1]?.replaceAll(',', '');
            expect(
              shown ?? count,
              `README shows what \`${command}\` prints: in a transcript, or as the number its comment begins with`,
            ).toBeDefined();
            if (shown) expect(lines(printed.stdout).map(normalise), describeShell(printed)).toEqual(shown.map(normalise));
            // wc pads its count on some systems.
            else expect(printed.stdout.trim(), describeShell(printed)).toBe(count);
          }
          expect(leftovers(run.cwd)).toEqual([]);
        },
        { PATH: `${missing}:${shims}:${process.env.PATH ?? ''}` },
      ));
  }
});

describe('README: DuckDB recipes, through DuckDB', () => {
  for (const s of samplesOf('duckdb')) {
    it(`${s.name} (line ${s.line}): the files sheetpipe wrote load with the right row count and column types, the query computes the figures`, () =>
      withRun(async (run) => {
        const recipe = await runDuckRecipe(run, s);
        expect(recipe.queries.length, 'a duckdb line').toBeGreaterThan(0);
        const files = readdirSync(run.cwd).filter((f) => /\.(csv|ndjson)$/.test(f));
        for (const file of files) {
          expect(await columnTypes(run.cwd, file), file).toEqual(ORDERS_TYPES);
          expect(await duckdb(run.cwd, `SELECT count(*) AS n FROM '${file}'`), file).toEqual([{ n: '2000' }]);
        }
        const check = DUCKDB_RESULTS[s.name];
        expect(check, `what ${s.name}'s query must compute`).toBeDefined();
        await check?.(recipe);

        for (const [from, to] of [
          ['orders.csv', 'orders.ndjson'],
          ['orders.ndjson', 'orders.csv'],
        ] as const) {
          const line = recipe.exports.find((c) => c.includes(` -o ${from}`));
          if (!line) continue;
          const { sql, rows } = recipe.queries[0] as { sql: string; rows: unknown[] };
          // The same query on the other format gives the same rows.
          const other = await sh(run, toHere(run, exportAs(line, from, to)));
          expect(other.code, describeShell(other)).toBe(0);
          expect(await columnTypes(run.cwd, to), to).toEqual(ORDERS_TYPES);
          expect(await duckdb(run.cwd, sql.replaceAll(`'${from}'`, `'${to}'`)), `${sql} on ${to}`).toEqual(rows);
          // Formatted values make `amount` text, and the sum an error: why the recipe types them.
          const formatted = `formatted.${from.split('.')[1]}`;
          const plain = await sh(run, toHere(run, exportAs(line, from, formatted, { formatted: true })));
          expect(plain.code, describeShell(plain)).toBe(0);
          expect((await columnTypes(run.cwd, formatted)).amount).toBe('VARCHAR');
          await expect(duckdb(run.cwd, sql.replaceAll(`'${from}'`, `'${formatted}'`))).rejects.toThrow(/sum\(VARCHAR\)/);
        }
      }));
  }
});

describe('README: jq recipe', () => {
  for (const s of samplesOf('jq')) {
    const skip = skipReason(s);
    it.skipIf(skip !== undefined)(`${s.name} (line ${s.line}): selects by number, sheetpipe quiet and exit 0`, () =>
      withRun(async (run) => {
        const steps = transcript(s.body);
        await runTranscript(run, steps);
        for (const step of steps) {
          const [sheetpipe, jq] = pipelineStages(step.command);
          expect(words(sheetpipe ?? '')[0]).toBe('sheetpipe');
          expect(words(jq ?? '')[0]).toBe('jq');
          const r = await stages(run, step.command);
          expect(r.stages, step.command).toEqual([
            { code: 0, stderr: '' },
            { code: 0, stderr: '' },
          ]);
          const picked = lines(r.stdout).map((l) => JSON.parse(l) as { amount: unknown });
          expect(picked.length).toBeGreaterThan(0);
          expect(picked.length).toBeLessThan(2000);
          for (const o of picked) expect(typeof o.amount, JSON.stringify(o)).toBe('number');
          // On formatted values every amount is a string, and jq ranks strings above numbers: all 2,000 pass.
          expect(sheetpipe).toContain(' --render typed');
          const formatted = await stages(run, `${(sheetpipe ?? '').replace(' --render typed', '')} | ${jq}`);
          expect(lines(formatted.stdout)).toHaveLength(2000);
        }
      }),
    );
  }
});

describe('README: head', () => {
  for (const s of samplesOf('head')) {
    it(`${s.name} (line ${s.line}): head gets its lines, sheetpipe exits 0 without a word`, () =>
      withRun(async (run) => {
        for (const step of transcript(s.body)) {
          const parts = pipelineStages(step.command);
          expect(parts.map((p) => words(p)[0])).toEqual(['sheetpipe', 'head']);
          const r = await stages(run, step.command);
          expect(lines(r.stdout), step.command).toEqual(step.expected);
          expect(r.stages, step.command).toEqual([
            { code: 0, stderr: '' },
            { code: 0, stderr: '' },
          ]);
        }
        expect(leftovers(run.cwd)).toEqual([]);
      }));
  }
});

/** A crontab's jobs: the command after the five time fields. */
function cronJobs(body: string): string[] {
  return body
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^\s*(?:\S+\s+){5}(.+)$/.exec(l);
      if (!m) throw new Error(`not a crontab job: ${l}`);
      return m[1] as string;
    });
}

const loggerCalls = (run: Run) => (existsSync(run.loggerLog) ? lines(readFileSync(run.loggerLog, 'utf8')) : []);

describe('README: cron', () => {
  for (const s of samplesOf('cron')) {
    it(`${s.name} (line ${s.line}): a quiet run writes the file by rename; a failure keeps it, says one line and reaches logger`, () =>
      withRun(async (run) => {
        const [job, ...more] = cronJobs(s.body);
        expect(more).toEqual([]);
        const target = /-o (\S+)/.exec(job ?? '')?.[1] ?? '';
        expect(target.startsWith('/data/')).toBe(true);
        const file = toHere(run, target);
        const folder = join(file, '..');
        const want = await sh(run, 'sheetpipe "$ID" Orders -q');
        rmSync(run.loggerLog, { force: true });

        // First night: the file appears, nothing is said (cron mails nothing), logger is not called.
        let r = await sh(run, toHere(run, job as string));
        expect([r.code, r.stdout, r.stderr], describeShell(r)).toEqual([0, '', '']);
        expect(readFileSync(file, 'utf8')).toBe(want.stdout);
        expect(loggerCalls(run)).toEqual([]);

        // Next night: the old file is replaced by a rename, never rewritten in place: a hard link to it keeps the old bytes.
        writeFileSync(file, "yesterday's export\n");
        linkSync(file, join(folder, 'yesterday.csv'));
        r = await sh(run, toHere(run, job as string));
        expect([r.code, r.stdout, r.stderr], describeShell(r)).toEqual([0, '', '']);
        expect(readFileSync(file, 'utf8')).toBe(want.stdout);
        expect(readFileSync(join(folder, 'yesterday.csv'), 'utf8')).toBe("yesterday's export\n");
        rmSync(join(folder, 'yesterday.csv'));

        // A failing night: one line on stderr, the exit code in logger, the file as it was, no temp file.
        writeFileSync(file, "yesterday's export\n");
        const failures = [
          { env: { ID: `${DEMO_SPREADSHEET_ID.slice(0, -1)}1` }, code: 4 },
          { env: { SHEETPIPE_ENDPOINT: 'http://127.0.0.1:1/' }, code: 5 },
        ];
        for (const failure of failures) {
          rmSync(run.loggerLog, { force: true });
          r = await sh({ ...run, env: { ...run.env, ...failure.env } }, toHere(run, job as string));
          expect(r.code, describeShell(r)).toBe(0);
          expect(r.stdout).toBe('');
          expect(lines(r.stderr), describeShell(r)).toHaveLength(1);
          expect(r.stderr).toMatch(/^sheetpipe: /);
          expect(loggerCalls(run)).toEqual([`-t sheetpipe orders export failed with exit ${failure.code}`]);
          expect(readFileSync(file, 'utf8')).toBe("yesterday's export\n");
          expect(readdirSync(folder)).toEqual([target.split('/').at(-1)]);
        }
      }));
  }
});

describe('README: a whole spreadsheet every night, and a loader that waits for it', () => {
  const loader = samplesOf('loader');
  const crontab = loader.find((s) => s.lang === 'cron');
  const script = loader.find((s) => s.lang === 'sh');
  const skip = script ? skipReason(script) : undefined;

  it.skipIf(skip !== undefined)("one load per new set, none while the files are not the manifest's", () =>
    withRun(async (run) => {
      expect(crontab && script, 'a crontab and its loader script').toBeTruthy();
      const [exportJob, loadJob, ...more] = cronJobs(crontab?.body ?? '');
      expect(more).toEqual([]);
      expect(loadJob).toBe('/usr/local/bin/load-shop');
      writeFileSync(toHere(run, loadJob as string), toHere(run, script?.body ?? ''));
      chmodSync(toHere(run, loadJob as string), 0o755);
      const shop = toHere(run, '/data/shop');
      const seen = toHere(run, '/var/tmp/load-shop.manifest');

      const load = async () => {
        const r = await sh(run, toHere(run, loadJob as string));
        expect([r.code, r.stderr], describeShell(r)).toEqual([0, '']);
        return r.stdout;
      };
      const nightly = async () => {
        const r = await sh(run, toHere(run, exportJob as string));
        expect([r.code, r.stdout, r.stderr], describeShell(r)).toEqual([0, '', '']);
      };

      expect(await load(), 'no set yet').toBe('');
      await nightly();
      expect(await load()).toBe(['Orders', 'Customers', 'Summary', 'Deliveries'].map((t) => `load ${shop}/${t}.csv.gz\n`).join(''));
      expect(await load(), 'this set is loaded already').toBe('');
      // A new set whose files have changed since its manifest (a later run mid-way): not loaded yet.
      await nightly();
      const before = readFileSync(seen, 'utf8');
      writeFileSync(join(shop, 'Orders.csv.gz'), 'x', { flag: 'a' });
      expect(await load()).toBe('');
      expect(readFileSync(seen, 'utf8')).toBe(before);
      // The next complete set is.
      await nightly();
      expect(lines(await load())).toHaveLength(4);
      expect(loggerCalls(run)).toEqual([]);
    }),
  );
});

describe("README: the folder export's manifest", () => {
  for (const s of samplesOf('manifest')) {
    it(`${s.name} (line ${s.line}): is the manifest the folder example writes, up to its time`, () =>
      withRun(async (run) => {
        const folder = transcript(sample('folder', 'transcript').body)[0] as Step;
        const r = await terminal(run, folder.command);
        expect(r.code, describeShell(r)).toBe(0);
        const dir = /-o (\S+)/.exec(folder.command)?.[1] ?? '';
        const actual = JSON.parse(readFileSync(join(run.cwd, dir, '_manifest.json'), 'utf8')) as { exported_at: string; files: unknown[] };
        // README elides the later files with a line `…`.
        const shown = JSON.parse(s.body.replace(/,\n\s*…\n/, '\n')) as { exported_at: string; files: unknown[] };
        for (const m of [actual, shown]) {
          expect(m.exported_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
          m.exported_at = '<time>';
        }
        expect(shown.files.length).toBeGreaterThan(0);
        expect({ ...actual, files: actual.files.slice(0, shown.files.length) }).toEqual(shown);
      }));
  }
});

describe('README: library', () => {
  const library = samplesOf('library');
  /** `const ID = …` and `const endpoint = …` of the first sample, which later samples use "as above". */
  const declarations = (library[0]?.body ?? '').split('\n').filter((l) => /^const (ID|endpoint) = /.test(l));

  for (const s of library) {
    it(`${s.name} (line ${s.line}): runs as a module against the emulator`, () =>
      withRun(async (run) => {
        let program = toHere(run, s.body);
        if (!/^const ID = /m.test(program)) {
          const imports = program.split('\n').filter((l) => l.startsWith('import '));
          program = [...imports, ...declarations, ...program.split('\n').filter((l) => !l.startsWith('import '))].join('\n');
        }
        mkdirSync(join(run.cwd, 'node_modules'));
        symlinkSync(ROOT, join(run.cwd, 'node_modules', 'sheetpipe'), 'dir');
        writeFileSync(join(run.cwd, 'sample.mjs'), program);
        const child = spawn(process.execPath, ['sample.mjs'], { cwd: run.cwd, env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const [code] = (await once(child, 'close')) as [number | null];
        const shown = `${program}\nexit: ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
        expect([code, stderr], shown).toEqual([0, '']);

        const output = SAMPLES.find((o) => o.name === s.name && o.check === 'output');
        if (output) expect(lines(stdout), shown).toEqual(lines(output.body));
        if (s.name === 'library') {
          const written = lines(readFileSync(join(run.cwd, 'orders.ndjson'), 'utf8')).map((l) => JSON.parse(l) as Record<string, unknown>);
          expect(written).toHaveLength(2000);
          expect(written[0]).toMatchObject({ order_id: 10001, order_date: '2024-01-01', amount: 872.04, paid: true });
        } else if (s.name === 'library-schema') {
          // Its output block holds what it prints; the command line's schema of the same range agrees.
          const cli = await sh(run, `sheetpipe schema "$ID" Deliveries --json -q`);
          const { timeZone, columns } = JSON.parse(cli.stdout) as { timeZone: string; columns: { name: string; type: string }[] };
          expect(lines(stdout)).toEqual([`${timeZone} ${columns.map((c) => `${c.name}:${c.type}`).join(' ')}`]);
        } else {
          expect(lines(stdout)).toEqual([
            expect.stringMatching(/^Orders\.csv\.gz 2000 [0-9a-f]{64}$/),
            expect.stringMatching(/^Customers\.csv\.gz 300 [0-9a-f]{64}$/),
            expect.stringMatching(/^Summary\.csv\.gz 29 [0-9a-f]{64}$/),
            expect.stringMatching(/^Deliveries\.csv\.gz 50 [0-9a-f]{64}$/),
          ]);
        }
      }));
  }
});
