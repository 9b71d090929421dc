// Quota-bound at the real rate: 10 M cells under the API's 60 requests per 60 s window, sheetpipe
// with its defaults (--max-rpm 60). About 70 s, so only with `npm run bench -- --full`.
import { DEFAULT_CELL_BUDGET } from '../../dist/engine/plan.js';
import { CLI, TAB, fmt, runNode } from '../lib/harness.js';
import { measured, withEmulator } from '../lib/emulator.js';

export const title = 'quota-bound (real 60/min)';
export const QUOTA_GOAL = 1.05;
const ROWS = 1_000_000;
const COLS = 10;

export async function run(report) {
  const cells = ROWS * COLS;
  const floor = cells / DEFAULT_CELL_BUDGET; // seconds at one request a second
  report.note(
    `quota-bound (real 60/min, \`--full\` only): ${fmt.int(ROWS)} × ${COLS} = ${fmt.int(cells)} cells; the emulator allows 60 requests per sliding 60 s window, as the API; sheetpipe with its defaults (\`--max-rpm 60\`, -c 4). Floor = cells ÷ (${fmt.int(DEFAULT_CELL_BUDGET)} cells/request × 1 request/s) = ${fmt.s(floor)}. Wall time from spawn to exit.`,
  );
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }], maxRpm: 60, quotaWindowMs: 60_000 }, async (emu) => {
    const sp = await measured(emu, () => runNode([CLI, '--endpoint', emu.url, emu.id, TAB, '-q']));
    const ratio = sp.wall / floor;
    report.row(
      'quota-bound (real 60/min)',
      'sheetpipe (defaults: --max-rpm 60)',
      fmt.s(sp.wall),
      `${sp.requests} requests (${sp.values} values + ${sp.metadata} metadata), ${sp.throttled} × 429; RSS ${fmt.mb(sp.rssMB)}`,
      `${fmt.x(ratio)} floor`,
    );
    report.row(
      'quota-bound (real 60/min)',
      `floor: ${fmt.int(cells)} cells ÷ ${fmt.int(DEFAULT_CELL_BUDGET)} per request at 1/s`,
      fmt.s(floor),
      '—',
      '1.00×',
    );
    report.goal(
      '8',
      'quota-bound (real 60/min)',
      `quota-bound at the real 60 requests/min, 10 M cells: ≤ ${QUOTA_GOAL}× floor`,
      ratio <= QUOTA_GOAL && sp.throttled === 0,
      `${fmt.x(ratio)} (${fmt.s(sp.wall)} vs ${fmt.s(floor)}), ${sp.throttled} × 429${ratio <= QUOTA_GOAL ? '' : `; missed by ${(ratio - QUOTA_GOAL).toFixed(2)}×`}`,
    );
  });
}
