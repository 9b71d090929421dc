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
  oneLine,
  redact,
} from '../src/errors.js';

const TOKEN = 'ya29.a0AfB_byC-Secret_Token.1234567890abcdef';
const OPAQUE = 'opaqueBearerTokenXYZ987';
const API_KEY = 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY';
const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nabcDEF123+/=\n-----END PRIVATE KEY-----\n';

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
    ['a JSON-escaped private key', `{"private_key":"${PRIVATE_KEY.replaceAll('\n', '\\n')}"}`, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'],
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
  ] as const)('%s has its name, code and exit code', (error, name, code, exitCode) => {
    expect(error).toBeInstanceOf(SheetpipeError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(exitCode);
  });

  it('the exit code table', () => {
    expect(ExitCode).toEqual({ ok: 0, failed: 1, usage: 2, auth: 3, notFound: 4, unavailable: 5, sighup: 129, sigint: 130, sigterm: 143 });
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
