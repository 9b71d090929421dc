import { expect } from 'vitest';
/**
 * End-to-end harness: the real binaries in child processes. `sheetpipe emulator` serves, `sheetpipe`
 * exports from it. A failed expectation prints the command, its stdout, stderr and exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/sheetpipe.js', import.meta.url));

export interface CliResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function describeResult(r: CliResult): string {
  const clip = (s: string) => (s.length > 2000 ? `${s.slice(0, 2000)}... (${s.length} chars)` : s);
  return `$ ${r.command}\nexit: ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\nstdout:\n${clip(r.stdout)}\nstderr:\n${clip(r.stderr)}`;
}

/** Environment for the child: no credentials, no metadata-server probing, no colour. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', METADATA_SERVER_DETECTION: 'none', ...extra };
  delete env.SHEETPIPE_ENDPOINT;
  delete env.GOOGLE_APPLICATION_CREDENTIALS;
  delete env.GOOGLE_API_KEY;
  return env;
}

export function startCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: childEnv(options.env), cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Tests plant this marker in credential files, keys and tokens; no output stream of any CLI run may
 * ever contain it. collect() checks every run it collects.
 */
export const PLANTED_SECRET = 'PLANTED-SECRET';

/** Throws when a run's stdout or stderr holds the planted secret. */
export function assertNoPlantedSecret(r: CliResult): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    const at = r[stream].indexOf(PLANTED_SECRET);
    if (at >= 0) {
      const context = JSON.stringify(r[stream].slice(Math.max(0, at - 200), at + 200));
      throw new Error(`a planted secret leaked into ${stream} at offset ${at}: ...${context}...\n${describeResult(r)}`);
    }
  }
}

export async function collect(child: ChildProcess, args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  const result = {
    command: `sheetpipe ${args.map((a) => (/[\s'"!]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
    code,
    signal,
    stdout,
    stderr,
  };
  assertNoPlantedSecret(result);
  return result;
}

export async function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return collect(startCli(args, options), args);
}

export interface EmulatorProcess {
  endpoint: string;
  spreadsheet: string;
  child: ChildProcess;
  /** What the emulator has written to stderr so far. */
  stderr(): string;
  stats(): Promise<{ requests: number; values: number; metadata: number; recentRanges: string[]; maxInFlight: number }>;
  stop(): Promise<number | null>;
}

/** Starts `sheetpipe emulator --port 0 ...args` and reads the endpoint and ID it prints. */
export async function startEmulatorProcess(args: string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', ...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const found: Record<string, string> = {};
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const [key, value] = line.split(/\s+/, 2);
    if (key && value) found[key] = value;
    if (found.endpoint && found.spreadsheet) break;
  }
  if (!found.endpoint || !found.spreadsheet) throw new Error(`the emulator did not start: ${stderr}`);
  const endpoint = found.endpoint;
  return {
    endpoint,
    spreadsheet: found.spreadsheet,
    child,
    stderr: () => stderr,
    async stats() {
      const res = await fetch(new URL('_emulator/stats', endpoint));
      return (await res.json()) as Awaited<ReturnType<EmulatorProcess['stats']>>;
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

/** The run's exit code, with its command, stdout and stderr shown when it is not the expected one. */
export function expectExit(r: CliResult, code: number): void {
  expect(r.code, describeResult(r)).toBe(code);
}
