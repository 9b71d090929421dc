// Memory: peak RSS of an export of 100 k, 1 M and 10 M cells to a file, against reading it all.
import { rmSync } from 'node:fs';
import { CLI, TAB, contenderPath, fmt, runNode, tmpPath } from '../lib/harness.js';
import { withEmulator } from '../lib/emulator.js';

export const title = 'memory';
export const RSS_GOAL_MB = 120;
export const GROWTH_GOAL = 1.15;
const SIZES = [10_000, 100_000, 1_000_000];
const COLS = 10;

const cellsText = (n) => (n >= 1e6 ? `${fmt.int(n / 1e6)} M cells` : `${fmt.int(n / 1e3)} k cells`);

export async function run(report) {
  report.note(
    `memory: peak RSS from /usr/bin/time -v, exporting 10-column tabs of ${SIZES.map(fmt.int).join(', ')} rows (100 k, 1 M, 10 M cells) to a file in a temp folder; sheetpipe \`--max-rpm 0 -o FILE\` vs contenders/read-all.js (one values.get of the whole range, csv-stringify sync, one write).`,
  );
  const rss = {};
  for (const rows of SIZES) {
    await withEmulator({ tabs: [{ title: TAB, rows, cols: COLS }] }, async (emu) => {
      const out = tmpPath('out.csv');
      const sp = await runNode([CLI, '--endpoint', emu.url, emu.id, TAB, '-q', '--max-rpm', '0', '-o', out]);
      rmSync(out, { force: true });
      const ra = await runNode([contenderPath('read-all.js'), '--endpoint', emu.url, '--id', emu.id, '--tab', TAB, '--out', out]);
      rmSync(out, { force: true });
      rss[rows] = sp.rssMB;
      report.row(
        'memory',
        `sheetpipe, ${cellsText(rows * COLS)}`,
        fmt.s(sp.wall),
        `peak RSS ${fmt.mb(sp.rssMB)}`,
        `${fmt.x(sp.rssMB / ra.rssMB)} read-all`,
      );
      report.row('memory', `read-all, ${cellsText(rows * COLS)}`, fmt.s(ra.wall), `peak RSS ${fmt.mb(ra.rssMB)}`, '1.00×');
    });
  }
  const big = rss[1_000_000];
  const mid = rss[100_000];
  report.goal(
    '1a',
    'memory',
    `peak RSS exporting 10 M cells (1 M rows × 10) ≤ ${RSS_GOAL_MB} MB`,
    big <= RSS_GOAL_MB,
    `${fmt.mb(big)}${big <= RSS_GOAL_MB ? '' : ` (missed by ${(big - RSS_GOAL_MB).toFixed(1)} MB)`}`,
  );
  report.goal(
    '1b',
    'memory',
    `RSS at 10 M cells ÷ RSS at 1 M cells ≤ ${GROWTH_GOAL}`,
    big / mid <= GROWTH_GOAL,
    `${fmt.x(big / mid)} (${fmt.mb(big)} vs ${fmt.mb(mid)})${big / mid <= GROWTH_GOAL ? '' : `, missed by ${(big / mid - GROWTH_GOAL).toFixed(2)}`}`,
  );
}
