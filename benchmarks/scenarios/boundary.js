// The boundary check's cost (issue 20): every chunk after a range's first asks for the row before its
// own and compares it with the earlier chunk's last row. The working tree's build against itself with
// `--no-boundary-check` (the reads as they were before the check: the check's own cost), or, with
// `--baseline REF`, against a build of that commit (lib/build-at.js), in one run: on 10 M cells
// replayed from memory as in the CPU-bound scenario, the bytes of the values answers each received,
// its client CPU and its requests; and the first byte at 150 ms a request, as in the start-up scenario.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, rmSync, statSync } from 'node:fs';
import { CLI, TAB, firstByte, fmt, median, runNode, tmpPath } from '../lib/harness.js';
import { startReplay, withEmulator } from '../lib/emulator.js';
import { startProxy } from '../lib/proxy.js';
import { buildAt, commitOf } from '../lib/build-at.js';

export const title = 'boundary check: its cost against reads without it';
export const BYTES_GOAL = 1.02;
export const CPU_GOAL = 1.02;
export const FIRST_BYTE_GOAL_MS = 30;
const ROWS = 1_000_000;
const COLS = 10;
/**
 * Client CPU is compared by the median of 11 runs each: the goal sits 2 % over the baseline, and on a
 * shared machine one build's runs spread 10–35 %, so that a best of a few swings with one lucky run.
 */
const REPS = 11;
const LATENCY_MS = 150;
const FIRST_BYTE_ROWS = 100_000;
const FIRST_BYTE_REPS = 9;

const cpu = (r) => r.user + r.sys;
/** A ratio near 1, to the hundredth of a percent: the goals sit at +2 %. */
const fine = (x) => `${x.toFixed(4)}× (${x >= 1 ? '+' : '−'}${Math.abs(100 * (x - 1)).toFixed(2)} %)`;
/** The builds in the order of repetition `i`: alternating, so that neither always runs first. */
const inTurn = (builds, i) => (i % 2 === 0 ? builds : [...builds].reverse());

async function sha256(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/** Runs `args` with stdout into a temp file; resolves with its size and sha256 (file removed). */
async function output(args) {
  const file = tmpPath('out.csv');
  const fd = openSync(file, 'w');
  try {
    await runNode(args, { stdoutFd: fd });
    return { sha: await sha256(file), bytes: statSync(file).size };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

/** One timed run through the replay, stdout to /dev/null, with the values requests it made and their answers' bytes. */
async function timed(replay, args) {
  await replay.reset();
  const r = await runNode(args);
  const values = (await replay.log()).filter((e) => e.url.includes('/values'));
  return { ...r, values: values.length, valuesBytes: values.reduce((sum, e) => sum + e.bytes, 0) };
}

/** 10 M cells replayed from memory: each build's answer bytes, requests, client CPU (median of REPS) and wall time, interleaved. */
async function cpuBound(report, builds) {
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }] }, async (emu) => {
    const replay = await startReplay(emu);
    try {
      const args = (b) => [b.cli, '--endpoint', replay.url, emu.id, TAB, '-q', '--max-rpm', '0', ...b.extra];
      // Recording passes: each build's own requests reach the emulator once and are kept; their outputs are compared.
      const outputs = [];
      for (const b of builds) outputs.push(await output(args(b)));
      const same = outputs.every((o) => o.sha === outputs[0].sha);
      const afterRecording = await replay.stats();
      const runs = new Map(builds.map((b) => [b, []]));
      for (let i = 0; i < REPS; i++) for (const b of inTurn(builds, i)) runs.get(b).push(await timed(replay, args(b)));
      const stats = await replay.stats();

      const figures = builds.map((b) => {
        const rs = runs.get(b);
        const counts = (key) => [...new Set(rs.map(key))].map(fmt.int).join(' / ');
        const f = {
          b,
          cpu: Math.min(...rs.map(cpu)),
          cpuMedian: median(rs.map(cpu)),
          wall: Math.min(...rs.map((r) => r.wall)),
          bytes: Math.max(...rs.map((r) => r.valuesBytes)),
        };
        f.text = `values answers ${counts((r) => r.valuesBytes)} bytes in ${counts((r) => r.values)} values requests; client CPU best ${f.cpu.toFixed(2)} s, median ${f.cpuMedian.toFixed(2)} s (runs ${rs.map((r) => cpu(r).toFixed(2)).join(', ')} s); wall best ${fmt.s(f.wall)} (runs ${rs.map((r) => r.wall.toFixed(2)).join(', ')} s); RSS ${fmt.mb(Math.max(...rs.map((r) => r.rssMB)))}`;
        return f;
      });
      const [current, baseline] = figures;
      const bytesRatio = current.bytes / baseline.bytes;
      const cpuRatio = current.cpuMedian / baseline.cpuMedian;
      report.note(
        `boundary check: ${current.b.label} against ${baseline.b.label}${baseline.b.built ? ", built by the run itself (`git archive` of the commit into the run's temp folder, the repository's node_modules linked, its own `npm run build`; removed at the end)" : ' (the same build: what the check itself costs)'}. (a) ${fmt.int(ROWS)} × ${COLS} (10 M cells), \`--max-rpm 0\` (default -c 4), stdout to /dev/null: one recording pass of each build (stdout to a file: outputs ${same ? `byte-identical, ${fmt.int(outputs[0].bytes)} bytes, sha256 ${outputs[0].sha.slice(0, 12)}…` : `**different**: ${outputs.map((o, i) => `${builds[i].name} ${fmt.int(o.bytes)} bytes ${o.sha.slice(0, 12)}…`).join(', ')}`}), then each build's own requests answered from memory by the replaying proxy (lib/replay-child.js), ${REPS} runs each, interleaved, the order alternating. Answer bytes are the bodies of the values answers the proxy sent each run (identity coding, as sheetpipe asks on loopback); client CPU is user + sys of the process (/usr/bin/time), the median of ${REPS} compared (the best beside it). (b) The first byte as in the start-up scenario: ${LATENCY_MS} ms latency, a ${fmt.int(FIRST_BYTE_ROWS)} × ${COLS} tab, the recording proxy in the harness, stdout a pipe closed after the first byte; defaults and \`--max-rpm 0\`, the two builds interleaved, ${FIRST_BYTE_REPS} runs each; medians.`,
      );
      if (stats.misses !== afterRecording.misses)
        report.note(
          `boundary check: ${stats.misses - afterRecording.misses} timed requests were not in the replay's memory and went to the emulator.`,
        );
      for (const f of figures) {
        report.row(
          'boundary check (10 M cells)',
          f.b.label,
          fmt.s(f.wall),
          f.text,
          f === baseline
            ? '1.00×'
            : `${fine(bytesRatio)} answer bytes; ${fmt.x(cpuRatio)} client CPU (medians); ${fmt.x(current.wall / baseline.wall)} wall`,
        );
      }
      const outputsSay = same ? '' : ' (outputs differ!)';
      report.goal(
        'boundary-1',
        'boundary check',
        `values answers' bytes on 10 M cells, current ÷ ${baseline.b.short} ≤ ${BYTES_GOAL}×${outputsSay}`,
        bytesRatio <= BYTES_GOAL && same,
        `${fine(bytesRatio)}: ${fmt.int(current.bytes)} vs ${fmt.int(baseline.bytes)} bytes`,
      );
      report.goal(
        'boundary-2',
        'boundary check',
        `client CPU on 10 M cells, current ÷ ${baseline.b.short} ≤ ${CPU_GOAL}× (medians of ${REPS})${outputsSay}`,
        cpuRatio <= CPU_GOAL && same,
        `${fine(cpuRatio)}: ${current.cpuMedian.toFixed(2)} vs ${baseline.cpuMedian.toFixed(2)} s (best of ${REPS}: ${fmt.x(current.cpu / baseline.cpu)})${cpuRatio <= CPU_GOAL ? '' : `; over by ${(100 * (cpuRatio - CPU_GOAL)).toFixed(1)} points`}`,
      );
    } finally {
      await replay.stop();
    }
  });
}

