// CPU-bound: sheetpipe's rows/s against the JSON.parse floor (contenders/floor.js) on the same
// requests and the same answers, and a CPU profile of sheetpipe's path. Answers are replayed from
// memory (lib/replay-child.js) after one recording pass, so that neither client waits on the
// emulator generating cells on the other core: the client is the bound.
import { createHash } from 'node:crypto';
import { createReadStream, openSync, closeSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, CLI, TAB, contenderPath, fmt, runNode, tmpPath } from '../lib/harness.js';
import { startReplay, withEmulator } from '../lib/emulator.js';
import { summariseGc, summariseProfile } from '../lib/profile.js';

export const title = 'CPU-bound';
export const FLOOR_GOAL = 1.0;
const ROWS = 1_000_000;
const COLS = 10;
const REPS = 2;

/** The profile of the last run, for RESULTS.md's analysis and the report. */
export let lastProfile;

async function sha256(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/** Request paths of one recorded run: the metadata request first, then values requests by first row. */
export function requestList(entries) {
  const paths = entries.map((e) => e.url);
  const metadata = paths.filter((p) => !p.includes('/values'));
  const firstRow = (p) => Number(/![A-Z]+(\d+)/.exec(decodeURIComponent(p.split('?')[0]))?.[1] ?? 0);
  const values = paths.filter((p) => p.includes('/values')).sort((a, b) => firstRow(a) - firstRow(b));
  return [...metadata.slice(0, 1), ...values];
}

/** Runs `args` with stdout into a temp file; resolves with the run and the file's sha256 (file removed). */
async function toFile(args, options) {
  const file = tmpPath('out.csv');
  const fd = openSync(file, 'w');
  try {
    const r = await runNode(args, { ...options, stdoutFd: fd });
    return { ...r, sha: await sha256(file), bytes: statSync(file).size };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

export async function run(report) {
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }] }, async (emu) => {
    const replay = await startReplay(emu);
    try {
      const sheetpipe = [CLI, '--endpoint', replay.url, emu.id, TAB, '-q', '--max-rpm', '0'];
      // Recording pass: sheetpipe's requests reach the emulator once and are kept; its bytes are the reference.
      const recorded = await toFile(sheetpipe);
      const urls = requestList(await replay.log());
      const urlsFile = tmpPath('urls.json');
      writeFileSync(urlsFile, JSON.stringify(urls));
      const floorArgs = [contenderPath('floor.js'), '--endpoint', replay.url, '--urls', urlsFile];
      const floorCheck = await toFile(floorArgs);
      const same = floorCheck.sha === recorded.sha;
      const afterRecording = await replay.stats();
      report.note(
        `CPU-bound: ${fmt.int(ROWS)} × ${COLS} (10 M cells), no latency, stdout to /dev/null (a redirect, not -o), sheetpipe \`--max-rpm 0\` (default -c 4) vs contenders/floor.js: the very ${urls.length} requests sheetpipe made (recorded in front of the emulator), node:http keep-alive, identity coding and compact JSON as sheetpipe asks on loopback, 4 in flight, each answer read whole, JSON.parse'd and joined with minimal quoting. Both outputs were compared first: ${same ? `byte-identical (${fmt.int(recorded.bytes)} bytes, sha256 ${recorded.sha.slice(0, 12)}…)` : `**different** (sheetpipe ${fmt.int(recorded.bytes)} bytes ${recorded.sha.slice(0, 12)}…, floor ${fmt.int(floorCheck.bytes)} bytes ${floorCheck.sha.slice(0, 12)}…)`}. The answers (${(afterRecording.storedBytes / 1e6).toFixed(0)} MB of JSON) are then replayed from memory by a proxy in its own process, so the emulator's cell generation is out of the loop; interleaved, best of ${REPS} each; then one more sheetpipe run under \`node --cpu-prof\` with a GC observer (not timed).`,
      );
      const sp = [];
      const fl = [];
      for (let i = 0; i < REPS; i++) {
        sp.push(await withReplayCpu(replay, () => runNode(sheetpipe)));
        fl.push(await withReplayCpu(replay, () => runNode(floorArgs)));
      }
      const stats = await replay.stats();
      const best = (rs) => rs.reduce((a, b) => (b.wall < a.wall ? b : a));
      const s = best(sp);
      const f = best(fl);
      const cpu = (r) => r.user + r.sys;
      const fig = (r) =>
        `${fmt.int(ROWS / r.wall)} rows/s; client CPU ${cpu(r).toFixed(2)} s (${fmt.int(ROWS / cpu(r))} rows per CPU-s); replay CPU ${r.replayCpu.toFixed(2)} s; RSS ${fmt.mb(r.rssMB)}; runs ${(r === s ? sp : fl).map((x) => fmt.s(x.wall)).join(', ')}`;
      const ratio = f.wall / s.wall;
      report.row(
        'CPU-bound',
        'sheetpipe --max-rpm 0',
        fmt.s(s.wall),
        fig(s),
        `${fmt.x(ratio)} floor (rows/s); ${fmt.x(cpu(f) / cpu(s))} (rows per CPU-s)`,
      );
      report.row('CPU-bound', 'floor (node:http + JSON.parse + join)', fmt.s(f.wall), fig(f), '1.00×');
      if (stats.misses !== afterRecording.misses)
        report.note(
          `CPU-bound: ${stats.misses - afterRecording.misses} timed requests were not in the replay's memory and went to the emulator.`,
        );
      report.goal(
        '5',
        'CPU-bound',
        `rows/s vs the JSON.parse floor ≥ ${FLOOR_GOAL.toFixed(1)}×${same ? '' : ' (outputs differ!)'}`,
        ratio >= FLOOR_GOAL && same,
        `${fmt.x(ratio)} by wall time (${fmt.int(ROWS / s.wall)} vs ${fmt.int(ROWS / f.wall)} rows/s); ${fmt.x(cpu(f) / cpu(s))} by client CPU time${ratio >= FLOOR_GOAL ? '' : `; missed by ${fmt.x(FLOOR_GOAL - ratio)}`}`,
      );

      // One more run, profiled (not timed).
      const dir = tmpPath('prof');
      const gcFile = tmpPath('gc.json');
      // The profile runs the unbundled modules, so that time is told by module.
      const profiled = await runNode([join(BENCH, 'lib', 'unbundled-cli.js'), ...sheetpipe.slice(1)], {
        nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir, '--import', join(BENCH, 'lib', 'gc-observer.js')],
        env: { SHEETPIPE_BENCH_GC_FILE: gcFile },
      });
      const file = readdirSync(dir).find((n) => n.endsWith('.cpuprofile'));
      lastProfile = summariseProfile(
        join(dir, file),
        `One sheetpipe run of the CPU-bound scenario under \`node --cpu-prof\` (${fmt.int(ROWS)} × ${COLS}, answers replayed from memory)`,
      );
      const gc = summariseGc(gcFile, profiled.wall * 1000);
      report.section('CPU profile (CPU-bound scenario)', `${lastProfile.text}\n${gc}`);
      process.stderr.write(`${lastProfile.text}\n${gc}\n`);
      rmSync(dir, { recursive: true, force: true });
    } finally {
      await replay.stop();
    }
  });
}

async function withReplayCpu(replay, fn) {
  const before = replay.cpu();
  const r = await fn();
  return { ...r, replayCpu: replay.cpu() - before };
}
