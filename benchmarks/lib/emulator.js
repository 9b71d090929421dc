/* global fetch */
// An emulator in its own process (emulator-child.js) on 127.0.0.1 and a free port, so that its CPU
// work (generating and encoding cells) never stalls the harness's clocks; and the counters it keeps.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH, cpuSeconds, track } from './harness.js';

/**
 * Starts a child that prints `endpoint URL` and `spreadsheet ID`, and resolves with both. `script`
 * is emulator-child.js or replay-child.js; `spec` its JSON argument.
 */
export async function startChild(script, spec) {
  const child = track(spawn(process.execPath, [join(BENCH, 'lib', script), JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const info = await new Promise((resolveInfo, reject) => {
    let text = '';
    const onData = (data) => {
      text += data;
      const url = /endpoint (\S+)/.exec(text)?.[1];
      const id = /spreadsheet (\S+)/.exec(text)?.[1];
      if (url && id) {
        child.stdout.off('data', onData);
        child.off('close', onClose);
        resolveInfo({ url, id });
      }
    };
    const onClose = (code) => reject(new Error(`${script} exited with ${code} before listening`));
    child.stdout.on('data', onData);
    child.once('close', onClose);
  });
  child.stdout.resume();
  return {
    ...info,
    pid: child.pid,
    cpu: () => cpuSeconds(child.pid),
    stop() {
      return new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('close', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
    },
  };
}

/** spec: { tabs: [{ title, rows, cols, seed } | { kind: 'sparse', title, rows, cells }], latencyMs, jitterMs, maxRpm, quotaWindowMs, ... } */
export async function startEmulator(spec) {
  const child = await startChild('emulator-child.js', spec);
  return {
    ...child,
    async stats() {
      const res = await fetch(`${child.url}_emulator/stats`);
      return res.json();
    },
  };
}

export async function withEmulator(spec, fn) {
  const emulator = await startEmulator(spec);
  try {
    return await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

/** Counter deltas of the emulator across `fn`, merged into fn's result. */
export async function measured(emulator, fn) {
  const before = await emulator.stats();
  const cpuBefore = emulator.cpu();
  const result = await fn();
  const after = await emulator.stats();
  const values = after.values - before.values;
  return {
    ...result,
    requests: after.requests - before.requests,
    values,
    metadata: after.metadata - before.metadata,
    throttled: after.rateLimited - before.rateLimited,
    maxInFlight: after.maxInFlight,
    bytesSent: after.bytesSent - before.bytesSent,
    // The values ranges of this run, oldest first (the emulator keeps the latest 1,000).
    ranges: before.recentRanges.length < 1000 ? after.recentRanges.slice(before.recentRanges.length) : after.recentRanges.slice(-values),
    emulatorCpu: emulator.cpu() - cpuBefore,
  };
}

/** The replaying proxy (replay-child.js) in front of `emulator`, answering after `latencyMs`: see proxy.js. */
export async function startReplay(emulator, { latencyMs = 0 } = {}) {
  const child = await startChild('replay-child.js', { upstream: emulator.url, id: emulator.id, latencyMs });
  return {
    ...child,
    async stats() {
      const res = await fetch(`${child.url}_replay/stats`);
      return res.json();
    },
    /** Every request it received since the last reset: { url, coding, arrived, ended, aborted, bytes } in arrival order. */
    async log() {
      const res = await fetch(`${child.url}_replay/log`);
      return res.json();
    },
    /** Empties the request log (the answers kept stay). */
    async reset() {
      const res = await fetch(`${child.url}_replay/reset`);
      await res.arrayBuffer();
    },
  };
}
