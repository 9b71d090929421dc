/* global fetch */
// sheetpipe benchmarks: `npm run bench` (after `npm run build`). Six scenarios, each a ratio of two
// things measured in the same run against the same emulator; absolute times are context only.
// Prints the table and rewrites the generated section of benchmarks/RESULTS.md (between the
// `bench:begin` / `bench:end` markers; the hand-written analysis outside them is kept).
//   node benchmarks/run.js [--only quota,latency,cpu,memory,ttfb,cold]   (--only: print, no RESULTS.md)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CELL_BUDGET, FIRST_CHUNK_CELLS, rowsPerChunk } from '../dist/plan.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const CLI = join(ROOT, 'bin', 'sheetpipe.js');
const C = (name) => join(HERE, 'contenders', name);
const TAB = 'Generated';
const ALL = ['quota', 'latency', 'cpu', 'memory', 'ttfb', 'cold'];

const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1].split(',') : ALL;
for (const s of only) if (!ALL.includes(s)) throw new Error(`unknown scenario ${s}; known: ${ALL.join(', ')}`);
if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  console.error('benchmarks: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Child processes: every one is tracked and killed on any exit of the harness.
const children = new Set();
function track(child) {
  children.add(child);
  child.once('close', () => children.delete(child));
  return child;
}
function killAll() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const TMP = mkdtempSync(join(tmpdir(), 'sheetpipe-bench-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
const DEV_NULL = openSync('/dev/null', 'w');
const now = () => performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

/** CPU seconds (user + system) a live process has used so far, from /proc. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** An emulator in its own process (benchmarks/lib/emulator-child.js), on 127.0.0.1 and a free port. */
async function startEmulator(spec) {
  const child = track(spawn(process.execPath, [join(HERE, 'lib', 'emulator-child.js'), JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const info = await new Promise((resolveInfo, reject) => {
    let text = '';
    const onData = (data) => {
      text += data;
      const url = /endpoint (\S+)/.exec(text)?.[1];
      const id = /spreadsheet (\S+)/.exec(text)?.[1];
      if (url && id) {
        child.stdout.off('data', onData);
        resolveInfo({ url, id });
      }
    };
    child.stdout.on('data', onData);
    child.once('close', (code) => reject(new Error(`emulator exited with ${code} before listening`)));
  });
  child.stdout.resume();
  return {
    ...info,
    pid: child.pid,
    cpu: () => cpuSeconds(child.pid),
    async stats() {
      const res = await fetch(`${info.url}_emulator/stats`);
      return res.json();
    },
    stop() {
      return new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('close', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
    },
  };
}

async function withEmulator(spec, fn) {
  const emulator = await startEmulator(spec);
  try {
    return await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

/** Counter deltas of the emulator across `fn`. */
async function measured(emulator, fn) {
  const before = await emulator.stats();
  const cpuBefore = emulator.cpu();
  const result = await fn();
  const after = await emulator.stats();
  return {
    ...result,
    requests: after.requests - before.requests,
    values: after.values - before.values,
    metadata: after.metadata - before.metadata,
    throttled: after.rateLimited - before.rateLimited,
    maxInFlight: after.maxInFlight,
    emulatorCpu: emulator.cpu() - cpuBefore,
  };
}

/**
 * Runs `node ...args` under `/usr/bin/time -v`: wall time from spawn to exit (measured here), CPU
 * time and peak RSS (from time). stdout goes to /dev/null unless `stdoutFd` is given.
 */
function runNode(args, { nodeArgs = [], stdoutFd = DEV_NULL } = {}) {
  const timeFile = join(TMP, `time-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((resolveRun, reject) => {
    const started = now();
    const child = track(spawn('/usr/bin/time', ['-v', '-o', timeFile, process.execPath, ...nodeArgs, ...args], { stdio: ['ignore', stdoutFd, 'pipe'], cwd: ROOT }));
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const wall = (now() - started) / 1000;
      const t = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
      const num = (re) => Number(re.exec(t)?.[1] ?? NaN);
      const result = {
        code,
        wall,
        stderr: stderr.trim(),
        user: num(/User time \(seconds\): ([\d.]+)/),
        sys: num(/System time \(seconds\): ([\d.]+)/),
        rssMB: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
      };
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.trim().slice(-800)}`));
      resolveRun(result);
    });
  });
}

const sheetpipe = (emulator, extra) => [CLI, '--endpoint', emulator.url, emulator.id, TAB, '-q', ...extra];
const contender = (name, emulator, extra = []) => [C(name), '--endpoint', emulator.url, '--id', emulator.id, '--tab', TAB, ...extra];

// ---------------------------------------------------------------------------------------------
// The table.
const rows = [];
const goals = [];
const notes = [];
let profileSummary = '';
const fmt = {
  s: (x) => `${x.toFixed(2)} s`,
  ms: (x) => `${Math.round(x)} ms`,
  x: (x) => `${x.toFixed(2)}×`,
  int: (x) => Math.round(x).toLocaleString('en-US'),
  mb: (x) => `${x.toFixed(0)} MB`,
};
function row(scenario, contenderName, time, figures, ratio) {
  rows.push({ scenario, contender: contenderName, time, figures, ratio });
  log(`${scenario} | ${contenderName} | ${time} | ${figures} | ${ratio}`);
}
function goal(scenario, text, met, how) {
  goals.push({ scenario, text, met, how });
}

// 1. Quota-bound ------------------------------------------------------------------------------
async function quota() {
  const ROWS = 100_000;
  const COLS = 10;
  const RPM = 600;
  const WINDOW_MS = 6_000; // the API's 60 requests / 60 s, time scaled 10×: 60 requests / 6 s
  const limit = (RPM * WINDOW_MS) / 60_000;
  notes.push(`quota-bound: the API's quota (60 requests per 60 s window) is scaled 10× in time: the emulator allows ${limit} requests per sliding ${WINDOW_MS / 1000} s window (${RPM}/min); sheetpipe runs with --max-rpm ${RPM}, the seed design is paced at the same ${RPM}/min (one request start every ${60_000 / RPM} ms, metadata included). Tab ${fmt.int(ROWS)} × ${COLS} = ${fmt.int(ROWS * COLS)} cells.`);
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }], maxRpm: limit, quotaWindowMs: WINDOW_MS }, async (emu) => {
    const cells = ROWS * COLS;
    const rate = RPM / 60;
    const floor = cells / (DEFAULT_CELL_BUDGET * rate); // sheetpipe's cells per request, near the API's recommended 2 MB
    const waitWindow = () => new Promise((r) => setTimeout(r, WINDOW_MS + 200)); // let the quota window empty between contenders
    const sp = await measured(emu, () => runNode(sheetpipe(emu, ['--max-rpm', String(RPM)])));
    await waitWindow();
    const seed = await measured(emu, () => runNode(contender('seed.js', emu, ['--rpm', String(RPM)])));
    await waitWindow();
    const unpaced = await measured(emu, () => runNode(contender('seed.js', emu, ['--rpm', '0'])));
    const fig = (r) => `${r.requests} requests (${r.values} values + ${r.metadata} metadata), ${r.throttled} × 429, ${fmt.int(cells / Math.max(1, r.values))} cells/values request`;
    row('quota-bound', `sheetpipe --max-rpm ${RPM}`, fmt.s(sp.wall), fig(sp), `${fmt.x(sp.wall / floor)} floor`);
    row('quota-bound', `seed design (1,000-row chunks, sequential), paced ${RPM}/min`, fmt.s(seed.wall), fig(seed), `${fmt.x(seed.wall / floor)} floor`);
    row('quota-bound', 'seed design, unpaced (retries 429 after Retry-After)', fmt.s(unpaced.wall), fig(unpaced), `${fmt.x(unpaced.wall / floor)} floor`);
    const pacing = (sp.requests - 1) / rate;
    notes.push(`quota-bound floor = ${fmt.int(cells)} cells ÷ (${fmt.int(DEFAULT_CELL_BUDGET)} cells/request × ${rate} requests/s) = ${fmt.s(floor)}. sheetpipe's own pacing alone is (${sp.requests} requests − 1) × ${60 / RPM} s = ${fmt.s(pacing)}; the rest of its ${fmt.s(sp.wall)} is start-up, the first answer and writing the last chunk. At the real 60/min these fixed ~${fmt.s(Math.max(0, sp.wall - pacing))} would weigh 10× less: projected ${fmt.s(pacing * 10 + (sp.wall - pacing))} vs a floor of ${fmt.s(floor * 10)} = ${fmt.x((pacing * 10 + (sp.wall - pacing)) / (floor * 10))}.`);
    goal('quota-bound', 'time ≤ 1.1 × floor', sp.wall <= 1.1 * floor, `${fmt.x(sp.wall / floor)} (${sp.wall <= 1.1 * floor ? 'met' : `missed by ${fmt.x(sp.wall / floor - 1.1)} of floor`})`);
    goal('quota-bound', 'zero 429s', sp.throttled === 0, `${sp.throttled} × 429`);
    const fewer = seed.requests / sp.requests;
    goal('quota-bound', '≥ 10× fewer requests than the seed design', fewer >= 10, `${fmt.x(fewer)} (${seed.requests} vs ${sp.requests}; values requests only: ${fmt.x(seed.values / sp.values)})`);
  });
}