/** Spawn → first stdout byte of each build at LATENCY_MS a request, defaults and --max-rpm 0, medians of FIRST_BYTE_REPS interleaved. */
async function firstBytes(report, builds) {
  await withEmulator({ tabs: [{ title: TAB, rows: FIRST_BYTE_ROWS, cols: COLS }], latencyMs: LATENCY_MS }, async (emu) => {
    const proxy = await startProxy({ upstream: emu.url });
    try {
      const settings = [
        ['defaults', []],
        ['--max-rpm 0', ['--max-rpm', '0']],
      ];
      const firsts = new Map();
      for (let i = 0; i < FIRST_BYTE_REPS; i++) {
        for (const [setting, extra] of settings) {
          for (const b of inTurn(builds, i)) {
            const r = await firstByte([b.cli, '--endpoint', proxy.url, emu.id, TAB, ...extra, ...b.extra]);
            const key = `${b.name} ${setting}`;
            firsts.set(key, [...(firsts.get(key) ?? []), r.first]);
          }
        }
      }
      settings.forEach(([setting], i) => {
        const [current, baseline] = builds.map((b) => firsts.get(`${b.name} ${setting}`));
        const diff = median(current) - median(baseline);
        const range = (xs) => `${fmt.ms(Math.min(...xs))}–${fmt.ms(Math.max(...xs))}`;
        report.row(
          'boundary check (first byte)',
          `${builds[0].label} vs ${builds[1].label}, ${setting}`,
          fmt.ms(median(current)),
          `spawn → first stdout byte at ${LATENCY_MS} ms a request, median of ${FIRST_BYTE_REPS}: current ${fmt.ms(median(current))} (${range(current)}), baseline ${fmt.ms(median(baseline))} (${range(baseline)})`,
          fmt.signedMs(diff),
        );
        report.goal(
          `boundary-3${'ab'[i]}`,
          'boundary check',
          `first byte, current − ${builds[1].short}, within ±${FIRST_BYTE_GOAL_MS} ms (${LATENCY_MS} ms latency), ${setting}`,
          Math.abs(diff) <= FIRST_BYTE_GOAL_MS,
          `${fmt.signedMs(diff)} (${fmt.ms(median(current))} vs ${fmt.ms(median(baseline))})`,
        );
      });
    } finally {
      await proxy.stop();
    }
  });
}

export async function run(report, { baseline }) {
  const head = await commitOf('HEAD');
  const current = { name: 'current', short: head.short, label: `current (working tree at ${head.short})`, cli: CLI, extra: [] };
  if (!baseline) {
    const unchecked = {
      name: 'unchecked',
      short: '--no-boundary-check',
      label: `the same, --no-boundary-check`,
      cli: CLI,
      extra: ['--no-boundary-check'],
    };
    await cpuBound(report, [current, unchecked]);
    await firstBytes(report, [current, unchecked]);
    return;
  }
  const base = await buildAt(baseline);
  try {
    const builds = [
      current,
      { name: 'baseline', short: base.short, label: `baseline ${base.short}`, cli: base.cli, extra: [], built: true },
    ];
    await cpuBound(report, builds);
    await firstBytes(report, builds);
  } finally {
    base.remove();
  }
}
