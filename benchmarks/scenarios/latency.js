// Latency-bound: how well requests in flight hide the API's latency. Two setups: 100 requests at a
// fixed 100 ms against their schedule floor, and 150 ± 50 ms against the sequential seed loop and
// google-spreadsheet's paging.
import { writeFileSync } from 'node:fs';
import { CLI, TAB, contenderPath, fmt, median, runNode, tmpPath } from '../lib/harness.js';
import { measured, startReplay, withEmulator } from '../lib/emulator.js';
import { oldClientEnv } from '../lib/old-client.js';
import { startProxy } from '../lib/proxy.js';
import { requestList } from './cpu.js';

export const title = 'latency-bound';
export const SCHEDULE_GOAL_S = 0.3;
export const SPEEDUP_GOAL = 7.2;
const ROWS = 100_000;
const COLS = 10;
const CHUNK = 1000;

const sheetpipe = (emu, extra) => [CLI, '--endpoint', emu.url, emu.id, TAB, '-q', ...extra];

const contender = (name, emu, extra = []) => [contenderPath(name), '--endpoint', emu.url, '--id', emu.id, '--tab', TAB, ...extra];

/**
 * `runs` × (sheetpipe, then the minimal client on sheetpipe's own requests) against the API root
 * `url`; `requests()` reads a request counter there. Resolves with medians.
 */
async function scheduleRuns(url, id, requests, args, REPS) {
  // sheetpipe's requests, recorded once (untimed), for a minimal client that sends the same ones.
  const proxy = await startProxy({ upstream: url });
  try {
    await runNode(sheetpipe({ url: proxy.url, id }, args));
  } finally {
    await proxy.stop();
  }
  const urlsFile = tmpPath('urls.json');
  writeFileSync(urlsFile, JSON.stringify(requestList(proxy.entries)));
  const sp = [];
  const minimal = [];
  for (let i = 0; i < REPS; i++) {
    const before = await requests();
    sp.push({ ...(await runNode(sheetpipe({ url, id }, args))), requests: (await requests()) - before });
    minimal.push(await runNode([contenderPath('floor.js'), '--endpoint', url, '--urls', urlsFile, '--concurrency', '8']));
  }
  return { sp, minimal, wall: median(sp.map((r) => r.wall)), minimalWall: median(minimal.map((r) => r.wall)) };
}

async function schedule(report) {
  const LATENCY = 100;
  const REPS = 3;
  const chunks = Math.ceil(ROWS / CHUNK);
  const floor = ((1 + Math.ceil(chunks / 8)) * LATENCY) / 1000;
  const args = ['-c', '8', '--max-rpm', '0', '--chunk-rows', String(CHUNK)];
  const signed = (x) => fmt.signedMs(x * 1000);
  report.note(
    `schedule: ${fmt.int(ROWS)} × ${COLS}, \`-c 8 --max-rpm 0 --chunk-rows ${CHUNK}\` (${chunks} values requests), every request answered after ${LATENCY} ms. Its floor is (1 + ⌈${chunks} / 8⌉) rounds × ${LATENCY} ms = ${fmt.s(floor)}: the metadata round, then ${chunks} requests 8 at a time, on a server that takes no time of its own. Two servers: answers replayed from memory ${LATENCY} ms after each request arrives (lib/replay-child.js after one recording pass; as the API, which serves requests in parallel — this is the goal line), and the emulator itself with ${LATENCY} ms latency (it builds the 8 answers of a round one after another on the core the client also needs, as in the issue's figure). Beside sheetpipe, a minimal client (contenders/floor.js, 8 in flight, sheetpipe's own requests recorded beforehand, bare Node and no other module) shows what the server and this machine allow. Wall time from spawn to exit, start-up included, median of ${REPS}, interleaved.`,
  );
  // The goal line: replayed answers, the latency alone.
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }] }, async (emu) => {
    const replay = await startReplay(emu, { latencyMs: LATENCY });
    try {
      const r = await scheduleRuns(replay.url, emu.id, async () => (await replay.stats()).requests, args, REPS);
      const over = r.wall - floor;
      report.row(
        'schedule (replayed)',
        `sheetpipe -c 8, ${chunks} × ${LATENCY} ms`,
        fmt.s(r.wall),
        `${r.sp[0].requests} requests; runs ${r.sp.map((x) => fmt.s(x.wall)).join(', ')}`,
        `${signed(over)} over the floor`,
      );
      report.row(
        'schedule (replayed)',
        'minimal client: floor.js -c 8, the same requests',
        fmt.s(r.minimalWall),
        `runs ${r.minimal.map((x) => fmt.s(x.wall)).join(', ')}`,
        `${signed(r.minimalWall - floor)} over the floor`,
      );
      report.goal(
        '3',
        'schedule',
        `\`-c 8\`, ${chunks} requests at ${LATENCY} ms: wall time ≤ floor + ${SCHEDULE_GOAL_S * 1000} ms`,
        over <= SCHEDULE_GOAL_S,
        `${signed(over)} (${fmt.s(r.wall)} vs ${fmt.s(floor)}; a minimal client on the same requests: ${signed(r.minimalWall - floor)})${over <= SCHEDULE_GOAL_S ? '' : `, missed by ${fmt.ms((over - SCHEDULE_GOAL_S) * 1000)}`}`,
      );
    } finally {
      await replay.stop();
    }
  });
  // The same on the emulator, as the issue measured it.
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }], latencyMs: LATENCY }, async (emu) => {
    const r = await scheduleRuns(emu.url, emu.id, async () => (await emu.stats()).requests, args, REPS);
    report.row(
      'schedule (emulator)',
      `sheetpipe -c 8, ${chunks} × ${LATENCY} ms`,
      fmt.s(r.wall),
      `${r.sp[0].requests} requests; runs ${r.sp.map((x) => fmt.s(x.wall)).join(', ')}`,
      `${signed(r.wall - floor)} over the floor`,
    );
    report.row(
      'schedule (emulator)',
      'minimal client: floor.js -c 8, the same requests',
      fmt.s(r.minimalWall),
      `runs ${r.minimal.map((x) => fmt.s(x.wall)).join(', ')}`,
      `${signed(r.minimalWall - floor)} over the floor`,
    );
  });
  report.row('schedule', `floor: (1 + ⌈${chunks}/8⌉) × ${LATENCY} ms`, fmt.s(floor), '—', '—');
}

