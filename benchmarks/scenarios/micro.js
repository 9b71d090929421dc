// The micro-benchmarks that live beside the harness, run as they are when present, their output
// kept in RESULTS.md as printed: benchmarks/transcode.js (the byte scanner vs JSON.parse vs a
// streaming parser, no HTTP) and benchmarks/transport.js (gzip vs identity on loopback through
// sheetpipe's API client). Each runs in its own process group, removed whole when it ends.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, capture, fmt, now } from '../lib/harness.js';

export const title = 'micro-benchmarks (transcode, loopback coding)';
const SCRIPTS = [
  {
    file: 'transcode.js',
    args: ['--runs', '5'],
    title: 'Transcode micro-benchmark (benchmarks/transcode.js --runs 5)',
    what: 'scanner vs JSON.parse vs @streamparser/json, same CSV bytes',
    markdown: true,
  },
  {
    file: 'transport.js',
    args: [],
    title: 'Loopback coding (benchmarks/transport.js)',
    what: 'gzip vs identity on loopback through the API client',
    markdown: false,
  },
];

export async function run(report) {
  for (const script of SCRIPTS) {
    const path = join(BENCH, script.file);
    const name = `benchmarks/${script.file}`;
    if (!existsSync(path)) {
      report.row('micro', name, '—', `skipped: ${name} is not in this tree`, '—');
      continue;
    }
    const t = now();
    const r = await capture([path, ...script.args], { timeoutMs: 300_000, group: true });
    const wall = (now() - t) / 1000;
    if (r.code !== 0) {
      const lines = r.stderr.trim().split('\n');
      const reason = (lines.find((l) => /Error/.test(l)) ?? lines[0] ?? `exit ${r.code}`).slice(0, 200);
      report.row('micro', name, fmt.s(wall), `skipped: it exited ${r.code}: ${reason}`, '—');
      continue;
    }
    report.row('micro', `${name} ${script.args.join(' ')}`.trim(), fmt.s(wall), `${script.what}: its output is below`, '—');
    // Its own headings become bold lines, so that they stay inside this section of RESULTS.md.
    const text = script.markdown ? r.stdout.replace(/^#+ (.*)$/gm, '**$1**') : `\`\`\`\n${r.stdout.trim()}\n\`\`\``;
    report.section(script.title, text);
  }
}
