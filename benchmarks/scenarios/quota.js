// Quota-bound, scaled: the API's 60 requests per 60 s window, time scaled 10× (60 per 6 s), so
// that it fits the default run; sheetpipe against the seed design paced the same and unpaced.
// The goal line at the real rate comes from quota-full.js (`npm run bench -- --full`).
import { DEFAULT_CELL_BUDGET } from '../../dist/engine/plan.js';
import { CLI, TAB, contenderPath, fmt, runNode } from '../lib/harness.js';
import { measured, withEmulator } from '../lib/emulator.js';
import { oldClientEnv } from '../lib/old-client.js';

export const title = 'quota-bound (scaled)';
const ROWS = 100_000;
const COLS = 10;
const RPM = 600;
const WINDOW_MS = 6_000;

export async function run(report, { full }) {
  const limit = (RPM * WINDOW_MS) / 60_000;
  report.note(
    `quota-bound (scaled): the API's quota (60 requests per 60 s window) scaled 10× in time: the emulator allows ${limit} requests per sliding ${WINDOW_MS / 1000} s window (${RPM}/min); sheetpipe runs with --max-rpm ${RPM}, the seed design is paced at the same ${RPM}/min (one request start every ${60_000 / RPM} ms, metadata included). Tab ${fmt.int(ROWS)} × ${COLS} = ${fmt.int(ROWS * COLS)} cells.`,
  );
  const env = await oldClientEnv();
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }], maxRpm: limit, quotaWindowMs: WINDOW_MS }, async (emu) => {
    const cells = ROWS * COLS;
    const rate = RPM / 60;
    const floor = cells / (DEFAULT_CELL_BUDGET * rate);
    const waitWindow = () => new Promise((r) => setTimeout(r, WINDOW_MS + 200)); // the quota window empties between contenders
    const sp = await measured(emu, () => runNode([CLI, '--endpoint', emu.url, emu.id, TAB, '-q', '--max-rpm', String(RPM)]));
    await waitWindow();
    const seed = await measured(emu, () =>
      runNode([contenderPath('seed.js'), '--endpoint', emu.url, '--id', emu.id, '--tab', TAB, '--rpm', String(RPM)], { env }),
    );
    await waitWindow();
    const unpaced = await measured(emu, () =>
      runNode([contenderPath('seed.js'), '--endpoint', emu.url, '--id', emu.id, '--tab', TAB, '--rpm', '0'], { env }),
    );
    const fig = (r) =>
      `${r.requests} requests (${r.values} values + ${r.metadata} metadata), ${r.throttled} × 429, ${fmt.int(cells / Math.max(1, r.values))} cells/values request`;
    report.row('quota-bound (scaled)', `sheetpipe --max-rpm ${RPM}`, fmt.s(sp.wall), fig(sp), `${fmt.x(sp.wall / floor)} floor`);
    report.row(
      'quota-bound (scaled)',
      `seed design (1,000-row chunks, sequential), paced ${RPM}/min`,
      fmt.s(seed.wall),
      fig(seed),
      `${fmt.x(seed.wall / floor)} floor`,
    );
    report.row(
      'quota-bound (scaled)',
      'seed design, unpaced (retries 429 after Retry-After)',
      fmt.s(unpaced.wall),
      fig(unpaced),
      `${fmt.x(unpaced.wall / floor)} floor`,
    );
    const pacing = (sp.requests - 1) / rate;
    const fixed = Math.max(0, sp.wall - pacing);
    const projected = pacing * 10 + fixed;
    report.note(
      `quota-bound (scaled) floor = ${fmt.int(cells)} cells ÷ (${fmt.int(DEFAULT_CELL_BUDGET)} cells/request × ${rate} requests/s) = ${fmt.s(floor)}. sheetpipe's own pacing is (${sp.requests} requests − 1) × ${60 / RPM} s = ${fmt.s(pacing)}; the rest of its ${fmt.s(sp.wall)} (${fmt.s(fixed)}) is start-up, the first answer and the last chunk, which the 10× time scale inflates tenfold: at the real 60/min the same run projects to ${fmt.s(projected)} vs ${fmt.s(floor * 10)} = ${fmt.x(projected / (floor * 10))} (the real-rate goal line is measured by \`--full\`).`,
    );
    report.goal('8b', 'quota-bound (scaled)', 'zero 429s under the quota', sp.throttled === 0, `${sp.throttled} × 429`);
    const fewer = seed.requests / sp.requests;
    report.goal(
      '8c',
      'quota-bound (scaled)',
      '≥ 10× fewer requests than the seed design',
      fewer >= 10,
      `${fmt.x(fewer)} (${seed.requests} vs ${sp.requests}; values requests only: ${fmt.x(seed.values / sp.values)})`,
    );
    if (!full)
      report.goal(
        '8',
        'quota-bound (real 60/min)',
        'quota-bound at the real 60 requests/min, 10 M cells: measured ≤ 1.05× floor',
        null,
        `not run (about 70 s): \`npm run bench -- --full\`; the scaled run here projects ${fmt.x(projected / (floor * 10))}`,
      );
  });
}
