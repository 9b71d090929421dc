// Typed values: the CPU per row of `--render typed` against `--render unformatted` on the same
// 10 M cells (both send the same values requests: UNFORMATTED_VALUE with serial dates), replayed from
// memory as in the CPU-bound scenario so that the client is the bound; the requests a typed run
// costs beside the values; and what a formats request costs for 100 and for 1,000 sample rows.
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { CLI, TAB, firstByte, fmt, median, runNode } from '../lib/harness.js';
import { startReplay, withEmulator } from '../lib/emulator.js';
import { columnKinds } from '../../dist/transcode/column-kinds.js';

export const title = 'Typed values';
export const CPU_GOAL = 1.2;
const ROWS = 1_000_000;
const COLS = 10;
const REPS = 7;
/** The first byte: every request this late, as in the start-up scenario. */
const LATENCY_MS = 150;
const FIRST_BYTE_ROWS = 100_000;
const FORMATS_FIELDS = 'sheets(properties.sheetId,data.rowData.values.effectiveFormat.numberFormat)';

/** The requests of a run in the replay's log, by kind. */
function requestsOf(entries) {
  const kinds = { metadata: 0, formats: 0, values: 0 };
  for (const { url } of entries) {
    if (url.includes('/values')) kinds.values += 1;
    else if (url.includes('ranges=')) kinds.formats += 1;
    else kinds.metadata += 1;
  }
  return kinds;
}

/** GET `url` as sheetpipe would ask (identity or gzip): the answer's bytes on the wire (node:http leaves gzip as it came) and decoded, and the time to its end. */
function fetchBytes(url, gzip) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        const wire = Buffer.concat(parts);
        if (res.statusCode !== 200) return reject(new Error(`${res.statusCode} ${wire.toString('utf8').slice(0, 300)}`));
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
        resolve({ wire: wire.length, body, ms: performance.now() - started });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The formats request for the first `rows` rows of the generated tab, 5 times: median time, bytes, and the column kinds it decides. */
async function formatsCost(emu, rows, gzip) {
  const range = `'${TAB}'!A1:${String.fromCharCode(64 + COLS)}${rows}`;
  const url = `${emu.url}v4/spreadsheets/${emu.id}?ranges=${encodeURIComponent(range)}&fields=${encodeURIComponent(FORMATS_FIELDS)}&prettyPrint=false`;
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await fetchBytes(url, gzip));
  const body = JSON.parse(runs[0].body.toString('utf8'));
  const grid = (body.sheets?.[0]?.data?.[0]?.rowData ?? []).map((r) => (r.values ?? []).map((v) => v.effectiveFormat?.numberFormat));
  // The header row does not vote, as in an export with its header.
  const kinds = columnKinds(grid.slice(1), COLS).map((k) => k.kind);
  return { wire: runs[0].wire, bytes: runs[0].body.length, ms: median(runs.map((r) => r.ms)), kinds };
}

/** Spawn → first stdout byte of each render, with the default rate ceiling and without, median of REPS interleaved. */
async function firstBytes(report) {
  await withEmulator({ tabs: [{ title: TAB, rows: FIRST_BYTE_ROWS, cols: COLS }], latencyMs: LATENCY_MS }, async (emu) => {
    const runs = new Map();
    for (let i = 0; i < REPS; i++) {
      for (const rpm of [[], ['--max-rpm', '0']]) {
        for (const render of ['unformatted', 'typed']) {
          const key = `${render}${rpm.length > 0 ? ' --max-rpm 0' : ''}`;
          const r = await firstByte([CLI, '--endpoint', emu.url, emu.id, TAB, '-q', '--render', render, ...rpm]);
          runs.set(key, [...(runs.get(key) ?? []), r.first]);
        }
      }
    }
    const at = (key) => median(runs.get(key));
    for (const rpm of ['', ' --max-rpm 0']) {
      const u = at(`unformatted${rpm}`);
      const t = at(`typed${rpm}`);
      report.row(
        'Typed values',
        `first byte, --render typed${rpm}`,
        fmt.ms(t),
        `spawn → first stdout byte at ${LATENCY_MS} ms a request, median of ${REPS}: typed ${fmt.ms(t)}, unformatted ${fmt.ms(u)}`,
        `${fmt.signedMs(t - u)}`,
      );
    }
  });
}

