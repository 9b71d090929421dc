// Loopback gzip vs identity through the transport, against the emulator in its own process.
//
//   npm run build && node benchmarks/transport.js [--rows 200000] [--chunk 10000] [--rounds 3]
//
// Each round reads the tab in `--chunk`-row values requests, 4 in flight (the CLI's default),
// once asking for gzip and once for identity (interleaved, best of the rounds), through
// createSheetsApi. It reports wall time, the client's CPU time, and the bytes on the wire.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSheetsApi } from '../dist/google/api.js';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROWS = arg('rows', 200_000);
const CHUNK = arg('chunk', 10_000);
const ROUNDS = arg('rounds', 3);
const COLS = 10;
const IN_FLIGHT = 4;

const bin = fileURLToPath(new URL('../bin/sheetpipe.js', import.meta.url));
const child = spawn(process.execPath, [bin, 'emulator', '--port', '0', '--rows', String(ROWS), '--cols', String(COLS)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.on('exit', () => child.kill('SIGKILL'));
const found = {};
for await (const line of createInterface({ input: child.stdout })) {
  const [key, value] = line.split(/\s+/, 2);
  if (key && value) found[key] = value;
  if (found.endpoint && found.spreadsheet) break;
}

async function stats() {
  return (await globalThis.fetch(new URL('_emulator/stats', found.endpoint))).json();
}

async function run(compress) {
  const api = await createSheetsApi({ spreadsheetId: found.spreadsheet, endpoint: found.endpoint, compress });
  const ranges = [];
  for (let first = 1; first <= ROWS; first += CHUNK) ranges.push(`'Generated'!A${first}:J${Math.min(ROWS, first + CHUNK - 1)}`);
  const wireBefore = (await stats()).bytesSent;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let decoded = 0;
  let next = 0;
  const worker = async () => {
    while (next < ranges.length) {
      const body = await api.openValues(ranges[next++], new AbortController().signal);
      for await (const chunk of body) decoded += chunk.length;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const wall = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  api.close();
  return { wall, cpu: (user + system) / 1000, decoded, wire: (await stats()).bytesSent - wireBefore };
}

const best = { gzip: undefined, identity: undefined };
await run(false); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, compress] of [
    ['gzip', true],
    ['identity', false],
  ]) {
    const r = await run(compress);
    if (!best[name] || r.wall < best[name].wall) best[name] = r;
  }
}
const mb = (n) => (n / 1024 / 1024).toFixed(1);
console.log(
  `${ROWS.toLocaleString('en')} rows × ${COLS} in ${CHUNK.toLocaleString('en')}-row requests, ${IN_FLIGHT} in flight, best of ${ROUNDS}`,
);
for (const [name, r] of Object.entries(best)) {
  const rate = (ROWS / (r.wall / 1000)).toFixed(0);
  console.log(
    `${name.padEnd(8)} wall ${r.wall.toFixed(0).padStart(5)} ms  ${rate.padStart(7)} rows/s  client CPU ${r.cpu.toFixed(0).padStart(5)} ms  wire ${mb(r.wire).padStart(6)} MB  decoded ${mb(r.decoded)} MB`,
  );
}
console.log(`identity / gzip wall: ${(best.identity.wall / best.gzip.wall).toFixed(2)}×`);
child.kill('SIGTERM');