async function versusSeed(report) {
  report.note(
    `latency-bound: 150 ms ± 50 ms per request, ${fmt.int(ROWS)} × ${COLS}, --chunk-rows ${CHUNK} for all, no rate ceiling (sheetpipe --max-rpm 0); one run each, each on a fresh emulator with the same seed (the same latencies; max in flight is each one's own). The seed design is a sequential loop over @googleapis/sheets (contenders/seed.js). google-spreadsheet hardcodes https://sheets.googleapis.com/ (no base-URL option); it was pointed at the emulator by a global fetch that swaps that origin for the emulator's (contenders/google-spreadsheet.js explains), its own code unchanged.`,
  );
  const spec = { tabs: [{ title: TAB, rows: ROWS, cols: COLS }], latencyMs: 150, jitterMs: 50 };
  const once = (fn) => withEmulator(spec, (emu) => measured(emu, () => fn(emu)));
  const env = await oldClientEnv();
  const sp = await once((emu) => runNode(sheetpipe(emu, ['-c', '8', '--max-rpm', '0', '--chunk-rows', String(CHUNK)])));
  const seed = await once((emu) => runNode(contender('seed.js', emu, ['--chunk-rows', String(CHUNK)]), { env }));
  const gs = await once((emu) => runNode(contender('google-spreadsheet.js', emu, ['--chunk-rows', String(CHUNK)])));
  const fig = (r) => `${r.requests} requests, ${fmt.int(ROWS / r.wall)} rows/s, max in flight ${r.maxInFlight}`;
  const speedup = seed.wall / sp.wall;
  report.row('latency-bound', 'sheetpipe -c 8', fmt.s(sp.wall), fig(sp), `${fmt.x(speedup)} vs seed loop`);
  report.row('latency-bound', 'seed design (sequential loop)', fmt.s(seed.wall), fig(seed), '1.00×');
  report.row(
    'latency-bound',
    'google-spreadsheet 5.2.0 getRows paging',
    fmt.s(gs.wall),
    fig(gs),
    `${fmt.x(seed.wall / gs.wall)} vs seed loop`,
  );
  report.goal(
    '4',
    'latency-bound',
    `\`-c 8\` vs the sequential seed loop ≥ ${SPEEDUP_GOAL}× (limit 8×)`,
    speedup >= SPEEDUP_GOAL,
    `${fmt.x(speedup)} (${fmt.s(sp.wall)} vs ${fmt.s(seed.wall)})${speedup >= SPEEDUP_GOAL ? '' : `, missed by ${(SPEEDUP_GOAL - speedup).toFixed(2)}×`}`,
  );
}

export async function run(report) {
  await schedule(report);
  await versusSeed(report);
}
