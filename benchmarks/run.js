// sheetpipe benchmarks: `npm run bench` (after `npm run build`). Every goal of the streaming
// engine's issue as a goal line, each a ratio of things measured in the same run against the same
// emulator (absolute times are context only: the machines are shared and noisy). Prints the goal
// and result tables, and rewrites the generated part of benchmarks/RESULTS.md when every scenario ran.
//   node benchmarks/run.js                 the default scenarios (a few minutes on 2 cores)
//   node benchmarks/run.js --full          and the quota-bound run at the real 60 requests/min (+~70 s)
//   node benchmarks/run.js --baseline REF  the boundary check against a build of commit REF instead of --no-boundary-check
//   node benchmarks/run.js --only cpu,cold some scenarios only (prints; RESULTS.md left alone)
//   node benchmarks/run.js --list          the scenarios
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH, ROOT, fmt, log, now } from './lib/harness.js';
import { Report } from './lib/report.js';

// Scenario modules, in run order; loaded after the check for dist/ (some import the built engine).
const NAMES = [
  'cold',
  'startup',
  'latency',
  'cpu',
  'typed',
  'memory',
  'sparse',
  'quota',
  'all-sheets',
  'transport',
  'micro',
  'boundary',
  'quota-full',
];
const SCENARIOS = Object.fromEntries(NAMES.map((name) => [name, join(BENCH, 'scenarios', `${name}.js`)]));
/** Scenarios a whole run leaves out unless their option is given. */
const OPTIONAL = { 'quota-full': '--full' };
const DEFAULT = Object.keys(SCENARIOS).filter((name) => !OPTIONAL[name]);

const argv = process.argv.slice(2);
const full = argv.includes('--full');
const baselineAt = argv.indexOf('--baseline');
const baseline = baselineAt >= 0 ? argv[baselineAt + 1] : undefined;
if (baselineAt >= 0 && (baseline === undefined || baseline.startsWith('--'))) {
  console.error('benchmarks: --baseline needs a commit (a hash, a branch or a tag)');
  process.exit(2);
}
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',') : [...DEFAULT, ...(full ? ['quota-full'] : [])];
for (const s of only) {
  if (!SCENARIOS[s]) {
    console.error(`benchmarks: unknown scenario ${s}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    process.exit(2);
  }
}
if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  console.error('benchmarks: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
for (const name of NAMES) SCENARIOS[name] = await import(pathToFileURL(SCENARIOS[name]).href);
if (argv.includes('--list')) {
  for (const [name, s] of Object.entries(SCENARIOS))
    console.log(`${name.padEnd(12)} ${s.title}${OPTIONAL[name] ? ` (with ${OPTIONAL[name]})` : ''}`);
  process.exit(0);
}

const report = new Report();
const started = now();
for (const name of only) {
  log(`scenario ${name}...`);
  const t = now();
  try {
    await SCENARIOS[name].run(report, { full, baseline });
  } catch (error) {
    log(`scenario ${name} FAILED: ${error.stack ?? error}`);
    report.row(
      name,
      'FAILED',
      '—',
      String(error.message ?? error)
        .split('\n')[0]
        .slice(0, 300),
      '—',
    );
    report.goal(`~${name}`, name, 'the scenario ran', false, 'it failed; see the results table');
  }
  log(`scenario ${name} took ${fmt.s((now() - t) / 1000)}`);
}
const elapsed = (now() - started) / 1000;

process.stdout.write(`\n${report.goalsTable()}\n${report.rowsTable()}\n`);
if (onlyAt < 0) {
  const file = join(BENCH, 'RESULTS.md');
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const options = [...(full ? ['--full'] : []), ...(baseline ? ['--baseline', baseline] : [])];
  report.writeResults(file, {
    elapsed,
    command: `npm run build && npm run bench${options.length ? ` -- ${options.join(' ')}` : ''}`,
    version,
  });
  log(`wrote ${file}`);
} else {
  log('--only: RESULTS.md left as it was');
}
log(`done in ${fmt.s(elapsed)}`);
