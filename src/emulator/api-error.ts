/**
 * Errors in the API's shape: `{"error":{"code","message","errors"?,"status","details"?}}`. As with
 * the real API, `details` is present only when there are details, and the legacy `errors[]` only
 * on the answers that still carry it (401).
 */

const STATUS_BY_CODE: Record<number, [status: string, message: string]> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: [
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  ],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'Requested entity was not found.'],
  409: ['ABORTED', 'The operation was aborted.'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  500: ['INTERNAL', 'Internal error encountered.'],
  501: ['UNIMPLEMENTED', 'Operation is not implemented, or supported, or enabled.'],
  503: ['UNAVAILABLE', 'The service is currently unavailable.'],
  504: ['DEADLINE_EXCEEDED', 'The request deadline was exceeded.'],
};

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
/** The ErrorInfo domain of the answers that are the emulator's own, not the API's. */
const EMULATOR_DOMAIN = 'sheetpipe-emulator';

export interface FailureParts {
  /** Default: the API's message for the code. */
  message?: string;
  /** Default: the API's status for the code. */
  status?: string;
  details?: unknown[];
  /** The legacy `errors[]` list. */
  errors?: unknown[];
  headers?: Record<string, string>;
}

/** An answer that is an API error; thrown inside the server and turned into a response. */
export class ApiFailure extends Error {
  override name = 'ApiFailure';
  readonly status: string;
  readonly details: readonly unknown[];
  readonly errors: readonly unknown[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: number,
    parts: FailureParts = {},
  ) {
    const [status, defaultMessage] = STATUS_BY_CODE[code] ?? [code >= 500 ? 'UNKNOWN' : 'FAILED_PRECONDITION', `HTTP ${code}`];
    super(parts.message ?? defaultMessage);
    this.status = parts.status ?? status;
    this.details = parts.details ?? [];
    this.errors = parts.errors ?? [];
    this.headers = parts.headers ?? {};
  }

  /** The body as an object, keys in the API's order. */
  toJSON(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.errors.length > 0) error.errors = this.errors;
    error.status = this.status;
    if (this.details.length > 0) error.details = this.details;
    return { error };
  }
}

/**
 * A request for something the emulator does not hold (grid data, formats, writes, other routes).
 *
 * 400 FAILED_PRECONDITION, not 501 UNIMPLEMENTED: the usual clients retry every 5xx (gaxios and
 * googleapis retry 5xx including 501; gspread and ky retry subsets of 5xx), so a 501 would be
 * retried with backoff before the client gives up; no client retries a 400. The ErrorInfo reason
 * lets code tell this answer from the API's own 400s.
 */
export class NotServed extends ApiFailure {
  override name = 'NotServed';

  constructor(what: string, served: string) {
    super(400, {
      message: `sheetpipe emulator does not serve ${what}; ${served}`,
      status: 'FAILED_PRECONDITION',
      details: [{ '@type': ERROR_INFO, reason: 'NOT_SERVED_BY_EMULATOR', domain: EMULATOR_DOMAIN }],
    });
  }
}

/** An exception in the emulator's own code: named so that it cannot pass for a transient 500. */
export function internalError(error: unknown): ApiFailure {
  const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ApiFailure(500, {
    message: `emulator internal error: ${why}`,
    details: [{ '@type': ERROR_INFO, reason: 'EMULATOR_INTERNAL_ERROR', domain: EMULATOR_DOMAIN }],
  });
}

/** The API's 400 for one bad request field: the description is the message and the field's violation. */
export function badRequest(field: string, description: string): ApiFailure {
  return new ApiFailure(400, {
    message: description,
    details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description }] }],
  });
}

export function unableToParseRange(range: string): ApiFailure {
  return new ApiFailure(400, { message: `Unable to parse range: ${range}` });
}

export function exceedsGridLimits(range: string, rowCount: number, columnCount: number): ApiFailure {
  return new ApiFailure(400, { message: `Range (${range}) exceeds grid limits. Max rows: ${rowCount}, max columns: ${columnCount}` });
}

/** A query parameter as the API names it in errors: `valueRenderOption` → `value_render_option`. */
function snakeCase(param: string): string {
  return param.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
}

export function invalidEnum(param: string, value: string): ApiFailure {
  const field = snakeCase(param);
  const type = param.charAt(0).toUpperCase() + param.slice(1);
  return badRequest(field, `Invalid value at '${field}' (type.googleapis.com/google.apps.sheets.v4.${type}), "${value}"`);
}

export function invalidBool(param: string, value: string): ApiFailure {
  const field = snakeCase(param);
  return badRequest(field, `Invalid value at '${field}' (TYPE_BOOL), "${value}"`);
}

export function unknownParameter(name: string): ApiFailure {
  return badRequest(
    name,
    `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
  );
}

/** An `alt` that is none of the response formats Google's system parameters list. */
export function invalidAlt(value: string): ApiFailure {
  return badRequest('alt', `Invalid value at 'alt', "${value}": alt is json (the default), media, proto or sse`);
}

export function invalidFieldMask(mask: string, why: string): ApiFailure {
  return badRequest('fields', `Invalid field selection "${mask}": ${why}`);
}

/** The project number in the quota answers: the emulator has no project, so any fixed one does. */
const EMULATOR_PROJECT_NUMBER = '123456789012';

const RATE_LIMIT_MESSAGE =
  "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service " +
  `'sheets.googleapis.com' for consumer 'project_number:${EMULATOR_PROJECT_NUMBER}'.`;

/** The one detail of a 429 for the per-minute read quota, as the API sends it. */
const RATE_LIMIT_DETAILS: readonly unknown[] = [
  {
    '@type': ERROR_INFO,
    reason: 'RATE_LIMIT_EXCEEDED',
    domain: 'googleapis.com',
    metadata: {
      service: 'sheets.googleapis.com',
      consumer: `projects/${EMULATOR_PROJECT_NUMBER}`,
      quota_metric: 'sheets.googleapis.com/read_requests',
      quota_limit: 'ReadRequestsPerMinutePerUser',
    },
  },
];

/**
 * A quota 429. The API's own carry no Retry-After; `retryAfterSeconds` adds one for tests of
 * clients that honour it.
 */
export function rateLimited(retryAfterSeconds?: number | string, message = RATE_LIMIT_MESSAGE): ApiFailure {
  const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  return new ApiFailure(429, { message, details: [...RATE_LIMIT_DETAILS], headers });
}

/** A bearer token that is not one the emulator accepts: the API's 401, legacy `errors[]` included. */
export function invalidCredentials(): ApiFailure {
  return new ApiFailure(401, {
    errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  });
}

/** No credentials at all, where some are required. */
export function missingCredentials(): ApiFailure {
  return new ApiFailure(403, { message: 'The request is missing a valid API key.' });
}

export function invalidApiKey(): ApiFailure {
  return new ApiFailure(400, {
    message: 'API key not valid. Please pass a valid API key.',
    details: [{ '@type': ERROR_INFO, reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'sheets.googleapis.com' } }],
  });
}
