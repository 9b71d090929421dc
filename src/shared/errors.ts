/**
 * One error class per failure family. Each carries a stable `code` (for scripts and tests) and the
 * process exit code the CLI maps it to. Messages are one line and say what to do next.
 */

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  unavailable: 5,
  moved: 6,
  sighup: 129,
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class SheetpipeError extends Error {
  override name = 'SheetpipeError';
  readonly code: string = 'SHEETPIPE_ERROR';
  readonly exitCode: ExitCode = ExitCode.failed;

  constructor(message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
  }
}

/** A bad option value, A1 range or spreadsheet reference. Exit 2. */
export class UsageError extends SheetpipeError {
  override name = 'UsageError';
  override readonly code = 'SHEETPIPE_USAGE';
  override readonly exitCode = ExitCode.usage;
}

/** No usable credentials, or the API answered 401/403. Exit 3. */
export class AuthError extends SheetpipeError {
  override name = 'AuthError';
  override readonly code = 'SHEETPIPE_AUTH';
  override readonly exitCode = ExitCode.auth;
}

/** The spreadsheet, tab or named range does not exist. Exit 4. */
export class NotFoundError extends SheetpipeError {
  override name = 'NotFoundError';
  override readonly code = 'SHEETPIPE_NOT_FOUND';
  override readonly exitCode = ExitCode.notFound;
}

/** Retries ran out on 429s, 5xx, timeouts, broken connections or malformed answers. Exit 5. */
export class UnavailableError extends SheetpipeError {
  override name = 'UnavailableError';
  override readonly code = 'SHEETPIPE_UNAVAILABLE';
  override readonly exitCode = ExitCode.unavailable;
}

/** The output could not be written (missing folder, read-only, disk full). Exit 1. */
export class OutputError extends SheetpipeError {
  override name = 'OutputError';
  override readonly code = 'SHEETPIPE_OUTPUT';
  override readonly exitCode = ExitCode.failed;
}

/** The API refused a request for good (400 and other final answers that are not auth or 404). Exit 1. */
export class ApiError extends SheetpipeError {
  override name = 'ApiError';
  override readonly code = 'SHEETPIPE_API';
  override readonly exitCode = ExitCode.failed;
}

/** The API could not be reached at all: DNS, a refused connection, TLS. Exit 5. */
export class ConnectionError extends SheetpipeError {
  override name = 'ConnectionError';
  override readonly code = 'SHEETPIPE_CONNECTION';
  override readonly exitCode = ExitCode.unavailable;
}

/** A bug in sheetpipe, not a failure of the API, the network or the input. Exit 1. */
export class InternalError extends SheetpipeError {
  override name = 'InternalError';
  override readonly code = 'SHEETPIPE_INTERNAL';
  override readonly exitCode = ExitCode.failed;
}

/**
 * How rows moved under one range between two of its reads. `row` is the last sheet row before the
 * later read: every row up to it was read before the move was seen.
 * - `changed`: the row two requests both asked for (`chunk 2/5 ('Orders'!A1001:I2000)`; the same
 *   request twice when its answer was continued) came back different;
 * - `shrank`: the tab now ends above the later read's first row (rows were deleted).
 */
export type RowsMoved =
  | { kind: 'changed'; range: string; row: number; earlier: string; later: string }
  | { kind: 'shrank'; range: string; row: number; later: string };

/** What to do when rows keep moving. */
export const MOVED_ADVICE = 'rerun when the sheet is quiet, or read it in one request with a larger --chunk-rows';
/** A sheet whose rows change with nobody editing it looks moved at every boundary. */
export const SELF_CHANGING = 'rows that change by themselves (NOW(), RAND()) need --no-boundary-check';

function whatMoved(moved: RowsMoved): string {
  if (moved.kind === 'shrank') return `rows moved in ${moved.range}: the tab now ends before ${moved.later} starts (rows were deleted)`;
  const pair = moved.earlier === moved.later ? `two answers of ${moved.earlier}` : `${moved.earlier} and ${moved.later}`;
  return `rows moved in ${moved.range} between ${pair}: row ${moved.row}, read by both, came back different`;
}

/**
 * Rows moved between two reads of one range (rows inserted, deleted or sorted above a chunk
 * boundary while the export ran): what was written would hold rows twice, or lose some. Exit 6.
 */
export class SheetMovedError extends SheetpipeError {
  override name = 'SheetMovedError';
  override readonly code = 'SHEETPIPE_SHEET_MOVED';
  override readonly exitCode = ExitCode.moved;

  constructor(
    readonly moved: RowsMoved,
    /** What happens to the output, and what to do: said after what moved. */
    advice = `the sheet was being edited during the export; ${MOVED_ADVICE}; ${SELF_CHANGING}`,
  ) {
    super(`${whatMoved(moved)}; ${advice}`);
  }
}

export type StopSignal = 'SIGHUP' | 'SIGINT' | 'SIGTERM';

/** The exit code for a run stopped by `signal`: 128 + its number. */
export function signalExitCode(signal: StopSignal): ExitCode {
  return signal === 'SIGHUP' ? ExitCode.sighup : signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm;
}

/** The run was cancelled by a signal. Exit 129 (SIGHUP), 130 (SIGINT) or 143 (SIGTERM). */
export class InterruptedError extends SheetpipeError {
  override name = 'InterruptedError';
  override readonly code = 'SHEETPIPE_INTERRUPTED';
  override readonly exitCode: ExitCode;

  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
    this.exitCode = signalExitCode(signal);
  }
}

/** Thrown through the pipeline when stdout's reader went away: a quiet, successful stop. */
export class BrokenPipe extends SheetpipeError {
  override name = 'BrokenPipe';
  override readonly code = 'SHEETPIPE_BROKEN_PIPE';
  override readonly exitCode = ExitCode.ok;

  constructor() {
    super('the output reader closed');
  }
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/(["']?authorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s,;"'}]+/gi, '$1<redacted>'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 <redacted>'],
  [/\bya29\.[\w.-]+/g, '<redacted-token>'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '<redacted-key>'],
  [/("?(?:private_key|client_secret|refresh_token|access_token|id_token)"?\s*[:=]\s*)"?[^\s",}]+"?/gi, '$1<redacted>'],
  [/([?&](?:key|access_token|token)=)[^&\s#"']+/gi, '$1<redacted>'],
  [/\bAIza[\w-]{20,}/g, '<redacted-key>'],
];

/** Strips Authorization values, OAuth tokens, API keys and key material from text meant for output. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The first line of a message, redacted: what the CLI prints for an expected failure. */
export function oneLine(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return redact(first).trim();
}

/** User input as shown inside a message: control characters escaped, long text clipped, one line. */
export function showInput(text: string, max = 80): string {
  const clipped = text.length > max ? `${text.slice(0, max - 3)}...` : text;
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  return clipped.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
