/**
 * Bad credentials end to end, and a planted secret that must never reach any output stream.
 *
 * Every credential file written here carries key material and a client secret marked
 * PLANTED-SECRET, and GOOGLE_API_KEY holds a planted key wherever the path allows; the harness's
 * collect() throws if any stdout or stderr of any run contains the marker. The endpoint looks remote
 * (https://sheets.example.invalid/), so credentials are required; every case here fails before a
 * request is sent, so no network is needed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, PLANTED_SECRET, describeResult, runCli } from '../e2e/harness.js';
import { CA_FILE, type Running, TEST_HOST, startConnectProxy, startTlsFront } from '../support/tls.js';
import { type FaultEmulator, expectExit, mixedTab, runWithEnv, startFaultEmulator } from './helpers.js';

const REMOTE = ['--endpoint', 'https://sheets.example.invalid/', 'abcdefghijklmnopqrstuvwxyz', '--max-rpm', '0'];
const PEM = `-----BEGIN PRIVATE KEY-----\n${PLANTED_SECRET}-pem-MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ\n-----END PRIVATE KEY-----\n`;
const API_KEY = `AIza${PLANTED_SECRET}-0123456789abcdefghij`;
const ENV = { GOOGLE_API_KEY: API_KEY };

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sheetpipe-inputs-'));
  writeFileSync(file('not-json.json'), `${PEM}client_secret=${PLANTED_SECRET}-cs\n`);
  writeFileSync(file('empty.json'), '');
  writeFileSync(
    file('not-a-credential.json'),
    JSON.stringify({
      type: 'oauth_client',
      client_id: 'x.apps.googleusercontent.com',
      client_secret: `${PLANTED_SECRET}-cs`,
      private_key: PEM,
    }),
  );
  writeFileSync(file('array.json'), JSON.stringify([{ type: 'service_account', private_key: PEM, client_secret: `${PLANTED_SECRET}-cs` }]));
  writeFileSync(
    file('broken-key.json'),
    JSON.stringify({
      type: 'service_account',
      project_id: 'p',
      private_key_id: `${PLANTED_SECRET}-id`,
      private_key: PEM,
      client_email: 'reader@p.iam.gserviceaccount.com',
      token_uri: 'https://oauth2.example.invalid/token',
    }),
  );
  mkdirSync(file('a-folder'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectClean(r: CliResult): void {
  expect(r.stdout, describeResult(r)).toBe('');
  expect(r.stderr).not.toContain(PLANTED_SECRET);
  expect(r.stderr).not.toContain('PRIVATE KEY-----\n');
}

const FILES = [
  ['missing.json', 'does not exist'],
  ['not-json.json', 'is not JSON'],
  ['empty.json', 'is not JSON'],
  ['not-a-credential.json', 'is JSON but not a credential'],
  ['array.json', 'is JSON but not a credential'],
  ['a-folder', 'is a folder'],
] as const;

describe.concurrent('a bad credentials file → exit 3, one line that says which file, from where, and what is wrong', () => {
  it.each(FILES)('--credentials %s: %s', async (name, why) => {
    const r = await runWithEnv([...REMOTE, '--credentials', file(name)], ENV);
    expectExit(r, 3);
    expectClean(r);
    expect(r.stderr).toBe(
      `sheetpipe: credentials file ${file(name)} (--credentials) ${why}; ${why === 'is not JSON' ? 'download the key again from the Google Cloud console' : why === 'is JSON but not a credential' ? 'expected "type" service_account or authorized_user' : 'point it at a service-account or authorized-user JSON key'}\n`.replace(
        'is JSON but not a credential; expected',
        'is JSON but not a credential: expected',
      ),
    );
  });

  it.each(FILES)('GOOGLE_APPLICATION_CREDENTIALS=%s: %s', async (name, why) => {
    const r = await runWithEnv(REMOTE, { ...ENV, GOOGLE_APPLICATION_CREDENTIALS: file(name) });
    expectExit(r, 3);
    expectClean(r);
    expect(r.stderr).toMatch(
      new RegExp(
        `^sheetpipe: credentials file ${file(name).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(GOOGLE_APPLICATION_CREDENTIALS\\) ${why}[;:] [^\\n]+\\n$`,
      ),
    );
  });

  it.each(FILES)('--verbose, --credentials %s: still exit 3 and no secret', async (name) => {
    const r = await runWithEnv([...REMOTE, '--credentials', file(name), '--verbose'], ENV);
    expectExit(r, 3);
    expectClean(r);
  });

  it.each([[[]], [['--verbose']]])('a service-account key whose private key is not a key %j: exit 3, no secret', async (extra) => {
    const r = await runWithEnv([...REMOTE, '--credentials', file('broken-key.json'), ...extra], ENV);
    expectExit(r, 3);
    expectClean(r);
    expect(r.stderr).toMatch(
      /^sheetpipe: could not get an access token with .*broken-key\.json; check that the key is current and not revoked\n/,
    );
  });

  // A local endpoint needs no credentials, but a key path given is still checked: a cron line tried
  // against the emulator must fail there, not first in production. Nothing listens on port 9, so a
  // run that skipped the check would end in a connection failure (exit 5), not exit 3.
  it.each(FILES)('--credentials %s on a local endpoint: %s, exit 3 before any connection', async (name, why) => {
    const r = await runWithEnv(
      ['--endpoint', 'http://127.0.0.1:9/', 'abcdefghijklmnopqrstuvwxyz', '--retries', '0', '--credentials', file(name)],
      ENV,
    );
    expectExit(r, 3);
    expectClean(r);
    expect(r.stderr).toMatch(
      new RegExp(
        `^sheetpipe: credentials file ${file(name).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(--credentials\\) ${why}[;:] [^\\n]+\\n$`,
      ),
    );
  });

  it('`sheets` with a bad credentials file: exit 3 too', async () => {
    const r = await runWithEnv(['sheets', ...REMOTE, '--credentials', file('not-a-credential.json')], ENV);
    expectExit(r, 3);
    expectClean(r);
    expect(r.stderr).toMatch(/\(--credentials\) is JSON but not a credential/);
  });
});

describe('the planted-secret guard', () => {
  it("fires: a run whose stderr echoes the marker (here in a bad spreadsheet ID) makes the harness's collect() throw", async () => {
    await expect(runCli(['--endpoint', 'http://127.0.0.1:9/', `bad/${PLANTED_SECRET}`])).rejects.toThrow(
      /a planted secret leaked into stderr/,
    );
  });
});

describe.concurrent('secrets given where they do not belong are refused without being echoed', () => {
  it.each([
    ["a key file's JSON as --credentials", 2, ['--credentials', JSON.stringify({ type: 'service_account', private_key: PEM })]],
    ['a PEM key as --credentials', 2, ['--credentials', PEM]],
    ['an API key as --credentials', 3, ['--credentials', API_KEY]],
    ['a password in --endpoint', 2, ['--endpoint', `https://reader:${PLANTED_SECRET}-pw@sheets.example.invalid/`]],
  ] as const)('%s → exit %i', async (_, code, args) => {
    const r = await runWithEnv([...REMOTE, ...args], ENV);
    expectExit(r, code);
    expectClean(r);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('a password in SHEETPIPE_ENDPOINT → exit 2', async () => {
    const r = await runWithEnv(['abcdefghijklmnopqrstuvwxyz'], {
      ...ENV,
      SHEETPIPE_ENDPOINT: `https://reader:${PLANTED_SECRET}-pw@sheets.example.invalid/`,
    });
    expectExit(r, 2);
    expectClean(r);
  });
});

describe('GOOGLE_API_KEY in use against an endpoint that is not on the loopback list', () => {
  // https://sheets.sheetpipe-test.invalid/ is remote (credentials required) yet reaches the local
  // emulator: a CONNECT proxy on 127.0.0.1 tunnels to a TLS front with a test-only certificate,
  // which hands the plaintext to the emulator. sheetpipe sends the planted key with every request.
  let emu: FaultEmulator;
  let front: Running;
  let proxy: Running & { url: string };
  let env: Record<string, string>;
  const endpoint = `https://${TEST_HOST}/`;
  const message = `API key not valid: key=${API_KEY}; Authorization: Bearer ya29.${PLANTED_SECRET}-token`;
  beforeAll(async () => {
    emu = await startFaultEmulator(
      [mixedTab()],
      [
        { match: { range: '!A1:' }, fault: 'status', status: 400, message },
        { match: { range: '!A2:' }, fault: 'status', status: 403, message },
        { match: { range: '!A3:' }, fault: 'reset' },
        { match: { range: '!A4:' }, fault: 'status', status: 503, message },
      ],
    );
    front = await startTlsFront(emu.port);
    proxy = await startConnectProxy(front.port);
    env = { ...ENV, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: CA_FILE, NO_PROXY: '' };
  });
  afterAll(async () => {
    await proxy.close();
    await front.close();
    await emu.stop();
  });

  const run = (range: string, extra: string[] = []) =>
    runWithEnv(['--endpoint', endpoint, emu.spreadsheetId, range, '--max-rpm', '0', '--retries', '0', ...extra], env);

  it('a clean export sends the key (exit 0), in a header and never in the URL, and prints none of it', async () => {
    const r = await run('Mixed!A10:C20');
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^9,/);
    const requests = emu.traffic.filter((e) => e.kind === 'request');
    expect(requests.length).toBeGreaterThan(0);
    for (const e of requests) {
      expect(e.headers?.['x-goog-api-key']).toBe(API_KEY);
      expect(e.url).not.toContain(encodeURIComponent(API_KEY));
    }
  });

  it.each([
    ['400 echoing the key and a token', 1, 'Mixed!A1:C5'],
    ['403 echoing the key and a token', 3, 'Mixed!A2:C5'],
    ['a connection reset', 5, 'Mixed!A3:C5'],
    ['503 echoing the key and a token, retries exhausted', 5, 'Mixed!A4:C5'],
  ] as const)('%s: exit %i, the key and token redacted, also with --verbose', async (_, code, range) => {
    for (const extra of [[], ['--verbose']]) {
      const r = await run(range, extra);
      expectExit(r, code);
      expectClean(r);
    }
  });
});
