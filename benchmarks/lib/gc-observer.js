// Preloaded with `node --import` into a profiled run: counts garbage collections by kind and their
// pauses, and samples the heap after each, then writes the record to SHEETPIPE_BENCH_GC_FILE at exit.
// It changes nothing in the process it watches besides one observer.
import { writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

const file = process.env.SHEETPIPE_BENCH_GC_FILE;
const record = { kinds: {}, peakHeapMB: 0 };
if (file) {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = String(entry.detail?.kind ?? entry.kind ?? '?');
      const k = (record.kinds[kind] ??= { count: 0, ms: 0, max: 0 });
      k.count += 1;
      k.ms += entry.duration;
      k.max = Math.max(k.max, entry.duration);
    }
    // The heap's own figure: process.memoryUsage() would also read the RSS from the kernel each time.
    record.peakHeapMB = Math.max(record.peakHeapMB, getHeapStatistics().used_heap_size / 1024 / 1024);
  });
  observer.observe({ entryTypes: ['gc'] });
  process.once('exit', () => writeFileSync(file, JSON.stringify(record)));
}
