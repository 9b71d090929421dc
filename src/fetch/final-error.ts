/**
 * The final error: a request that failed for good, as the error family the CLI maps to an exit
 * code, with a one-line message that names what failed and the fix that matches it.
 */
import { hasReason, reasonsOf } from '../google/failure.js';
import {
  ApiError,
  AuthError,
  ConnectionError,
  InternalError,
  NotFoundError,
  type SheetpipeError,
  UnavailableError,
} from '../shared/errors.js';
import { times } from '../shared/plural.js';

/** How a request ended for good, as the fetch layer reports it (AttemptsFailed, in retry.ts). */
export interface FinalFailure {
  classification: { kind: string; retryable: boolean };
  failure: {
    status?: number;
    apiStatus?: string;
    reason?: string;
    reasons?: readonly string[];
    networkCode?: string;
    host?: string;
    /** host:port of the proxy the request went through, never its credentials. */
    proxy?: string;
    message?: string;
    phase?: string;
  };
  attempts: number;
  exhausted: boolean;
  reason: string;
}

export interface FailureContext {
  /** What was being done: `chunk 3/40 ('Data'!A2201:Z2400)`, `reading spreadsheet ID`. */
  what: string;
  /** The metadata request, or a values request (made once the metadata was read). */
  stage: 'metadata' | 'values';
  spreadsheetId: string;
  /** The service account, when known: named in sharing advice. */
  principal?: string;
  /** The API's host, when the failure does not carry it. */
  host?: string;
}

const READONLY_SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

function connectionMessage(host: string, code: string, proxy: string | undefined): string {
  // Through a proxy, a connection or lookup that fails is the proxy's: the API's host is its to reach.
  if (proxy !== undefined && !TLS_CODE.test(code) && !/^ERR_PROXY_/.test(code)) {
    const why =
      code === 'ECONNREFUSED'
        ? 'the connection was refused'
        : /^(ENOTFOUND|EAI_)/.test(code)
          ? 'its DNS lookup failed'
          : 'it cannot be reached';
    return `cannot connect to the proxy ${proxy} (on the way to ${host}): ${why} (${code}); check HTTPS_PROXY and NO_PROXY`;
  }
  if (/^(ENOTFOUND|EAI_)/.test(code))
    return `cannot connect to ${host}: the DNS lookup failed (${code}); check the network, the proxy settings or --endpoint`;
  if (code === 'ECONNREFUSED')
    return `cannot connect to ${host}: the connection was refused (${code}); check --endpoint and the proxy settings (is the emulator running?)`;
  if (TLS_CODE.test(code)) {
    return `cannot connect to ${host}: the TLS handshake failed (${code}); check --endpoint and the proxy settings (a proxy that inspects TLS needs its CA in NODE_EXTRA_CA_CERTS)`;
  }
  if (/^ERR_PROXY_/.test(code)) return `cannot connect to ${host} through the proxy (${code}); check HTTPS_PROXY and NO_PROXY`;
  return `cannot connect to ${host}: the network is unreachable (${code}); check the network and the proxy settings`;
}

/** The error family and one-line message for a request that failed for good. */
export function finalError(failed: FinalFailure, context: FailureContext): SheetpipeError {
  const { classification, failure: f, reason, attempts } = failed;
  const { what } = context;
  const host = f.host ?? context.host ?? 'the API';
  const options = { cause: failed };
  const reasons = reasonsOf(f);
  if (failed.exhausted) {
    switch (classification.kind) {
      case 'rate-limit':
        return new UnavailableError(
          `${what} was refused for quota ${times(attempts)} (last: ${reason}); lower --max-rpm (60 a minute is the API's quota per user) or rerun later`,
          options,
        );
      case 'timeout':
        return new UnavailableError(
          `${what} timed out ${times(attempts)} (last: ${reason}); raise --timeout or lower --chunk-rows`,
          options,
        );
      case 'reset':
        return new UnavailableError(
          `${what}: the connection to ${host} broke ${times(attempts)} (last: ${reason}); check the network and the proxy settings, or rerun later`,
          options,
        );
      case 'malformed':
        return new UnavailableError(
          `${what}: ${host} answered ${times(attempts)} with something that is not a Sheets API answer (last: ${reason}); check --endpoint and the proxy settings`,
          options,
        );
      default:
        return new UnavailableError(
          `${what} failed ${times(attempts)} (last: ${reason}); the API stayed unavailable, rerun later`,
          options,
        );
    }
  }
  switch (classification.kind) {
    case 'malformed':
      // Only an answer too large to hold before it is checked fails so: its first rows are written.
      return new UnavailableError(
        `${what}: ${host} answered with something that is not a Sheets API answer (${reason}); rerun, or lower --chunk-rows so that each answer is checked whole before it is written`,
        options,
      );
    case 'connect':
      return new ConnectionError(connectionMessage(host, f.networkCode ?? 'unknown', f.proxy), options);
    case 'internal':
      return new InternalError(
        `internal error while ${what}: ${f.message ?? reason} (rerun with --verbose for details, and report it)`,
        options,
      );
    case 'auth': {
      if (f.phase === 'credentials') {
        return new AuthError(`${what}: ${reason}; check that the key is current and not revoked, or refresh the credentials`, options);
      }
      if (hasReason(f, 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'insufficientPermissions')) {
        return new AuthError(
          `${what}: ${reason}; the credentials lack the spreadsheets.readonly scope: use a service-account key, or run \`gcloud auth application-default login --scopes=${READONLY_SCOPE},https://www.googleapis.com/auth/cloud-platform\``,
          options,
        );
      }
      if (reasons.some((r) => /^(API_KEY_|keyInvalid)/.test(r))) {
        return new AuthError(
          `${what}: ${reason}; the API key was refused: check GOOGLE_API_KEY and that the key may call the Google Sheets API`,
          options,
        );
      }
      if (hasReason(f, 'SERVICE_DISABLED', 'accessNotConfigured')) {
        return new AuthError(
          `${what}: ${reason}; enable the Google Sheets API in the credentials' project (or set a quota project: gcloud auth application-default set-quota-project PROJECT)`,
          options,
        );
      }
      if (f.status === 401) {
        return new AuthError(
          `${what}: ${reason}; the credentials were refused: refresh them, or check GOOGLE_APPLICATION_CREDENTIALS`,
          options,
        );
      }
      const who = context.principal
        ? `share the spreadsheet with ${context.principal} (Viewer)`
        : 'share the spreadsheet with the account you use, or use other credentials';
      return new AuthError(`${what}: ${reason}; ${who}`, options);
    }
    case 'not-found':
      if (context.stage === 'values') {
        return new NotFoundError(
          `${what}: spreadsheet ${context.spreadsheetId} was not found (404) after its metadata was read: it was deleted, or access to it was removed, while the export ran`,
          options,
        );
      }
      return new NotFoundError(`spreadsheet ${context.spreadsheetId} was not found (404); check the ID or URL`, options);
    case 'bad-request':
      // The API's answer for an Office file carries no reason; other refusals (an emulator's) do.
      if (f.apiStatus === 'FAILED_PRECONDITION' && reasons.length === 0) {
        return new ApiError(
          `${what}: ${reason}; ${context.spreadsheetId} is an Excel (Office) file, not a Google Sheet: open it in Google Sheets, use File > Save as Google Sheets, and export that copy`,
          options,
        );
      }
      return new ApiError(`${what}: ${reason}`, options);
    default:
      return new ApiError(`${what}: ${reason}`, options);
  }
}
