/**
 * Credentials end to end through nock: a service-account key signs a JWT asking for the read-only
 * scope only, the token it gets is sent to the API, and a 403 names the account to share with.
 * No token, key or secret appears in any message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSpreadsheetMeta } from '../src/engine/run.js';
import { AuthError } from '../src/shared/errors.js';
import { READONLY_SCOPE } from '../src/google/auth.js';
import { createSheetsApi } from '../src/google/api.js';
import { HttpFailure } from '../src/google/failure.js';

const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';
const TOKEN = 'ya29.PLANTED-SECRET-token-value';
const EMAIL = 'reader@sheetpipe-test.iam.gserviceaccount.com';
let dir: string;
let keyFile: string;
let privateKey: string;

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

beforeAll(() => {
  nock.disableNetConnect();
  dir = mkdtempSync(join(tmpdir(), 'sheetpipe-auth-'));
  privateKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  keyFile = join(dir, 'key.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'sheetpipe-test',
      private_key_id: 'PLANTED-SECRET-key-id',
      private_key: privateKey,
      client_email: EMAIL,
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
});

afterEach(() => {
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
  rmSync(dir, { recursive: true, force: true });
});

function expectNoSecret(text: string): void {
  expect(text).not.toContain('PLANTED-SECRET');
  expect(text).not.toContain('PRIVATE KEY');
  expect(text).not.toContain(privateKey.split('\n')[1] as string);
}

describe('service-account credentials', () => {
  it('ask for spreadsheets.readonly only, send the token, and a 403 says whom to share with', async () => {
    let assertion = '';
    const oauth = nock('https://oauth2.googleapis.com')
      .post('/token', (body: Record<string, string>) => {
        assertion = body.assertion ?? '';
        return true;
      })
      .reply(200, { access_token: TOKEN, expires_in: 3600, token_type: 'Bearer' });
    let authorization: string | undefined;
    const api = nock('https://sheets.googleapis.com')
      .get(new RegExp(`^/v4/spreadsheets/${ID}\\?`))
      .reply(function () {
        authorization = String(this.req.headers.authorization);
        return [403, { error: { code: 403, status: 'PERMISSION_DENIED', message: 'The caller does not have permission' } }];
      });

    const error = await readSpreadsheetMeta({ spreadsheet: ID, credentials: keyFile, env: {}, maxRpm: 0, retries: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );

    oauth.done();
    api.done();
    expect(decodeJwtPayload(assertion).scope).toBe(READONLY_SCOPE);
    expect(authorization).toBe(`Bearer ${TOKEN}`);
    expect(error).toBeInstanceOf(AuthError);
    const message = (error as AuthError).message;
    expect((error as AuthError).exitCode).toBe(3);
    expect(message).toContain(`share the spreadsheet with ${EMAIL}`);
    expectNoSecret(message);
  });

  it('a refused token request is an auth error naming the file, not the key', async () => {
    nock('https://oauth2.googleapis.com')
      .post('/token')
      .reply(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    const error = await readSpreadsheetMeta({ spreadsheet: ID, credentials: keyFile, env: {}, maxRpm: 0, retries: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    const message = (error as AuthError).message;
    expect(message).toMatch(
      /^could not get an access token with .*key\.json \(the token endpoint answered 400\); check that the key is current and not revoked$/,
    );
    expectNoSecret(message);
  });

  it('GOOGLE_API_KEY is sent as the x-goog-api-key header, never in the URL, and never shown', async () => {
    const key = 'AIzaPLANTED-SECRET-0123456789abcdefghij';
    let url = '';
    let header: unknown;
    let authorization: unknown;
    nock('https://sheets.googleapis.com')
      .get(/^\/v4\/spreadsheets\//)
      .reply(function (uri) {
        url = uri;
        header = this.req.headers['x-goog-api-key'];
        authorization = this.req.headers.authorization;
        return [404, { error: { code: 404, status: 'NOT_FOUND', message: `Requested entity was not found. key=${key}` } }];
      });
    const error = await readSpreadsheetMeta({ spreadsheet: ID, env: { GOOGLE_API_KEY: key }, maxRpm: 0, retries: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(header).toBe(key);
    expect(authorization).toBeUndefined();
    expect(url).not.toContain(key);
    expect(new URL(url, 'https://x').searchParams.has('key')).toBe(false);
    expect((error as { exitCode?: number }).exitCode).toBe(4);
    expectNoSecret(String((error as Error).message));
  });

  it('each request asks the client for its headers: a token near expiry is refreshed before the request', async () => {
    const tokens = [`${TOKEN}-first`, `${TOKEN}-second`];
    // Google's client refreshes a token within minutes of expiry: one that lasts 10 s is stale at once.
    const oauth = nock('https://oauth2.googleapis.com')
      .post('/token')
      .times(2)
      .reply(() => [200, { access_token: tokens.shift(), expires_in: tokens.length === 1 ? 10 : 3600, token_type: 'Bearer' }]);
    const seen: string[] = [];
    nock('https://sheets.googleapis.com')
      .get(/^\/v4\/spreadsheets\//)
      .times(2)
      .reply(function () {
        seen.push(String(this.req.headers.authorization));
        return [200, { sheets: [] }];
      });
    const api = await createSheetsApi({ spreadsheetId: ID, credentials: keyFile, env: {} });
    try {
      await api.getMetadata(new AbortController().signal);
      await api.getMetadata(new AbortController().signal);
    } finally {
      api.close();
    }
    oauth.done();
    expect(seen).toEqual([`Bearer ${TOKEN}-second`, `Bearer ${TOKEN}-second`]);
    expect(api.principal).toBe(EMAIL);
    expect(api.host).toBe('sheets.googleapis.com');
  });

  it("a refresh that fails mid-run is an HttpFailure in the credentials phase, with the token endpoint's status", async () => {
    nock('https://oauth2.googleapis.com')
      .post('/token')
      .reply(200, { access_token: TOKEN, expires_in: 10, token_type: 'Bearer' })
      .post('/token')
      .reply(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    const api = await createSheetsApi({ spreadsheetId: ID, credentials: keyFile, env: {} });
    const error = await api.getMetadata(new AbortController().signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    api.close();
    expect(error).toBeInstanceOf(HttpFailure);
    const f = (error as HttpFailure).failure;
    expect(f).toMatchObject({ phase: 'credentials', tokenStatus: 400, host: 'sheets.googleapis.com' });
    expect(f.status).toBeUndefined();
    expect(f.message).toMatch(/^could not refresh the access token: /);
    expectNoSecret(String(f.message));
  });
});
