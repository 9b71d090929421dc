/**
 * Test-only preload (`node --expose-gc --import ./heap-probe.mjs`): measures the live set of the
 * process it is loaded into. Every SHEETPIPE_HEAP_PROBE_MS (default 20) it runs a full GC and reads
 * heapUsed + external (Buffers live outside the V8 heap, and the export's bytes are Buffers); at
 * exit it writes the largest reading, with the count of readings, as JSON to the file named by
 * SHEETPIPE_HEAP_PROBE. RSS is not used: it keeps pages the GC has already freed.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.SHEETPIPE_HEAP_PROBE;
const gc = globalThis.gc;
if (file && typeof gc === 'function') {
  const every = Number(process.env.SHEETPIPE_HEAP_PROBE_MS ?? 20);
  const peak = { liveBytes: 0, heapUsed: 0, external: 0, samples: 0 };
  const sample = () => {
    gc();
    const { heapUsed, external } = process.memoryUsage();
    peak.samples += 1;
    if (heapUsed + external > peak.liveBytes) Object.assign(peak, { liveBytes: heapUsed + external, heapUsed, external });
  };
  sample();
  setInterval(sample, every).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(file, JSON.stringify(peak));
  });
}
