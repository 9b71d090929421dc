/**
 * What every request of one run shares: the API client, the rate gate, the counters and the
 * events; the metadata request; and the final error a failed request becomes.
 */
import type { A1 } from '../sheet/a1.js';
import { finalError } from '../fetch/final-error.js';
import { type AttemptContext, withRetries } from '../fetch/attempts.js';
import type { ReadContext } from '../fetch/chunk-reader.js';
import { RequestGate } from '../fetch/gate.js';
import { AttemptsFailed } from '../fetch/retry.js';
import type { BackoffOptions } from '../fetch/retry-policy.js';
import { type Window, deliverPart } from '../fetch/window.js';
import type { ExportEvents } from './events.js';
import { type SheetsApi, createSheetsApi } from '../google/api.js';
import { DEFAULT_ENDPOINT, isLoopback } from '../google/endpoint.js';
import { DEFAULTS, type EngineSettings, wireRender } from './settings.js';
import { DEMO_SPREADSHEET_ID, EMULATOR_ENDPOINT } from '../shared/demo.js';
import { NotFoundError } from '../shared/errors.js';
import { type SpreadsheetRef, parseSpreadsheetRef } from '../sheet/ref.js';
import type { SpreadsheetMeta } from '../sheet/resolve.js';

/** The engine's options: its settings (from the option table, see settings.ts) and what a caller passes beside them. */
export interface ExportOptions extends EngineSettings {
  /** Spreadsheet ID or docs.google.com URL (a `gid` in it picks the tab when `range` names none). */
  spreadsheet: string | SpreadsheetRef;
  /** A1 range, tab name or named range. Default: the whole first tab (or the URL's gid tab). */
  range?: string | A1;
  /** Environment for credentials lookup (GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_API_KEY). Default process.env. */
  env?: Record<string, string | undefined>;
  /** Cancels the export. */
  signal?: AbortSignal;
  /** Receives progress events. */
  events?: ExportEvents;
  /** Backoff tuning (tests shorten it). */
  backoff?: BackoffOptions;
  /** An already-built API client (tests, embedding). */
  api?: SheetsApi;
}

export interface Session {
  ref: SpreadsheetRef;
  api: SheetsApi;
  /** The client was built here, so it is closed here. */
  ownsApi: boolean;
  gate: RequestGate;
  /** Requests started, retries, and boundaries where two reads of a row agreed (boundary.ts). */
  counters: { requests: number; retries: number; boundaries: number };
  options: ExportOptions;
  events: ExportEvents;
}

/** The demo's ID on Google's endpoint: what to do instead. */
function demoOffGoogle(id: string): NotFoundError {
  return new NotFoundError(
    `spreadsheet ${id} is the demo that \`sheetpipe emulator\` serves on this machine, not a Google spreadsheet: ` +
      `start \`sheetpipe emulator\` and set SHEETPIPE_ENDPOINT=${EMULATOR_ENDPOINT} (or pass --endpoint ${EMULATOR_ENDPOINT})`,
  );
}

export async function openSession(options: ExportOptions, signal: AbortSignal, events: ExportEvents): Promise<Session> {
  const ref = typeof options.spreadsheet === 'string' ? parseSpreadsheetRef(options.spreadsheet) : options.spreadsheet;
  const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
  // The demo lives in the emulator only: Google would just ask for credentials, or answer 404.
  if (!options.api && ref.id === DEMO_SPREADSHEET_ID && endpoint === DEFAULT_ENDPOINT) throw demoOffGoogle(ref.id);
  const api =
    options.api ??
    (await createSheetsApi({
      spreadsheetId: ref.id,
      endpoint,
      credentials: options.credentials,
      env: options.env ?? process.env,
      ...wireRender(options.render ?? DEFAULTS.render, options.dates),
      maxSockets: options.concurrency ?? DEFAULTS.concurrency,
      signal,
    }));
  events.emit('connect', { host: api.host, credentials: !isLoopback(endpoint), principal: api.principal });
  return {
    ref,
    api,
    ownsApi: options.api === undefined,
    // Typed values' first rows need two requests beside the metadata's: the first values and the formats.
    gate: new RequestGate(options.maxRpm ?? DEFAULTS.maxRpm, Date.now, options.render === 'TYPED' ? 2 : 1),
    counters: { requests: 0, retries: 0, boundaries: 0 },
    options,
    events,
  };
}

export function closeSession(session: Session | undefined): void {
  if (session?.ownsApi) session.api.close();
}

export function attemptContext(session: Session, signal: AbortSignal): AttemptContext {
  const { options, counters, events } = session;
  return {
    gate: session.gate,
    signal,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    retries: options.retries ?? DEFAULTS.retries,
    backoff: options.backoff,
    onRequest: (label, attempt) => {
      counters.requests += 1;
      events.emit('request', { label, attempt });
    },
    onRetry: (info) => {
      counters.retries += 1;
      events.emit('retry', info);
    },
  };
}

/** What a request's reader needs; without a window (the early read), nothing waits for room. */
export function readContext(session: Session, signal: AbortSignal, window?: Window): ReadContext {
  return {
    ...attemptContext(session, signal),
    api: session.api,
    boundaryCheck: session.options.boundaryCheck ?? DEFAULTS.boundaryCheck,
    deliver: deliverPart,
    room: () => window?.room(),
  };
}

/**
 * Why a request failed for good, as the error family the CLI maps to an exit code. `what` names a
 * request made beside the values (the metadata's, unless `stage` says it came after it).
 */
export function failed(
  error: unknown,
  session: Session,
  what?: string,
  stage: 'metadata' | 'values' = what === undefined ? 'values' : 'metadata',
): unknown {
  if (!(error instanceof AttemptsFailed)) return error;
  return finalError(error, {
    what: what ?? error.label ?? 'a request',
    stage,
    spreadsheetId: session.ref.id,
    principal: session.api.principal,
    host: session.api.host,
  });
}

export async function readMetadata(session: Session, signal: AbortSignal): Promise<SpreadsheetMeta> {
  try {
    return await withRetries('spreadsheet metadata', attemptContext(session, signal), (s) => session.api.getMetadata(s));
  } catch (error) {
    throw failed(error, session, `reading spreadsheet ${session.ref.id}`);
  }
}
