// The sparse shape: one column, values in row 1 and in row 3,100,000, every row between empty.
// Its peak RSS against a dense tab of the same size: memory must follow the window, not the shape.
import { rmSync, statSync } from 'node:fs';
import { CLI, fmt, runNode, tmpPath } from '../lib/harness.js';
import { measured, withEmulator } from '../lib/emulator.js';

export const title = 'sparse shape';
export const FLAT_GOAL = 1.15;
const ROWS = 3_100_000;

async function exportOnce(tab) {
  return withEmulator({ tabs: [tab] }, async (emu) => {
    const out = tmpPath('out.csv');
    try {
      const r = await measured(emu, () => runNode([CLI, '--endpoint', emu.url, emu.id, tab.title, '-q', '--max-rpm', '0', '-o', out]));
      return { ...r, bytes: statSync(out).size };
    } finally {
      rmSync(out, { force: true });
    }
  });
}

export async function run(report) {
  report.note(
    `sparse shape: a one-column tab of ${fmt.int(ROWS)} grid rows with values in row 1 and row ${fmt.int(ROWS)} only (benchmarks/lib/sparse-tab.js, a lazily generated tab source) vs a dense one-column generated tab of the same ${fmt.int(ROWS)} rows; sheetpipe \`--max-rpm 0 -o FILE\`, peak RSS from /usr/bin/time -v. "Flat" is read as: the sparse tab's peak within ${FLAT_GOAL}× the dense tab's.`,
  );
  const sparse = await exportOnce({ kind: 'sparse', title: 'Sparse', rows: ROWS, cells: { 1: ['first'], [ROWS]: ['last'] } });
  const dense = await exportOnce({ title: 'Dense', rows: ROWS, cols: 1 });
  const ratio = sparse.rssMB / dense.rssMB;
  // "first", then an empty line per empty row, then "last".
  const expected = 'first\n'.length + (ROWS - 2) + 'last\n'.length;
  if (sparse.bytes !== expected)
    report.note(
      `sparse shape: **the sparse export wrote ${fmt.int(sparse.bytes)} bytes where ${fmt.int(expected)} were expected** (one line per row).`,
    );
  const fig = (r) => `peak RSS ${fmt.mb(r.rssMB)}; ${r.values} values requests; ${fmt.int(r.bytes)} bytes out`;
  report.row(
    'sparse shape',
    `sheetpipe, rows 1 and ${fmt.int(ROWS)} of 1 column`,
    fmt.s(sparse.wall),
    fig(sparse),
    `${fmt.x(ratio)} dense`,
  );
  report.row('sparse shape', `sheetpipe, ${fmt.int(ROWS)} dense rows of 1 column`, fmt.s(dense.wall), fig(dense), '1.00×');
  report.goal(
    '10',
    'sparse shape',
    `peak RSS of the sparse tab ≈ a dense tab of the same size (≤ ${FLAT_GOAL}×)`,
    ratio <= FLAT_GOAL,
    `${fmt.x(ratio)} (${fmt.mb(sparse.rssMB)} vs ${fmt.mb(dense.rssMB)})`,
  );
}