// 2. Latency-bound ----------------------------------------------------------------------------
async function latency() {
  const ROWS = 100_000;
  const COLS = 10;
  notes.push(`latency-bound: 150 ms ± 50 ms per request, ${fmt.int(ROWS)} × ${COLS}, --chunk-rows 1000 for all, no rate ceiling (sheetpipe --max-rpm 0). One run each (they take seconds, not milliseconds).`);
  // A fresh emulator per contender (same seed, so the same latencies), so that maxInFlight is each one's own.
  const spec = { tabs: [{ title: TAB, rows: ROWS, cols: COLS }], latencyMs: 150, jitterMs: 50 };
  const once = (run) => withEmulator(spec, (emu) => measured(emu, () => run(emu)));
  {
    const sp = await once((emu) => runNode(sheetpipe(emu, ['-c', '8', '--max-rpm', '0', '--chunk-rows', '1000'])));
    const seed = await once((emu) => runNode(contender('seed.js', emu, ['--chunk-rows', '1000'])));
    const gs = await once((emu) => runNode(contender('google-spreadsheet.js', emu, ['--chunk-rows', '1000'])));
    const fig = (r) => `${r.requests} requests, ${fmt.int(ROWS / r.wall)} rows/s, max in flight ${r.maxInFlight}`;
    const ideal = (Math.ceil(ROWS / 1000 / 8) + 1) * 0.15;
    row('latency-bound', 'sheetpipe -c 8', fmt.s(sp.wall), fig(sp), `${fmt.x(seed.wall / sp.wall)} vs seed loop`);
    row('latency-bound', 'seed design (sequential loop)', fmt.s(seed.wall), fig(seed), '1.00×');
    row('latency-bound', 'google-spreadsheet 5.2.0 getRows paging', fmt.s(gs.wall), fig(gs), `${fmt.x(seed.wall / gs.wall)} vs seed loop`);
    notes.push(`latency-bound: with 8 in flight the schedule alone needs ≈ (⌈100 chunks / 8⌉ + 1 metadata) × 150 ms = ${fmt.s(ideal)}; sheetpipe took ${fmt.s(sp.wall)}. google-spreadsheet hardcodes https://sheets.googleapis.com/ (no base-URL option); it was pointed at the emulator by a global fetch that swaps that origin for the emulator's (benchmarks/contenders/google-spreadsheet.js explains), its own code unchanged. It made ${gs.requests} requests (loadInfo, one values:batchGet with the header, then values.get pages).`);
    const speedup = seed.wall / sp.wall;
    goal('latency-bound', '≥ 7× the sequential loop (limit 8×)', speedup >= 7, `${fmt.x(speedup)}${speedup >= 7 ? '' : ` (missed by ${fmt.x(7 - speedup)})`}`);
  }
}

