/**
 * Shared pieces of the fault-injection suite: an in-process emulator with aimed faults whose HTTP
 * traffic is timed (through node:diagnostics_channel, so the emulator needs no test hooks), the
 * reference output of a clean run, and checks on the -o folder.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { expect } from 'vitest';
import {
  type Cell,
  type Emulator,
  type EmulatorOptions,
  type EmulatorStats,
  type FaultRule,
  type TabSource,
  generatedTab,
  ISO_DATE_FORMAT,
  memoryTab,
  startEmulator,
} from '../../src/emulator/index.js';
import { BIN, type CliResult, childEnv, collect, describeResult, runCli, startCli } from '../e2e/harness.js';

export { expectExit } from '../e2e/harness.js';

/** One HTTP event seen by the emulator's server, in performance.now() milliseconds. */
export interface Traffic {
  t: number;
  kind: 'request' | 'response';
  url: string;
  /** For responses. */
  status?: number;
  /** For requests: the headers as received. */
  headers?: IncomingHttpHeaders;
}

export interface FaultEmulator extends Emulator {
  /** Every request arrival and response end on this emulator, in order. */
  traffic: Traffic[];
  /** `--endpoint URL ID --max-rpm 0`: what every run starts with. */
  base: string[];
  /** Arrival times of values requests (values.get), in order. */
  valuesArrivals(): Traffic[];
}

interface ChannelMessage {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
}

const isValues = (url: string) => url.includes('/values');

/**
 * Starts an emulator on 127.0.0.1 port 0 with `faults`, and records its traffic. Stop it with
 * stop(): that also stops the recording.
 */
export async function startFaultEmulator(tabs: TabSource[], faults: FaultRule[] = [], extra: EmulatorOptions = {}): Promise<FaultEmulator> {
  const emu = await startEmulator({ ...extra, port: 0, tabs, faults });
  const traffic: Traffic[] = [];
  const mine = (m: ChannelMessage) => m.socket?.localPort === emu.port || m.request?.socket?.localPort === emu.port;
  const onRequest = (message: unknown) => {
    const m = message as ChannelMessage;
    if (mine(m)) traffic.push({ t: performance.now(), kind: 'request', url: m.request.url ?? '', headers: m.request.headers });
  };
  const onResponse = (message: unknown) => {
    const m = message as ChannelMessage;
    if (mine(m)) traffic.push({ t: performance.now(), kind: 'response', url: m.request.url ?? '', status: m.response.statusCode });
  };
  subscribe('http.server.request.start', onRequest);
  subscribe('http.server.response.finish', onResponse);
  return {
    ...emu,
    traffic,
    base: ['--endpoint', emu.url, emu.spreadsheetId, '--max-rpm', '0'],
    valuesArrivals: () => traffic.filter((e) => e.kind === 'request' && isValues(e.url)),
    async stop() {
      unsubscribe('http.server.request.start', onRequest);
      unsubscribe('http.server.response.finish', onResponse);
      await emu.stop();
    },
  };
}

/** A small deterministic generator (LCG), so the mixed tab is the same in every run. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const TEXTS = [
  'plain',
  'comma, inside',
  'quote " inside',
  'multi\nline',
  'tab\there',
  'Émile ✓',
  '  leading spaces',
  'back\\slash',
  '日本語',
  '=not a formula',
  'crlf\r\nend',
];

/**
 * 'Mixed': 600 rows × 8 columns of awkward cells in a 1000 × 8 grid — quotes, separators, newlines,
 * unicode, numbers, booleans, empty cells, ragged rows, scattered empty rows and a 60-row empty
 * block (whole chunks with no values), then 400 empty grid rows. Chunked reads of it only equal
 * one read if empty rows are carried across chunk boundaries correctly.
 */