export async function run(report) {
  await firstBytes(report);
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }] }, async (emu) => {
    // 100 and 1,000 sample rows' formats straight from the emulator, identity and gzip, and the kinds each decides.
    const decided = {};
    for (const rows of [100, 1000]) {
      const plain = await formatsCost(emu, rows, false);
      const gzip = await formatsCost(emu, rows, true);
      decided[rows] = plain.kinds.join(', ');
      report.row(
        'Typed values',
        `formats of ${fmt.int(rows)} rows × ${COLS} columns`,
        fmt.ms(plain.ms),
        `${fmt.int(plain.bytes)} bytes identity; ${fmt.int(gzip.wire)} bytes gzip (${fmt.ms(gzip.ms)}); column kinds: ${decided[rows]}`,
        '—',
      );
    }
    report.note(
      `Typed values, sample rows: the formats of 100 rows decide ${decided[100] === decided[1000] ? 'the same column kinds as' : '**other column kinds than**'} those of 1,000 on the generated tab.`,
    );

    const replay = await startReplay(emu);
    try {
      const args = (render) => [CLI, '--endpoint', replay.url, emu.id, TAB, '-q', '--max-rpm', '0', '--render', render];
      // Recording pass: the values answers are the same for both renders; the typed run adds the formats request.
      const before = (await replay.log()).length;
      await runNode(args('unformatted'));
      const mid = (await replay.log()).length;
      await runNode(args('typed'));
      const log = await replay.log();
      const unformattedRequests = requestsOf(log.slice(before, mid));
      const typedRequests = requestsOf(log.slice(mid));
      const afterRecording = await replay.stats();
      const runs = { unformatted: [], typed: [] };
      for (let i = 0; i < REPS; i++) {
        for (const render of ['unformatted', 'typed']) runs[render].push(await runNode(args(render)));
      }
      const stats = await replay.stats();
      const cpu = (r) => r.user + r.sys;
      const mid3 = (rs) => [...rs].sort((a, b) => cpu(a) - cpu(b))[Math.floor(rs.length / 2)];
      const u = mid3(runs.unformatted);
      const t = mid3(runs.typed);
      const ratio = cpu(t) / cpu(u);
      const fig = (r, rs) =>
        `client CPU ${cpu(r).toFixed(2)} s (${((cpu(r) / ROWS) * 1e6).toFixed(2)} µs per row; runs ${rs.map((x) => cpu(x).toFixed(2)).join(', ')} s); ${fmt.int(ROWS / r.wall)} rows/s; RSS ${fmt.mb(r.rssMB)}`;
      const reqs = (k) => `${k.metadata} metadata + ${k.formats} formats + ${k.values} values requests`;
      report.row(
        'Typed values',
        'sheetpipe --render unformatted',
        fmt.s(u.wall),
        `${fig(u, runs.unformatted)}; ${reqs(unformattedRequests)}`,
        '1.00×',
      );
      report.row(
        'Typed values',
        'sheetpipe --render typed',
        fmt.s(t.wall),
        `${fig(t, runs.typed)}; ${reqs(typedRequests)}`,
        `${fmt.x(ratio)} CPU per row`,
      );
      report.note(
        `Typed values: ${fmt.int(ROWS)} × ${COLS} (10 M cells) of the emulator's generated tab, \`--max-rpm 0\`, stdout to /dev/null; \`--render typed\` and \`--render unformatted\` send the same values requests (UNFORMATTED_VALUE, SERIAL_NUMBER), recorded once in front of the emulator and replayed from memory (as in the CPU-bound scenario); the typed run adds its formats request. Interleaved, ${REPS} runs each, the median by client CPU (user + sys) compared.${stats.misses !== afterRecording.misses ? ` ${stats.misses - afterRecording.misses} timed requests missed the replay's memory.` : ''} The formats rows: the request sheetpipe makes, for the first 100 and 1,000 rows of the same tab, straight from the emulator (median of 5).`,
      );
      report.goal(
        'typed-1',
        'Typed values',
        `CPU per row of --render typed vs --render unformatted ≤ ${CPU_GOAL.toFixed(1)}×`,
        ratio <= CPU_GOAL,
        `${fmt.x(ratio)} (${cpu(t).toFixed(2)} s vs ${cpu(u).toFixed(2)} s of client CPU for ${fmt.int(ROWS)} rows)`,
      );
      report.goal(
        'typed-2',
        'Typed values',
        'one small formats request per range, and no other request beside the values',
        typedRequests.formats === 1 &&
          typedRequests.metadata === unformattedRequests.metadata &&
          typedRequests.values === unformattedRequests.values,
        `${reqs(typedRequests)} (unformatted: ${reqs(unformattedRequests)})`,
      );
    } finally {
      await replay.stop();
    }
  });
}