// 3. CPU-bound ---------------------------------------------------------------------------------
function summariseProfile(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const categorise = ({ functionName: fn, url }) => {
    if (fn === '(garbage collector)') return 'GC';
    if (fn === '(idle)') return 'idle (waiting for the network)';
    if (fn === '(program)') return 'V8/native, unattributed';
    if (fn === '(root)') return 'V8/native, unattributed';
    if (url === '' && /^(parse|JSONParse|JsonParse)$/.test(fn)) return 'JSON.parse';
    // V8 books the JSON.parse builtin to its caller: this gaxios function is `JSON.parse(await res.text())`.
    if (fn === 'getResponseDataFromContentType') return 'JSON.parse (in gaxios getResponseDataFromContentType)';
    if (url === 'node:internal/encoding') return 'TextDecoder (response.text())';
    if (/node_modules\/(gaxios|node-fetch|googleapis-common|google-auth-library|gcp-metadata|@googleapis)/.test(url)) return 'gaxios / googleapis-common';
    if (/zlib/.test(url) || /zlib|inflate|gunzip/i.test(fn)) return 'zlib';
    if (url.includes('undici') || url.startsWith('node:internal/deps/undici')) return 'undici (fetch)';
    if (url.includes('/dist/')) return `sheetpipe ${url.slice(url.indexOf('/dist/') + 6)}`;
    if (url.startsWith('node:internal/streams') || url.startsWith('node:stream')) return 'node streams';
    if (url.startsWith('node:')) return 'node core, other';
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return `npm ${m[1]}`;
    return url === '' ? `V8 builtin ${fn || '(anonymous)'}` : url;
  };
  const byCategory = new Map();
  const byFunction = new Map();
  for (const [id, us] of self) {
    const node = byId.get(id);
    const cat = categorise(node.callFrame);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + us);
    const key = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace('file://', '')}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const busy = total - (byCategory.get('idle (waiting for the network)') ?? 0);
  const pct = (us) => `${((100 * us) / busy).toFixed(1)}%`;
  const top = [...byFunction].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 15);
  const sheetpipeOwn = [...byCategory].filter(([k]) => k.startsWith('sheetpipe ')).reduce((a, [, v]) => a + v, 0);
  const cats = [...byCategory].sort((a, b) => b[1] - a[1]);
  let text = `Profile of one sheetpipe run (node --cpu-prof), ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy; shares of busy time.\n\n`;
  text += `By module (sheetpipe's own code together: ${pct(sheetpipeOwn)}):\n\n| module | self time | share |\n| --- | ---: | ---: |\n`;
  const shown = cats.filter(([k]) => !k.startsWith('idle')).slice(0, 14);
  for (const [k, v] of shown) text += `| ${k} | ${(v / 1000).toFixed(0)} ms | ${pct(v)} |\n`;
  const rest = busy - shown.reduce((a, [, v]) => a + v, 0);
  text += `| everything else | ${(rest / 1000).toFixed(0)} ms | ${pct(rest)} |\n`;
  text += `\nTop self-time functions:\n\n| function | self time | share |\n| --- | ---: | ---: |\n`;
  for (const [k, v] of top) text += `| \`${k}\` | ${(v / 1000).toFixed(0)} ms | ${pct(v)} |\n`;
  return text;
}