export function mixedTab(): TabSource {
  const random = lcg(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const rows: Cell[][] = [['id', 'name', 'note', 'amount', 'flag', 'when', 'spare', 'last']];
  for (let r = 2; r <= 600; r++) {
    if ((r >= 301 && r <= 360) || r % 37 === 0) {
      rows.push([]);
      continue;
    }
    const row: Cell[] = [
      r - 1,
      pick(TEXTS),
      random() < 0.2 ? null : pick(TEXTS),
      random() < 0.5
        ? Math.round(random() * 1e6) / 100
        : { value: Math.round(random() * 1e6) / 100, formatted: `$${(random() * 1000).toFixed(2)}` },
      random() < 0.5,
      { value: 45_000 + Math.floor(random() * 2000), format: ISO_DATE_FORMAT },
      random() < 0.7 ? null : '',
      pick(TEXTS),
    ];
    row.length = 1 + Math.floor(random() * 8); // ragged: the API drops trailing empty cells anyway
    rows.push(row);
  }
  rows.push(['600', 'the last row']);
  return memoryTab({ title: 'Mixed', rows, gridRows: 1000, gridCols: 8 });
}

export function bigTab(rows: number, cols = 10): TabSource {
  return generatedTab({ rows, cols, seed: 42 });
}

const cleanCache = new Map<string, Promise<string>>();

/**
 * The stdout of a run with `args` against a fault-free emulator serving `tabs()`: the bytes every
 * fault run must reproduce. Cached by `key` and args.
 */
export function cleanOutput(key: string, tabs: () => TabSource[], args: string[]): Promise<string> {
  const id = `${key} ${JSON.stringify(args)}`;
  let result = cleanCache.get(id);
  if (!result) {
    result = (async () => {
      const emu = await startFaultEmulator(tabs());
      try {
        const r = await runCli([...emu.base, ...args, '-q']);
        expect(r.code, describeResult(r)).toBe(0);
        expect(r.stderr, describeResult(r)).toBe('');
        expect(r.stdout.length).toBeGreaterThan(0);
        return r.stdout;
      } finally {
        await emu.stop();
      }
    })();
    cleanCache.set(id, result);
  }
  return result;
}

export interface TimedResult extends CliResult {
  /** From spawn to the process's exit. */
  ms: number;
  /** From the last byte the child wrote (stdout or stderr) to its exit. */
  tailMs: number;
}

/** Runs the CLI and times it, including how long it lingers after its last output. */
export async function runTimed(args: string[], env?: Record<string, string>): Promise<TimedResult> {
  const started = performance.now();
  const child = startCli(args, { env });
  let last = started;
  child.stdout?.on('data', () => (last = performance.now()));
  child.stderr?.on('data', () => (last = performance.now()));
  const exited = once(child, 'exit').then(() => performance.now());
  const result = await collect(child, args);
  const ended = await exited;
  return { ...result, ms: ended - started, tailMs: ended - last };
}

/**
 * Runs the CLI with `env` laid over the harness's child environment. (runCli's env cannot set the
 * variables childEnv() clears: SHEETPIPE_ENDPOINT, GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_API_KEY.)
 */
export function runWithEnv(args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...childEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, args);
}

/** The one line said when retries begin (commands/progress.ts's retryNotice). */
export const RETRY_NOTICE = /^sheetpipe: .*; (waiting and )?retrying( \(.*\))?$/;

/**
 * stderr's lines, once any retry notice is set aside: runs that retry say so in one line before
 * anything else, and never more than one.
 */
export function withoutNotice(r: CliResult): string[] {
  const lines = r.stderr.trimEnd().split('\n');
  const notices = lines.filter((l) => RETRY_NOTICE.test(l));
  expect(notices.length, `more than one retry notice\n${describeResult(r)}`).toBeLessThanOrEqual(1);
  if (notices.length === 1) expect(lines[0], `the retry notice comes first\n${describeResult(r)}`).toMatch(RETRY_NOTICE);
  return lines.filter((l) => !RETRY_NOTICE.test(l));
}

/** `sheetpipe: N rows × M columns ... K requests, R retries` (after a retry notice when R > 0) — returns R. */
export function summaryRetries(r: CliResult): number {
  const lines = withoutNotice(r);
  expect(lines, describeResult(r)).toHaveLength(1);
  const m =
    /^sheetpipe: [\d,]+ rows? × [\d,]+ columns? from .* in [\d.]+ s \([\d,]+ rows\/s\), [\d,]+ requests?, ([\d,]+) retr(?:y|ies)(?:, [\d,]+ boundar(?:y|ies) checked)?$/.exec(
      lines[0] ?? '',
    );
  expect(m, describeResult(r)).not.toBeNull();
  const retries = Number((m?.[1] ?? '').replaceAll(',', ''));
  expect(r.stderr.trimEnd().split('\n').length, `a run with retries says so once, one without does not\n${describeResult(r)}`).toBe(
    retries > 0 ? 2 : 1,
  );
  return retries;
}

const TEMP = /^\..*\.sheetpipe-.*\.tmp$/;

/** The -o folder holds exactly `names` (no temp file), and `file` still holds `content`. */
export function expectUntouched(dir: string, names: string[], file: string, content: string): void {
  const entries = readdirSync(dir);
  expect(
    entries.filter((e) => TEMP.test(e)),
    `temp files left in ${dir}`,
  ).toEqual([]);
  expect(entries.sort()).toEqual([...names].sort());
  expect(existsSync(file)).toBe(true);
  expect(readFileSync(file, 'utf8')).toBe(content);
}

export function tempFiles(dir: string): string[] {
  return readdirSync(dir).filter((e) => TEMP.test(e));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `test()` holds, polling every 10 ms; throws after `ms`. */
export async function waitFor(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!test()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve([child.exitCode, child.signalCode]);
  return once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
}

/**
 * Waits until the emulator has read everything a finished run sent it: no request in flight, and
 * the count unchanged for 250 ms (a request written just before the client exited can sit unread
 * in a socket buffer while this worker's event loop is busy). Returns the settled count.
 */
export async function settledRequests(emu: FaultEmulator, what: (stats: EmulatorStats) => number = (s) => s.requests): Promise<number> {
  const end = performance.now() + 10_000;
  let last = what(emu.stats());
  let since = performance.now();
  for (;;) {
    await sleep(50);
    const stats = emu.stats();
    const now = what(stats);
    if (now !== last || stats.inFlight > 0) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since >= 250) {
      return now;
    }
    if (performance.now() > end) throw new Error('the emulator kept receiving requests for 10 s after the run');
  }
}
