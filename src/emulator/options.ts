/**
 * What `startEmulator` takes, its defaults, and the checks run before anything listens.
 */
import { UsageError } from '../shared/errors.js';
import { SPREADSHEET_ID } from '../sheet/ref.js';
import { EMULATOR_HOST, EMULATOR_PORT } from '../shared/demo.js';
import type { RequiredCredentials } from './auth.js';
import type { TabSource } from './data.js';
import type { FaultRule } from './faults.js';
import type { NamedRangeSpec } from './spreadsheet.js';

export const DEFAULT_PORT = EMULATOR_PORT;
export const DEFAULT_HOST = EMULATOR_HOST;
/** Columns of a generated tab, when its rows are given and its columns not. */
export const DEFAULT_COLS = 8;
/** Seed of the generated data, the jitter, the failRate draws and the fault probabilities. */
export const DEFAULT_SEED = 1;

export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 8089. */
  port?: number;
  /** Interface to listen on. Default '127.0.0.1': loopback only. */
  host?: string;
  /** The ID requests must name; others get 404. Default DEMO_SPREADSHEET_ID. */
  spreadsheetId?: string;
  /** The spreadsheet's title. Default 'sheetpipe demo' with the demo tabs, else 'sheetpipe emulator'. */
  title?: string;
  /** The tabs in order; the first is the default tab. Default: the demo spreadsheet's (Orders, Customers, Summary). */
  tabs?: readonly TabSource[];
  /** Named ranges. Default: none, or the demo's with the demo tabs. */
  namedRanges?: readonly NamedRangeSpec[];
  /** Delay before every API answer, in ms. Default 0. */
  latencyMs?: number;
  /** The delay varies uniformly within ± this, in ms. Default 0. */
  jitterMs?: number;
  /** Fraction (0..1) of values requests answered 503 UNAVAILABLE. Default 0. */
  failRate?: number;
  /** API requests (metadata and values alike) allowed per quota window; beyond, 429 RESOURCE_EXHAUSTED. Default: no limit. */
  maxRpm?: number;
  /** The quota window in ms. Default 60 000, as the API's per-minute quota. */
  quotaWindowMs?: number;
  /**
   * Send `Retry-After` (whole seconds until the quota window frees a request) on the quota's 429s.
   * The API sends none; this is for testing a client's handling of the header. Default false.
   */
  quotaRetryAfter?: boolean;
  /** Credentials every API request must carry. Default: none needed. */
  requireCredentials?: RequiredCredentials;
  /** Aimed faults; the first rule that fires answers the request. Default none. */
  faults?: readonly FaultRule[];
  /** Seed of the jitter, the failRate draws and the fault probabilities. Default 1. */
  seed?: number;
  /** Gzip only when the User-Agent also contains "gzip", as Google documents. Default false: Accept-Encoding decides. */
  gzipNeedsUserAgent?: boolean;
  /**
   * Where the emulator reports what a client should know of: one line (no newline) per refused
   * request and per internal error. Default: silent.
   */
  log?: (line: string) => void;
}

function isStringList(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== ''));
}

export function checkOptions(options: EmulatorOptions): void {
  const fail = (name: string, rule: string, value: unknown): never => {
    throw new UsageError(`${name} must be ${rule}, got ${String(value)}`);
  };
  const { port, latencyMs, jitterMs, failRate, maxRpm, quotaWindowMs, seed, spreadsheetId, requireCredentials, log } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) fail('port', 'an integer from 0 to 65535', port);
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) fail('latencyMs', 'a number ≥ 0', latencyMs);
  if (jitterMs !== undefined && !(Number.isFinite(jitterMs) && jitterMs >= 0)) fail('jitterMs', 'a number ≥ 0', jitterMs);
  if (failRate !== undefined && !(failRate >= 0 && failRate <= 1)) fail('failRate', 'a number from 0 to 1', failRate);
  if (maxRpm !== undefined && !(Number.isInteger(maxRpm) && maxRpm >= 1)) fail('maxRpm', 'a positive integer', maxRpm);
  if (quotaWindowMs !== undefined && !(Number.isFinite(quotaWindowMs) && quotaWindowMs > 0))
    fail('quotaWindowMs', 'a number > 0', quotaWindowMs);
  if (seed !== undefined && !Number.isSafeInteger(seed)) fail('seed', 'an integer', seed);
  if (spreadsheetId !== undefined && !SPREADSHEET_ID.test(spreadsheetId)) {
    fail('spreadsheetId', '8 to 200 letters, digits, "-" or "_"', spreadsheetId);
  }
  if (requireCredentials !== undefined) {
    if (!isStringList(requireCredentials.tokens))
      fail('requireCredentials.tokens', 'a list of non-empty strings', requireCredentials.tokens);
    if (!isStringList(requireCredentials.keys)) fail('requireCredentials.keys', 'a list of non-empty strings', requireCredentials.keys);
  }
  if (log !== undefined && typeof log !== 'function') fail('log', 'a function', log);
}