async function cpu() {
  const ROWS = 1_000_000;
  const COLS = 10;
  const REPS = 2;
  notes.push(`CPU-bound: ${fmt.int(ROWS)} × ${COLS} (10 M cells), no latency, stdout to /dev/null (a redirect, not -o). sheetpipe --max-rpm 0 vs benchmarks/contenders/floor.js (same chunks: ${fmt.int(rowsPerChunk(COLS, FIRST_CHUNK_CELLS))} rows then ${fmt.int(rowsPerChunk(COLS))}, 4 in flight, Node's fetch, JSON.parse, minimal quoting, same bytes out), interleaved, best of ${REPS} each. The emulator runs in its own process on the other core; its CPU seconds per run are shown because on 2 cores it can be the bound for both.`);
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }] }, async (emu) => {
    const sp = [];
    const fl = [];
    for (let i = 0; i < REPS; i++) {
      sp.push(await measured(emu, () => runNode(sheetpipe(emu, ['--max-rpm', '0']))));
      fl.push(await measured(emu, () => runNode(contender('floor.js', emu, ['--first', String(rowsPerChunk(COLS, FIRST_CHUNK_CELLS)), '--rows-per', String(rowsPerChunk(COLS))]))));
    }
    const best = (rs) => rs.reduce((a, b) => (b.wall < a.wall ? b : a));
    const s = best(sp);
    const f = best(fl);
    const fig = (r) => `${fmt.int(ROWS / r.wall)} rows/s; client CPU ${(r.user + r.sys).toFixed(2)} s (${fmt.int(ROWS / (r.user + r.sys))} rows per CPU-s); emulator CPU ${r.emulatorCpu.toFixed(2)} s; ${r.requests} requests; RSS ${fmt.mb(r.rssMB)}`;
    row('CPU-bound', 'sheetpipe --max-rpm 0', fmt.s(s.wall), fig(s), `${fmt.x(f.wall / s.wall)} floor (rows/s); ${fmt.x((f.user + f.sys) / (s.user + s.sys))} (rows per CPU-s)`);
    row('CPU-bound', 'floor (fetch + JSON.parse + join)', fmt.s(f.wall), fig(f), '1.00×');
    const ratio = f.wall / s.wall;
    goal('CPU-bound', '≥ 0.5× the floor (rows/s)', ratio >= 0.5, `${fmt.x(ratio)} by wall time; ${fmt.x((f.user + f.sys) / (s.user + s.sys))} by client CPU time`);
    // One more run, profiled (not timed).
    const dir = join(TMP, 'prof');
    await runNode(sheetpipe(emu, ['--max-rpm', '0']), { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
    const file = readdirSync(dir).find((n) => n.endsWith('.cpuprofile'));
    profileSummary = summariseProfile(join(dir, file));
    process.stderr.write(`${profileSummary}\n`);
  });
}

