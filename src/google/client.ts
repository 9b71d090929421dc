/**
 * The Sheets API as sheetpipe needs it: credentials, one metadata read, values reads.
 *
 * Built on @googleapis/sheets with the client's own retries off: the fetch layer is the one retry
 * layer. Every failure leaves here as an HttpFailure carrying facts (status, API status, reason,
 * Retry-After, network code), never a judgement; classification happens in fetch/retry.ts.
 */
import { readFile } from 'node:fs/promises';
import type { sheets_v4 } from '@googleapis/sheets';
import { AuthError } from '../errors.js';
import type { AttemptFailure } from '../fetch/retry.js';
import type { SpreadsheetMeta } from '../resolve.js';

export const READONLY_SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';
export const DEFAULT_ENDPOINT = 'https://sheets.googleapis.com/';

const METADATA_FIELDS =
  'properties.title,sheets.properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount)),namedRanges(name,range)';

export type ValueRender = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';
export type DateRender = 'SERIAL_NUMBER' | 'FORMATTED_STRING';

export interface SheetsApi {
  getMetadata(signal: AbortSignal): Promise<SpreadsheetMeta>;
  /** The raw body of values.get for `range`; its shape is checked by the caller. */
  getValues(range: string, signal: AbortSignal): Promise<unknown>;
  /** The service account's client_email, when known: named in 403 advice. */
  readonly principal?: string;
}

export interface ClientOptions {
  spreadsheetId: string;
  /** API root; requests go to ROOT/v4/spreadsheets/... Default DEFAULT_ENDPOINT. */
  endpoint?: string;
  /** Path of a service-account or authorized-user JSON key. */
  credentials?: string;
  /** Environment consulted for GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_API_KEY. */
  env?: Record<string, string | undefined>;
  valueRender?: ValueRender;
  dateRender?: DateRender;
  /** Cancels credential loading (a token request can take a while). */
  signal?: AbortSignal;
}

/** Facts about one failed request, for the classifier. */
export class HttpFailure extends Error {
  override name = 'HttpFailure';
  constructor(readonly failure: AttemptFailure, options?: { cause?: unknown }) {
    super(failure.message ?? failure.networkCode ?? `HTTP ${failure.status ?? 'failure'}`, options);
  }
}

/** True for an endpoint on this machine: it needs no credentials. */
export function isLocalEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const CREDENTIAL_TYPES = new Set(['service_account', 'authorized_user', 'external_account', 'impersonated_service_account']);

interface LoadedCredentials {
  json: Record<string, unknown>;
  clientEmail?: string;
}

/** Reads and checks a key file; the message never quotes its content. */
export async function loadCredentialFile(path: string, origin: string): Promise<LoadedCredentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : code === 'EISDIR' ? 'is a folder' : 'cannot be read';
    throw new AuthError(`credentials file ${path} (${origin}) ${why}; point it at a service-account or authorized-user JSON key`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AuthError(`credentials file ${path} (${origin}) is not JSON; download the key again from the Google Cloud console`);
  }
  if (typeof json !== 'object' || json === null || !CREDENTIAL_TYPES.has(String((json as { type?: unknown }).type))) {
    throw new AuthError(
      `credentials file ${path} (${origin}) is JSON but not a credential: expected "type" service_account or authorized_user`,
    );
  }
  const record = json as Record<string, unknown>;
  return { json: record, clientEmail: typeof record.client_email === 'string' ? record.client_email : undefined };
}

function bodyError(data: unknown): { apiStatus?: string; reason?: string; message?: string } {
  if (typeof data !== 'object' || data === null) return {};
  const error = (data as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return {};
  const e = error as { status?: unknown; message?: unknown; details?: unknown; errors?: unknown };
  const reasons = [e.details, e.errors]
    .filter(Array.isArray)
    .flat()
    .map((d) => (typeof d === 'object' && d !== null ? (d as { reason?: unknown }).reason : undefined))
    .filter((r): r is string => typeof r === 'string');
  return {
    apiStatus: typeof e.status === 'string' ? e.status : undefined,
    reason: reasons[0],
    message: typeof e.message === 'string' ? e.message.split('\n', 1)[0] : undefined,
  };
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function networkCodeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    if (typeof code === 'string' && code.startsWith('UND_ERR')) return code;
  }
  return undefined;
}

