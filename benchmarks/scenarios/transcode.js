// The transcode core alone (benchmarks/transcode.js: the byte scanner vs JSON.parse vs a streaming
// parser, no HTTP), run as it is when present; its tables go into RESULTS.md as printed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, capture, fmt, now } from '../lib/harness.js';

export const title = 'transcode micro-benchmark';
const SCRIPT = join(BENCH, 'transcode.js');

export async function run(report) {
  if (!existsSync(SCRIPT)) {
    report.row('transcode', 'benchmarks/transcode.js', '—', 'skipped: benchmarks/transcode.js is not in this tree yet', '—');
    return;
  }
  const t = now();
  const r = await capture([SCRIPT, '--runs', '5'], { timeoutMs: 300_000 });
  const wall = (now() - t) / 1000;
  if (r.code !== 0) {
    const reason = (r.stderr.trim().split('\n').find((l) => /Error/.test(l)) ?? r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`).slice(0, 200);
    report.row('transcode', 'benchmarks/transcode.js', fmt.s(wall), `skipped: it exited ${r.code}: ${reason}`, '—');
    return;
  }
  report.row('transcode', 'benchmarks/transcode.js --runs 5', fmt.s(wall), 'scanner vs JSON.parse vs @streamparser/json: tables below', '—');
  report.section('Transcode micro-benchmark (benchmarks/transcode.js)', r.stdout);
}