// 4. Memory --------------------------------------------------------------------------------------
async function memory() {
  const SIZES = [10_000, 100_000, 1_000_000];
  const COLS = 10;
  notes.push(`memory: peak RSS from /usr/bin/time -v, exporting 10-column tabs of ${SIZES.map(fmt.int).join(', ')} rows (100 k, 1 M, 10 M cells) to a file in a temp folder; sheetpipe --max-rpm 0 -o FILE vs benchmarks/contenders/read-all.js (one values.get of the whole range, csv-stringify sync, one write).`);
  const rss = {};
  for (const rowsN of SIZES) {
    await withEmulator({ tabs: [{ title: TAB, rows: rowsN, cols: COLS }] }, async (emu) => {
      const out = join(TMP, 'out.csv');
      const sp = await runNode(sheetpipe(emu, ['--max-rpm', '0', '-o', out]));
      rmSync(out, { force: true });
      const ra = await runNode(contender('read-all.js', emu, ['--out', out]));
      rmSync(out, { force: true });
      rss[rowsN] = { sp: sp.rssMB, ra: ra.rssMB };
      const cells = `${fmt.int((rowsN * COLS) / 1e6 >= 1 ? (rowsN * COLS) / 1e6 : (rowsN * COLS) / 1e3)}${rowsN * COLS >= 1e6 ? ' M' : ' k'} cells`;
      row('memory', `sheetpipe, ${cells}`, fmt.s(sp.wall), `peak RSS ${fmt.mb(sp.rssMB)}`, `${fmt.x(sp.rssMB / ra.rssMB)} read-all`);
      row('memory', `read-all, ${cells}`, fmt.s(ra.wall), `peak RSS ${fmt.mb(ra.rssMB)}`, '1.00×');
    });
  }
  const big = rss[1_000_000].sp;
  const mid = rss[100_000].sp;
  goal('memory', 'sheetpipe ≤ 150 MB at 10 M cells', big <= 150, `${fmt.mb(big)}${big <= 150 ? '' : ` (missed by ${fmt.mb(big - 150)})`}`);
  goal('memory', 'sheetpipe at 10 M cells ≤ 1.2 × its RSS at 1 M cells', big <= 1.2 * mid, `${fmt.x(big / mid)} (${fmt.mb(big)} vs ${fmt.mb(mid)})`);
}

