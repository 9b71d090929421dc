/**
 * Errors in the API's shape: `{"error":{"code","message","status","details"?}}`. As with the real
 * API, `details` is present only when there are details.
 */

const STATUS_BY_CODE: Record<number, [status: string, message: string]> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: [
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  ],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'Requested entity was not found.'],
  405: ['UNIMPLEMENTED', 'Method not allowed.'],
  409: ['ABORTED', 'The operation was aborted.'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  500: ['INTERNAL', 'Internal error encountered.'],
  501: ['UNIMPLEMENTED', 'Operation is not implemented, or supported, or enabled.'],
  503: ['UNAVAILABLE', 'The service is currently unavailable.'],
  504: ['DEADLINE_EXCEEDED', 'The request deadline was exceeded.'],
};

/** An answer that is an API error; thrown inside the server and turned into a response. */
export class ApiFailure extends Error {
  override name = 'ApiFailure';
  readonly status: string;

  constructor(
    readonly code: number,
    message?: string,
    readonly details?: unknown[],
    readonly headers: Record<string, string> = {},
  ) {
    const [status, defaultMessage] = STATUS_BY_CODE[code] ?? [code >= 500 ? 'UNKNOWN' : 'FAILED_PRECONDITION', `HTTP ${code}`];
    super(message ?? defaultMessage);
    this.status = status;
  }

  body(): string {
    const error: Record<string, unknown> = { code: this.code, message: this.message, status: this.status };
    if (this.details && this.details.length > 0) error.details = this.details;
    return JSON.stringify({ error });
  }
}

function badRequest(field: string, description: string): ApiFailure {
  return new ApiFailure(400, description, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description }] },
  ]);
}

export function unableToParseRange(range: string): ApiFailure {
  return new ApiFailure(400, `Unable to parse range: ${range}`);
}

export function exceedsGridLimits(range: string, rowCount: number, columnCount: number): ApiFailure {
  return new ApiFailure(400, `Range (${range}) exceeds grid limits. Max rows: ${rowCount}, max columns: ${columnCount}`);
}

export function invalidEnum(param: string, value: string): ApiFailure {
  const field = param.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
  const type = param.charAt(0).toUpperCase() + param.slice(1);
  return badRequest(field, `Invalid value at '${field}' (type.googleapis.com/google.apps.sheets.v4.${type}), "${value}"`);
}

export function unknownParameter(name: string): ApiFailure {
  return badRequest(
    name,
    `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
  );
}

export function invalidFieldMask(mask: string, why: string): ApiFailure {
  return badRequest('fields', `Invalid field selection "${mask}": ${why}`);
}

/** The details of a 429 for the per-minute read quota. */
export function rateLimitDetails(limit: number): unknown[] {
  return [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'RATE_LIMIT_EXCEEDED',
      domain: 'googleapis.com',
      metadata: {
        service: 'sheets.googleapis.com',
        quota_metric: 'sheets.googleapis.com/read_requests',
        quota_limit: 'ReadRequestsPerMinutePerUser',
        quota_limit_value: String(limit),
        quota_location: 'global',
      },
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Request a higher quota limit.', url: 'https://cloud.google.com/docs/quotas/help/request_increase' }],
    },
  ];
}

export const RATE_LIMIT_MESSAGE =
  "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com'.";

export function rateLimited(limit: number, retryAfterSeconds: number): ApiFailure {
  return new ApiFailure(429, RATE_LIMIT_MESSAGE, rateLimitDetails(limit), { 'retry-after': String(retryAfterSeconds) });
}
