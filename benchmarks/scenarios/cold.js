// Cold start: `--version` and `--help` from spawn to exit, against Node's own start-up.
import { CLI, fmt, median, wallOf } from '../lib/harness.js';

export const title = 'cold start';
export const VERSION_GOAL_MS = 120;
export const HELP_GOAL_MS = 200;

export async function run(report) {
  const REPS = 10;
  report.note(
    `cold start: wall time from spawn to exit, median of ${REPS}, interleaved with \`node -e 0\` (Node's own start-up on this machine).`,
  );
  const t = { node: [], version: [], help: [] };
  for (let i = 0; i < REPS; i++) {
    t.node.push(await wallOf(['-e', '0']));
    t.version.push(await wallOf([CLI, '--version']));
    t.help.push(await wallOf([CLI, '--help']));
  }
  const n = median(t.node);
  for (const k of ['version', 'help']) {
    const m = median(t[k]);
    report.row(
      'cold start',
      `sheetpipe --${k}`,
      fmt.ms(m),
      `min ${fmt.ms(Math.min(...t[k]))}, max ${fmt.ms(Math.max(...t[k]))}; ${fmt.ms(m - n)} over Node alone`,
      `${fmt.x(m / n)} node -e 0`,
    );
  }
  report.row('cold start', 'node -e 0', fmt.ms(n), `min ${fmt.ms(Math.min(...t.node))}, max ${fmt.ms(Math.max(...t.node))}`, '1.00×');
  const v = median(t.version);
  const h = median(t.help);
  report.goal(
    '6a',
    'cold start',
    `\`--version\` wall time ≤ ${VERSION_GOAL_MS} ms (Node alone: ${fmt.ms(n)})`,
    v <= VERSION_GOAL_MS,
    `${fmt.ms(v)}${v <= VERSION_GOAL_MS ? '' : ` (missed by ${fmt.ms(v - VERSION_GOAL_MS)})`}`,
  );
  report.goal(
    '6b',
    'cold start',
    `\`--help\` wall time ≤ ${HELP_GOAL_MS} ms`,
    h <= HELP_GOAL_MS,
    `${fmt.ms(h)}${h <= HELP_GOAL_MS ? '' : ` (missed by ${fmt.ms(h - HELP_GOAL_MS)})`}`,
  );
}