// 5. Time to first row -----------------------------------------------------------------------------
/** Spawns node, resolves with the time to the first stdout byte; then closes the pipe like `head`. */
function firstByte(args) {
  return new Promise((resolveRun, reject) => {
    const started = now();
    const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT }));
    let first;
    let closedAt;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => {
      first = now() - started;
      closedAt = now();
      child.stdout.destroy(); // the reader goes away, as `head` does
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      if (first === undefined) return reject(new Error(`no output from ${args.join(' ')}: ${code ?? signal} ${stderr}`));
      resolveRun({ first, code, exitAfterClose: now() - closedAt, stderr });
    });
  });
}

async function ttfb() {
  const ROWS = 100_000;
  const REPS = 3;
  notes.push(`time to first row: 150 ms latency (no jitter, so reps compare), ${fmt.int(ROWS)} × 10 tab, stdout a pipe; the harness records the first stdout byte, then closes the pipe as \`head\` does. Median of ${REPS}, the two settings interleaved. "One request" is measured in the same run: the harness's own values.get of the first chunk (median of ${REPS}).`);
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: 10 }], latencyMs: 150 }, async (emu) => {
    const oneRequest = [];
    for (let i = 0; i < REPS; i++) {
      const t = now();
      const res = await fetch(`${emu.url}v4/spreadsheets/${emu.id}/values/${encodeURIComponent(`'${TAB}'!A1:J1000`)}`, { headers: { 'accept-encoding': 'gzip' } });
      await res.arrayBuffer();
      oneRequest.push(now() - t);
    }
    const req = median(oneRequest);
    const base = [CLI, '--endpoint', emu.url, emu.id, TAB];
    const def = [];
    const unpaced = [];
    for (let i = 0; i < REPS; i++) {
      def.push(await measured(emu, () => firstByte(base)));
      unpaced.push(await measured(emu, () => firstByte([...base, '--max-rpm', '0'])));
    }
    const summary = (rs) => ({ first: median(rs.map((r) => r.first)), exit: median(rs.map((r) => r.exitAfterClose)), codes: [...new Set(rs.map((r) => r.code))].join('/'), values: median(rs.map((r) => r.values)) });
    const d = summary(def);
    const u = summary(unpaced);
    const target = req + 300;
    row('time to first row', 'sheetpipe (defaults: --max-rpm 60)', fmt.ms(d.first), `exit ${d.codes} ${fmt.ms(d.exit)} after the reader closed; ${d.values} values requests made (1 needed)`, `${fmt.x(d.first / target)} goal`);
    row('time to first row', 'sheetpipe --max-rpm 0', fmt.ms(u.first), `exit ${u.codes} ${fmt.ms(u.exit)} after the reader closed; ${u.values} values requests made (1 needed)`, `${fmt.x(u.first / target)} goal`);
    row('time to first row', 'one values.get of the first chunk (harness)', fmt.ms(req), 'goal = this + 300 ms', `${fmt.ms(target)} goal`);
    goal('time to first row', `≤ one request + 300 ms (${fmt.ms(target)}), defaults`, d.first <= target, `${fmt.ms(d.first)}${d.first <= target ? '' : ` (missed by ${fmt.ms(d.first - target)})`}`);
    goal('time to first row', `≤ one request + 300 ms (${fmt.ms(target)}), --max-rpm 0`, u.first <= target, `${fmt.ms(u.first)}${u.first <= target ? '' : ` (missed by ${fmt.ms(u.first - target)})`}`);
  });
}

