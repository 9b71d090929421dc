// Latency-bound: how well requests in flight hide the API's latency. Two setups: 100 requests at a
// fixed 100 ms against their schedule floor, and 150 ± 50 ms against the sequential seed loop and
// google-spreadsheet's paging.
import { CLI, TAB, contenderPath, fmt, median, runNode } from '../lib/harness.js';
import { measured, withEmulator } from '../lib/emulator.js';
import { oldClientEnv } from '../lib/old-client.js';

export const title = 'latency-bound';
export const SCHEDULE_GOAL_S = 0.3;
export const SPEEDUP_GOAL = 7.2;
const ROWS = 100_000;
const COLS = 10;
const CHUNK = 1000;

const sheetpipe = (emu, extra) => [CLI, '--endpoint', emu.url, emu.id, TAB, '-q', ...extra];
const contender = (name, emu, extra = []) => [contenderPath(name), '--endpoint', emu.url, '--id', emu.id, '--tab', TAB, ...extra];

async function schedule(report) {
  const LATENCY = 100;
  const REPS = 3;
  const chunks = Math.ceil(ROWS / CHUNK);
  const floor = ((1 + Math.ceil(chunks / 8)) * LATENCY) / 1000;
  report.note(
    `schedule: ${fmt.int(ROWS)} × ${COLS}, \`-c 8 --max-rpm 0 --chunk-rows ${CHUNK}\` (${chunks} values requests), every request answered after exactly ${LATENCY} ms. Its floor is (1 + ⌈${chunks} / 8⌉) rounds × ${LATENCY} ms = ${fmt.s(floor)}: the metadata round, then ${chunks} requests 8 at a time. Wall time from spawn to exit, start-up included, median of ${REPS}.`,
  );
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }], latencyMs: LATENCY }, async (emu) => {
    const runs = [];
    for (let i = 0; i < REPS; i++) runs.push(await measured(emu, () => runNode(sheetpipe(emu, ['-c', '8', '--max-rpm', '0', '--chunk-rows', String(CHUNK)]))));
    const wall = median(runs.map((r) => r.wall));
    const over = wall - floor;
    const r = runs[0];
    report.row('schedule', `sheetpipe -c 8, ${chunks} × ${LATENCY} ms`, fmt.s(wall), `${r.requests} requests (${r.values} values + ${r.metadata} metadata), max in flight ${r.maxInFlight}; runs ${runs.map((x) => fmt.s(x.wall)).join(', ')}`, `${over >= 0 ? '+' : '−'}${fmt.s(Math.abs(over))} over the floor`);
    report.row('schedule', `floor: (1 + ⌈${chunks}/8⌉) × ${LATENCY} ms`, fmt.s(floor), '—', '—');
    report.goal('3', 'schedule', `\`-c 8\`, ${chunks} requests at ${LATENCY} ms: wall time ≤ floor + ${SCHEDULE_GOAL_S} s`, over <= SCHEDULE_GOAL_S, `+${fmt.s(over)} (${fmt.s(wall)} vs ${fmt.s(floor)})${over <= SCHEDULE_GOAL_S ? '' : `, missed by ${fmt.s(over - SCHEDULE_GOAL_S)}`}`);
  });
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
  report.row('latency-bound', 'google-spreadsheet 5.2.0 getRows paging', fmt.s(gs.wall), fig(gs), `${fmt.x(seed.wall / gs.wall)} vs seed loop`);
  report.goal('4', 'latency-bound', `\`-c 8\` vs the sequential seed loop ≥ ${SPEEDUP_GOAL}× (limit 8×)`, speedup >= SPEEDUP_GOAL, `${fmt.x(speedup)} (${fmt.s(sp.wall)} vs ${fmt.s(seed.wall)})${speedup >= SPEEDUP_GOAL ? '' : `, missed by ${(SPEEDUP_GOAL - speedup).toFixed(2)}×`}`);
}

export async function run(report) {
  await schedule(report);
  await versusSeed(report);
}
