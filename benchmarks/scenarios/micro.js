// The micro-benchmarks that live beside the harness, run as they are when present: benchmarks/
// transcode.js (the byte scanner vs JSON.parse vs a streaming parser, no HTTP) and benchmarks/
// transport.js (gzip vs identity on loopback through sheetpipe's API client), their output kept in
// RESULTS.md as printed; benchmarks/csv-encode.js (sheetpipe's CSV Encoding vs csv-stringify), its
// figures as result rows. Each runs in its own process group, removed whole when it ends.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, capture, fmt, now } from '../lib/harness.js';

export const title = 'micro-benchmarks (transcode, CSV encoding, loopback coding)';

/** Keeps a script's printed output as a section of RESULTS.md (its headings as bold lines, so that they stay inside it). */
const asSection = (heading, markdown) => (report, stdout) => {
  report.section(heading, markdown ? stdout.replace(/^#+ (.*)$/gm, '**$1**') : `\`\`\`\n${stdout.trim()}\n\`\`\``);
};

/** csv-encode.js --json: a row per step and answer, sheetpipe's time with csv-stringify's beside it. */
function csvEncodeRows(report, stdout) {
  report.note(
    "CSV encoding: benchmarks/csv-encode.js, the answers of benchmarks/transcode.js (15,000 × 10 of the generated tab, FORMATTED_VALUE and UNFORMATTED_VALUE; 40 × 5 cells of 50,000 characters). Format only: csv-stringify's sync API over the parsed rows padded to the width vs sheetpipe's CSV Encoding over the cells the scanner found in the same answer (both inputs made beforehand); answer → CSV: JSON.parse + csv-stringify vs the scanner + the Encoding fed 64 KiB pieces. csv-stringify's string made bytes inside its time; both wrote the same bytes, checked first; median of 5 interleaved runs.",
  );
  const perSecond = (rows, ms) => `${fmt.int(rows / (ms / 1000))} rows/s`;
  for (const r of JSON.parse(stdout)) {
    report.row(
      'CSV encoding',
      `sheetpipe's CSV Encoding vs csv-stringify (sync), ${r.step}: ${r.answer}`,
      `${r.sheetpipeMs.toFixed(1)} ms`,
      `${perSecond(r.rows, r.sheetpipeMs)}; csv-stringify ${r.csvStringifyMs.toFixed(1)} ms, ${perSecond(r.rows, r.csvStringifyMs)}; the same ${(r.csvBytes / 1e6).toFixed(1)} MB of CSV`,
      `${fmt.x(r.csvStringifyMs / r.sheetpipeMs)} csv-stringify's speed`,
    );
  }
}

const SCRIPTS = [
  {
    file: 'transcode.js',
    args: ['--runs', '5'],
    what: 'scanner vs JSON.parse vs @streamparser/json, same CSV bytes: its output is below',
    keep: asSection('Transcode micro-benchmark (benchmarks/transcode.js --runs 5)', true),
  },
  {
    file: 'csv-encode.js',
    args: ['--runs', '5', '--json'],
    what: "sheetpipe's CSV Encoding vs csv-stringify, same rows, same bytes: the CSV encoding rows below",
    keep: csvEncodeRows,
  },
  {
    file: 'transport.js',
    args: [],
    what: 'gzip vs identity on loopback through the API client: its output is below',
    keep: asSection('Loopback coding (benchmarks/transport.js)', false),
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
    report.row('micro', `${name} ${script.args.join(' ')}`.trim(), fmt.s(wall), script.what, '—');
    script.keep(report, r.stdout);
  }
}