// 6. Cold start ------------------------------------------------------------------------------------
function wallOf(args) {
  return new Promise((resolveRun, reject) => {
    const started = now();
    const child = track(spawn(process.execPath, args, { stdio: ['ignore', DEV_NULL, DEV_NULL], cwd: ROOT }));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolveRun(now() - started) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

async function cold() {
  const REPS = 10;
  notes.push(`cold start: wall time from spawn to exit, median of ${REPS}, interleaved with \`node -e 0\` (Node's own start-up on this machine).`);
  const t = { node: [], version: [], help: [] };
  for (let i = 0; i < REPS; i++) {
    t.node.push(await wallOf(['-e', '0']));
    t.version.push(await wallOf([CLI, '--version']));
    t.help.push(await wallOf([CLI, '--help']));
  }
  const n = median(t.node);
  for (const k of ['version', 'help']) {
    const m = median(t[k]);
    row('cold start', `sheetpipe --${k}`, fmt.ms(m), `min ${fmt.ms(Math.min(...t[k]))}, max ${fmt.ms(Math.max(...t[k]))}`, `${fmt.x(m / n)} node -e 0`);
    goal('cold start', `--${k} ≤ 200 ms`, m <= 200, `${fmt.ms(m)}${m <= 200 ? '' : ` (missed by ${fmt.ms(m - 200)})`}`);
  }
  row('cold start', 'node -e 0', fmt.ms(n), `min ${fmt.ms(Math.min(...t.node))}`, '1.00×');
}

// ---------------------------------------------------------------------------------------------
const SCENARIOS = { quota, latency, cpu, memory, ttfb, cold };
const started = now();
for (const name of ALL) {
  if (!only.includes(name)) continue;
  log(`scenario ${name}...`);
  const t = now();
  try {
    await SCENARIOS[name]();
  } catch (error) {
    log(`scenario ${name} FAILED: ${error.stack ?? error}`);
    row(name, 'FAILED', '—', String(error.message ?? error).split('\n')[0].slice(0, 300), '—');
    goal(name, 'the scenario ran', false, 'it failed; see the figures column');
  }
  log(`scenario ${name} took ${fmt.s((now() - t) / 1000)}`);
}
const elapsed = (now() - started) / 1000;
closeSync(DEV_NULL);

const meminfo = readFileSync('/proc/meminfo', 'utf8');
const memTotal = /MemTotal:\s+(\d+)/.exec(meminfo)?.[1];
const machine = `${cpus().length} CPUs (\`nproc\`; ${cpus()[0]?.model ?? 'unknown model'}), MemTotal ${(Number(memTotal) / 1024 / 1024).toFixed(1)} GiB (${fmt.int(totalmem() / 1024 / 1024)} MiB), Node ${process.version}, ${process.platform} ${process.arch}`;
const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const cell = (s) => String(s).replaceAll('|', '\\|');
let table = '| scenario | contender | time | figures | ratio |\n| --- | --- | ---: | --- | --- |\n';
for (const r of rows) table += `| ${cell(r.scenario)} | ${cell(r.contender)} | ${cell(r.time)} | ${cell(r.figures)} | ${cell(r.ratio)} |\n`;
let goalTable = '| scenario | goal | result | verdict |\n| --- | --- | --- | --- |\n';
for (const g of goals) goalTable += `| ${cell(g.scenario)} | ${cell(g.text)} | ${cell(g.how)} | ${g.met ? 'met' : '**missed**'} |\n`;

const generated = `<!-- bench:begin (generated by \`npm run bench\`; edits between these markers are overwritten) -->
## Latest run

- **Date:** ${date}
- **Machine:** ${machine}
- **Command:** \`npm run build && npm run bench\` (the whole run took ${fmt.s(elapsed)})
- **sheetpipe:** ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}, built dist/ of the working tree

### Results

${table}
### Goals

${goalTable}
### How each scenario was scaled and measured

${notes.map((n) => `- ${n}`).join('\n')}
${profileSummary ? `\n### CPU profile (CPU-bound scenario)\n\n${profileSummary}` : ''}
<!-- bench:end -->`;

process.stdout.write(`\n${table}\n${goalTable}\n`);
if (only.length === ALL.length) {
  const file = join(HERE, 'RESULTS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# sheetpipe benchmark results\n\n<!-- bench:begin -->\n<!-- bench:end -->\n\n## Analysis\n\n(hand-written; kept across runs)\n';
  const start = old.indexOf('<!-- bench:begin');
  const end = old.indexOf('<!-- bench:end -->');
  const next = start >= 0 && end > start ? old.slice(0, start) + generated + old.slice(end + '<!-- bench:end -->'.length) : `${old}\n${generated}\n`;
  writeFileSync(file, next);
  log(`wrote ${file}`);
} else {
  log('--only: RESULTS.md left as it was');
}
log(`done in ${fmt.s(elapsed)}`);
