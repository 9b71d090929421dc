import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthError,
  BrokenPipe,
  ExitCode,
  InterruptedError,
  NotFoundError,
  OutputError,
  SheetpipeError,
  UnavailableError,
  UsageError,
  ConnectionError,
  InternalError,
  SheetMovedError,
  oneLine,
  redact,
} from '../src/shared/errors.js';
import { times } from '../src/shared/plural.js';
import { type FinalFailure, finalError } from '../src/fetch/final-error.js';
import { classify, describeFailure } from '../src/fetch/retry.js';
import type { AttemptFailure } from '../src/google/failure.js';

const TOKEN = 'ya29.a0AfB_byC-Secret_Token.1234567890abcdef';
const OPAQUE = 'opaqueBearerTokenXYZ987';
const API_KEY = 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY';
const PRIVATE_KEY =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nabcDEF123+/=\n-----END PRIVATE KEY-----\n';

describe('redact', () => {
  it.each([
    ['Authorization header', `Authorization: Bearer ${OPAQUE}`, OPAQUE],
    ['lower-case header', `authorization: bearer ${OPAQUE}`, OPAQUE],
    ['header with =', `authorization=Bearer ${OPAQUE}`, OPAQUE],
    ['Basic credentials', 'Authorization: Basic dXNlcjpodW50ZXIy', 'dXNlcjpodW50ZXIy'],
    ['a JSON-serialised header object', `{"headers":{"Authorization":"Bearer ${OPAQUE}"}}`, OPAQUE],
    ['an inspected header object', `headers: { Authorization: 'Bearer ${OPAQUE}' }`, OPAQUE],
    ['a bare Bearer token', `retrying with Bearer ${OPAQUE} failed`, OPAQUE],
    ['a ya29 OAuth token anywhere', `request failed with token ${TOKEN} attached`, TOKEN],
    ['a ya29 token in an Authorization header', `Authorization: Bearer ${TOKEN}`, 'Secret_Token'],
    ['an API key', `GET https://sheets.googleapis.com/v4/spreadsheets/x?alt=json&key=${API_KEY}`, API_KEY],
    ['an API key alone', `the key ${API_KEY} is invalid`, API_KEY],
    ['a key= query parameter that is not AIza', 'https://example.com/v4/x?key=plainsecret123&alt=json', 'plainsecret123'],
    ['an access_token query parameter', 'https://example.com/x?alt=json&access_token=tok_abc_123', 'tok_abc_123'],
    ['a PEM private key', `key file content: ${PRIVATE_KEY} end`, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'],
    [
      'a JSON-escaped private key',
      `{"private_key":"${PRIVATE_KEY.replaceAll('\n', '\\n')}"}`,
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
    ],
    ['a truncated private key', `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtruncated`, 'MIIEowIBAAKCAQEAtruncated'],
    ['a refresh_token field', '{"type":"authorized_user","refresh_token":"1//0gRefreshSecret"}', '1//0gRefreshSecret'],
    ['a client_secret field', '{"client_secret": "GOCSPX-clientsecret"}', 'GOCSPX-clientsecret'],
  ])('removes %s', (_name, text, secret) => {
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).toMatch(/redacted/);
  });

  it('leaves ordinary text alone', () => {
    const text = "chunk 12/40 ('Data'!A2201:Z2400) timed out after 30 s (attempt 3/5); the key column is B";
    expect(redact(text)).toBe(text);
  });

  it('keeps the text around a secret', () => {
    expect(redact(`before ${TOKEN} after`)).toBe('before <redacted-token> after');
    expect(redact(`x?key=${API_KEY}&alt=json`)).toContain('&alt=json');
  });
});