/** Turns whatever the client library threw into an HttpFailure. */
export function toHttpFailure(error: unknown): HttpFailure {
  if (error instanceof HttpFailure) return error;
  const response = (error as { response?: { status?: number; data?: unknown; headers?: unknown } }).response;
  if (response && typeof response.status === 'number') {
    const body = bodyError(response.data);
    return new HttpFailure(
      { status: response.status, ...body, retryAfter: headerOf(response.headers, 'retry-after') },
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
  return new HttpFailure({ networkCode: networkCodeOf(error), message }, { cause: error });
}

function toMeta(data: sheets_v4.Schema$Spreadsheet): SpreadsheetMeta {
  return {
    title: data.properties?.title ?? undefined,
    sheets: (data.sheets ?? []).map((s, i) => ({
      sheetId: s.properties?.sheetId ?? 0,
      title: s.properties?.title ?? '',
      index: s.properties?.index ?? i,
      sheetType: s.properties?.sheetType ?? 'GRID',
      rowCount: s.properties?.gridProperties?.rowCount ?? 0,
      columnCount: s.properties?.gridProperties?.columnCount ?? 0,
    })),
    namedRanges: (data.namedRanges ?? []).map((n) => ({
      name: n.name ?? '',
      sheetId: n.range?.sheetId ?? 0,
      startRowIndex: n.range?.startRowIndex ?? undefined,
      endRowIndex: n.range?.endRowIndex ?? undefined,
      startColumnIndex: n.range?.startColumnIndex ?? undefined,
      endColumnIndex: n.range?.endColumnIndex ?? undefined,
    })),
  };
}

const NO_CREDENTIALS_ADVICE =
  `set GOOGLE_APPLICATION_CREDENTIALS to a service-account key, pass --credentials FILE, or run ` +
  `\`gcloud auth application-default login --scopes=${READONLY_SCOPE},https://www.googleapis.com/auth/cloud-platform\``;

/** `promise`, or the signal's reason as soon as it aborts (the promise itself cannot be cancelled). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Creates the API client. Credentials: --credentials, else GOOGLE_APPLICATION_CREDENTIALS, else
 * GOOGLE_API_KEY (public sheets), else Application Default Credentials. A local endpoint needs none.
 * The token is fetched here, once, so that a credential problem is an auth error before any read.
 */
export async function createSheetsApi(options: ClientOptions): Promise<SheetsApi> {
  const env = options.env ?? {};
  const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
  const { sheets } = await import('@googleapis/sheets');

  let auth: sheets_v4.Options['auth'];
  let principal: string | undefined;
  if (!isLocalEndpoint(endpoint)) {
    const file = options.credentials ?? env.GOOGLE_APPLICATION_CREDENTIALS;
    const apiKey = env.GOOGLE_API_KEY;
    const { GoogleAuth } = await import('google-auth-library');
    if (file) {
      const loaded = await loadCredentialFile(file, options.credentials ? '--credentials' : 'GOOGLE_APPLICATION_CREDENTIALS');
      principal = loaded.clientEmail;
      auth = new GoogleAuth({ credentials: loaded.json, scopes: [READONLY_SCOPE] });
    } else if (apiKey) {
      auth = apiKey;
    } else {
      auth = new GoogleAuth({ scopes: [READONLY_SCOPE] });
    }
    if (auth instanceof GoogleAuth) {
      try {
        const client = await untilAborted(auth.getClient(), options.signal);
        await untilAborted(client.getAccessToken(), options.signal);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const failure = toHttpFailure(error).failure;
        const detail = failure.status !== undefined ? ` (the token endpoint answered ${failure.status})` : '';
        throw new AuthError(
          file
            ? `could not get an access token with ${file}${detail}; check that the key is current and not revoked`
            : `no Google credentials found${detail}; ${NO_CREDENTIALS_ADVICE}`,
          { cause: error },
        );
      }
    }
  }

  const api = sheets({ version: 'v4', rootUrl: endpoint, auth, retry: false });
  const spreadsheetId = options.spreadsheetId;
  const valueRenderOption = options.valueRender ?? 'FORMATTED_VALUE';
  const dateTimeRenderOption = options.valueRender === 'UNFORMATTED_VALUE' ? (options.dateRender ?? 'SERIAL_NUMBER') : undefined;

  return {
    principal,
    async getMetadata(signal) {
      try {
        const res = await api.spreadsheets.get({ spreadsheetId, fields: METADATA_FIELDS, includeGridData: false, prettyPrint: false }, { signal, retry: false });
        // Every spreadsheet has a tab: an answer without `sheets` is spoilt, not an empty spreadsheet.
        if (typeof res.data !== 'object' || res.data === null || !Array.isArray(res.data.sheets)) {
          throw new HttpFailure({ status: 200, malformed: true, message: 'the metadata answer has no "sheets"' });
        }
        return toMeta(res.data);
      } catch (error) {
        throw toHttpFailure(error);
      }
    },
    async getValues(range, signal) {
      try {
        const res = await api.spreadsheets.values.get(
          // prettyPrint: the API indents its JSON by default, which inflates a values answer severalfold.
          { spreadsheetId, range, majorDimension: 'ROWS', valueRenderOption, dateTimeRenderOption, prettyPrint: false },
          { signal, retry: false },
        );
        return res.data;
      } catch (error) {
        throw toHttpFailure(error);
      }
    },
  };
}
