// The transport choice, measured: sheetpipe's node:http transport vs Node's fetch vs the old
// @googleapis/sheets (gaxios) path — the time to load each, and their throughput, CPU and memory
// reading the same answers (contenders/transport.js), replayed from memory so the stack is the bound.
import { openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CLI, TAB, contenderPath, fmt, median, runNode, tmpPath } from '../lib/harness.js';
import { startReplay, withEmulator } from '../lib/emulator.js';
import { oldClient, oldClientEnv } from '../lib/old-client.js';
import { requestList } from './cpu.js';

export const title = 'transport';
const ROWS = 100_000;
const COLS = 10;
const ROUNDS = 10;
const LOAD_REPS = 5;
const STACKS = [
  ['http', "sheetpipe's node:http transport"],
  ['fetch', "Node's fetch (undici)"],
  ['gaxios', '@googleapis/sheets → gaxios, streamed'],
  ['gaxios-json', '@googleapis/sheets → gaxios as the old engine used it (whole answer, JSON.parse)'],
];
// googleapis-common sets Accept-Encoding: gzip on every request, whatever the caller asks: the old
// client is measured with gzip only.
const CODINGS = { identity: ['http', 'fetch'], gzip: ['http', 'fetch', 'gaxios', 'gaxios-json'] };

/** Runs contenders/transport.js; resolves with the run (time, RSS) and its printed JSON. */
async function stack(args, env) {
  const file = tmpPath('transport.json');
  const fd = openSync(file, 'w');
  try {
    const r = await runNode([contenderPath('transport.js'), ...args], { stdoutFd: fd, env });
    return { ...r, out: JSON.parse(readFileSync(file, 'utf8')) };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

export async function run(report) {
  const env = await oldClientEnv();
  const client = await oldClient();
  await withEmulator({ tabs: [{ title: TAB, rows: ROWS, cols: COLS }] }, async (emu) => {
    const replay = await startReplay(emu);
    try {
      // sheetpipe's own requests, recorded once: every stack sends the same ones.
      await runNode([CLI, '--endpoint', replay.url, emu.id, TAB, '-q', '--max-rpm', '0']);
      const urls = requestList(await replay.log());
      const urlsFile = tmpPath('urls.json');
      writeFileSync(urlsFile, JSON.stringify(urls));
      const base = ['--endpoint', replay.url, '--id', emu.id, '--urls', urlsFile];
      // Fill the replay with the gzip answers too, untimed.
      await stack([...base, '--transport', 'http', '--gzip', 'yes', '--rounds', '1'], env);
      const warm = await replay.stats();

      const load = Object.fromEntries(STACKS.map(([k]) => [k, []]));
      for (let i = 0; i < LOAD_REPS; i++) {
        for (const [k] of STACKS) load[k].push((await stack([...base, '--transport', k, '--load-only', 'yes'], env)).out.loadMs);
      }
      const results = [];
      for (const [coding, stacks] of Object.entries(CODINGS)) {
        for (const k of stacks) {
          const before = (await replay.stats()).requests;
          const r = await stack([...base, '--transport', k, '--gzip', coding === 'gzip' ? 'yes' : 'no', '--rounds', String(ROUNDS)], env);
          // What the stack really asked for, as the replay saw it.
          const asked = [...new Set((await replay.log()).slice(before).map((e) => e.coding || '(none)'))].join(' / ');
          results.push({ k, label: STACKS.find(([x]) => x === k)[1], coding, asked, ...r });
        }
      }
      const after = await replay.stats();
      const cells = ROWS * COLS * ROUNDS;
      report.note(
        `transport: each stack in its own process (contenders/transport.js) sends the ${urls.length - 1} values requests of a sheetpipe export of ${fmt.int(ROWS)} × ${COLS} (recorded in front of the emulator), ${ROUNDS} times over (${fmt.int(cells)} cells, ${((results[0].out.bytes ?? 0) / 1e6).toFixed(0)} MB of JSON), 4 in flight, and reads every body to its end, discarding it (gaxios-json: parsed, as the old engine did). Answers are replayed from memory by a proxy in its own process${after.misses !== warm.misses ? ` (${after.misses - warm.misses} requests missed the replay and went to the emulator)` : ''}. Load time: from the start of the contender's module to a client ready to send (the import and the client's construction; for fetch, Node's lazy load of undici), median of ${LOAD_REPS} processes, interleaved. The old client is ${'`'}@googleapis/sheets@${client.version}${'`'} from ${client.where}. Throughput, CPU and peak RSS per process; identity coding (what sheetpipe asks on loopback) and gzip (what it asks of Google; the old client always asks gzip: googleapis-common sets the header itself).`,
      );
      const httpLoad = median(load.http);
      for (const [k, label] of STACKS) {
        const m = median(load[k]);
        report.row(
          'transport: load',
          label,
          fmt.ms(m),
          `min ${fmt.ms(Math.min(...load[k]))}, max ${fmt.ms(Math.max(...load[k]))}`,
          `${fmt.signedMs(m - httpLoad)} vs node:http`,
        );
      }
      for (const coding of Object.keys(CODINGS)) {
        const ref = results.find((r) => r.k === 'http' && r.coding === coding);
        for (const r of results.filter((x) => x.coding === coding)) {
          const mbps = ref.out.bytes / 1e6 / (r.out.dataMs / 1000);
          const cpu = r.user + r.sys;
          report.row(
            `transport: ${coding}`,
            r.label,
            fmt.s(r.out.dataMs / 1000),
            `${mbps.toFixed(0)} MB/s of JSON; ${fmt.int(cells / (r.out.dataMs / 1000))} cells/s; process CPU ${cpu.toFixed(2)} s; peak RSS ${fmt.mb(r.rssMB)}; Accept-Encoding sent: ${r.asked}`,
            `${fmt.x(ref.out.dataMs / r.out.dataMs)} node:http speed; ${fmt.x(cpu / (ref.user + ref.sys))} its CPU`,
          );
        }
      }
    } finally {
      await replay.stop();
    }
  });
}