describe('error classes', () => {
  it.each([
    [new SheetpipeError('m'), 'SheetpipeError', 'SHEETPIPE_ERROR', 1],
    [new UsageError('m'), 'UsageError', 'SHEETPIPE_USAGE', 2],
    [new AuthError('m'), 'AuthError', 'SHEETPIPE_AUTH', 3],
    [new NotFoundError('m'), 'NotFoundError', 'SHEETPIPE_NOT_FOUND', 4],
    [new UnavailableError('m'), 'UnavailableError', 'SHEETPIPE_UNAVAILABLE', 5],
    [new OutputError('m'), 'OutputError', 'SHEETPIPE_OUTPUT', 1],
    [new ApiError('m'), 'ApiError', 'SHEETPIPE_API', 1],
    [new InterruptedError('SIGINT'), 'InterruptedError', 'SHEETPIPE_INTERRUPTED', 130],
    [new InterruptedError('SIGTERM'), 'InterruptedError', 'SHEETPIPE_INTERRUPTED', 143],
    [new BrokenPipe(), 'BrokenPipe', 'SHEETPIPE_BROKEN_PIPE', 0],
    [
      new SheetMovedError({ kind: 'changed', range: "'D'!A1:B9", row: 4, earlier: 'chunk 1/2', later: 'chunk 2/2' }),
      'SheetMovedError',
      'SHEETPIPE_SHEET_MOVED',
      6,
    ],
  ] as const)('%s has its name, code and exit code', (error, name, code, exitCode) => {
    expect(error).toBeInstanceOf(SheetpipeError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(exitCode);
  });

  it('the exit code table', () => {
    expect(ExitCode).toEqual({
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
    });
  });

  it('every family redacts its message and keeps the cause', () => {
    const cause = new Error('socket hang up');
    for (const Family of [SheetpipeError, UsageError, AuthError, NotFoundError, UnavailableError, OutputError, ApiError]) {
      const error = new Family(`failed with Authorization: Bearer ${OPAQUE} and ${TOKEN}`, { cause });
      expect(error.message).not.toContain(OPAQUE);
      expect(error.message).not.toContain(TOKEN);
      expect(error.cause).toBe(cause);
    }
  });

  it('InterruptedError names the signal', () => {
    expect(new InterruptedError('SIGINT').message).toContain('SIGINT');
    expect(new InterruptedError('SIGTERM').signal).toBe('SIGTERM');
  });
});

describe('oneLine', () => {
  it('keeps the first line, redacted and trimmed', () => {
    expect(oneLine(`  token ${TOKEN} failed \nstack line 1\n  at x`)).toBe('token <redacted-token> failed');
    expect(oneLine('first\r\nsecond')).toBe('first');
    expect(oneLine('')).toBe('');
  });
});

describe('finalError: what failed, and the fix that matches it', () => {
  const context = {
    what: "chunk 2/9 ('Data'!A2:C9)",
    stage: 'values',
    spreadsheetId: 'SHEET_ID_123',
    host: 'sheets.googleapis.com',
  } as const;
  const metadata = { ...context, what: 'reading spreadsheet SHEET_ID_123', stage: 'metadata' } as const;
  const final = (failure: AttemptFailure, attempts = 1, exhausted = false): FinalFailure => ({
    classification: classify(failure),
    failure,
    attempts,
    exhausted,
    reason: describeFailure(failure, 30_000),
  });
  const cases: [string, FinalFailure, typeof SheetpipeError, RegExp][] = [
    [
      'quota 429s',
      final({ status: 429, apiStatus: 'RESOURCE_EXHAUSTED' }, 6, true),
      UnavailableError,
      /was refused for quota 6 times .*; lower --max-rpm/,
    ],
    [
      '5xx',
      final({ status: 503, apiStatus: 'UNAVAILABLE' }, 6, true),
      UnavailableError,
      /failed 6 times \(last: 503 UNAVAILABLE\); the API stayed unavailable, rerun later$/,
    ],
    [
      'timeouts',
      final({ timedOut: true }, 2, true),
      UnavailableError,
      /timed out 2 times \(last: timed out after 30 s\); raise --timeout or lower --chunk-rows$/,
    ],
    [
      'resets',
      final({ networkCode: 'ECONNRESET', host: 'h:1' }, 3, true),
      UnavailableError,
      /the connection to h:1 broke 3 times .*check the network/,
    ],
    [
      'malformed answers',
      final({ malformed: true, message: 'x' }, 1, true),
      UnavailableError,
      /answered once with something that is not a Sheets API answer/,
    ],
    [
      'a refused connection',
      final({ networkCode: 'ECONNREFUSED', host: '127.0.0.1:9' }),
      ConnectionError,
      /^cannot connect to 127\.0\.0\.1:9: the connection was refused \(ECONNREFUSED\); check --endpoint/,
    ],
    [
      'a DNS failure',
      final({ networkCode: 'ENOTFOUND', host: 'sheets.invalid' }),
      ConnectionError,
      /^cannot connect to sheets\.invalid: the DNS lookup failed \(ENOTFOUND\); check the network, the proxy settings or --endpoint$/,
    ],
    [
      'a TLS failure',
      final({ networkCode: 'CERT_HAS_EXPIRED', host: 'h' }),
      ConnectionError,
      /the TLS handshake failed \(CERT_HAS_EXPIRED\)/,
    ],
    [
      'a bug',
      final({ internal: true, message: 'x is not a function' }),
      InternalError,
      /^internal error while chunk 2\/9 .*: x is not a function \(rerun with --verbose/,
    ],
    [
      'the scope is missing (ErrorInfo)',
      final({ status: 403, apiStatus: 'PERMISSION_DENIED', reasons: ['ACCESS_TOKEN_SCOPE_INSUFFICIENT'] }),
      AuthError,
      /lack the spreadsheets\.readonly scope: .*gcloud auth application-default login --scopes=/,
    ],
    [
      'the scope is missing (legacy)',
      final({ status: 403, reasons: ['insufficientPermissions'] }),
      AuthError,
      /lack the spreadsheets\.readonly scope/,
    ],
    [
      'a bad API key',
      final({ status: 400, apiStatus: 'INVALID_ARGUMENT', reasons: ['API_KEY_INVALID'] }),
      AuthError,
      /the API key was refused: check GOOGLE_API_KEY/,
    ],
    ['the API is disabled (ErrorInfo)', final({ status: 403, reasons: ['SERVICE_DISABLED'] }), AuthError, /enable the Google Sheets API/],
    ['the API is disabled (legacy)', final({ status: 403, reasons: ['accessNotConfigured'] }), AuthError, /enable the Google Sheets API/],
    ['no permission', final({ status: 403, apiStatus: 'PERMISSION_DENIED' }), AuthError, /share the spreadsheet with the account you use/],
    ['refused credentials', final({ status: 401, apiStatus: 'UNAUTHENTICATED' }), AuthError, /the credentials were refused: refresh them/],
    [
      'not found after the metadata was read',
      final({ status: 404, apiStatus: 'NOT_FOUND' }),
      NotFoundError,
      /^chunk 2\/9 \('Data'!A2:C9\): spreadsheet SHEET_ID_123 was not found \(404\) after its metadata was read: it was deleted, or access to it was removed, while the export ran$/,
    ],
    [
      'a proxy that refuses',
      final({ networkCode: 'ECONNREFUSED', host: 'sheets.googleapis.com', proxy: 'proxy.example:3128' }),
      ConnectionError,
      /^cannot connect to the proxy proxy\.example:3128 \(on the way to sheets\.googleapis\.com\): the connection was refused \(ECONNREFUSED\); check HTTPS_PROXY and NO_PROXY$/,
    ],
    [
      "a TLS failure through a proxy is the API host's",
      final({ networkCode: 'CERT_HAS_EXPIRED', host: 'h', proxy: 'p:1' }),
      ConnectionError,
      /^cannot connect to h: the TLS handshake failed/,
    ],
    [
      'an answer refused after its first rows were written',
      final({ malformed: true, message: 'x' }),
      UnavailableError,
      /not a Sheets API answer .*; rerun, or lower --chunk-rows so that each answer is checked whole before it is written$/,
    ],
    [
      'an Office file',
      final({ status: 400, apiStatus: 'FAILED_PRECONDITION', message: 'This operation is not supported for this document' }),
      ApiError,
      /is an Excel \(Office\) file, not a Google Sheet/,
    ],
    [
      'another FAILED_PRECONDITION',
      final({ status: 400, apiStatus: 'FAILED_PRECONDITION', reasons: ['NOT_SERVED_BY_EMULATOR'], message: 'not served' }),
      ApiError,
      /: 400 FAILED_PRECONDITION not served$/,
    ],
  ];
  it.each(cases)('%s', (_name, failed, Family, message) => {
    const error = finalError(failed, context);
    expect(error).toBeInstanceOf(Family);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });
  it('a 404 on the metadata request: the ID or URL', () => {
    const error = finalError(final({ status: 404, apiStatus: 'NOT_FOUND' }), metadata);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('spreadsheet SHEET_ID_123 was not found (404); check the ID or URL');
  });
  it('names the service account in sharing advice', () => {
    const error = finalError(final({ status: 403 }), { ...context, principal: 'bot@p.iam.gserviceaccount.com' });
    expect(error.message).toContain('share the spreadsheet with bot@p.iam.gserviceaccount.com (Viewer)');
  });
  it('says once, 2 times', () => {
    expect([times(1), times(2), times(7)]).toEqual(['once', '2 times', '7 times']);
  });
});
