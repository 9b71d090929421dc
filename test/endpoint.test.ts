/**
 * Credentials travel only over TLS: plain http is accepted only to this machine. The refusal is a
 * usage error decided before any credential is loaded and before any lookup or connection — proved
 * on a `.invalid` name (a lookup would fail as ENOTFOUND, a connection attempt would show on the
 * net.client.socket channel) and with a credentials file that does not exist (loading it would be
 * an auth error).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { DEFAULT_ENDPOINT, isLoopback, normaliseEndpoint } from '../src/google/endpoint.js';
import { UsageError, exportToStream, readRows, readSpreadsheetMeta } from '../src/index.js';
import { describeResult, runCli } from './e2e/harness.js';
import { runWithEnv } from './faults/helpers.js';
import { collector } from './http-fake.js';
import { usageMessage } from './support/usage.js';
import { TEST_HOST } from './support/tls.js';

const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';
const PLAIN = `http://${TEST_HOST}/`;
const MISSING_KEY = '/nonexistent/sheetpipe-key.json';

describe('isLoopback', () => {
  it.each([
    ['http://localhost:8089/', true],
    ['http://LOCALHOST/', true],
    ['http://127.0.0.1:1/', true],
    ['http://127.1.2.3/', true],
    ['http://127.255.255.254/', true],
    ['http://127.1/', true],
    ['http://0x7f.1/', true],
    ['http://[::1]:8089/', true],
    ['http://[0:0:0:0:0:0:0:1]/', true],
    ['http://[::ffff:127.0.0.1]/', true],
    ['http://128.0.0.1/', false],
    ['http://126.255.255.255/', false],
    ['http://0.0.0.0/', false],
    ['http://[::]/', false],
    ['http://[::2]/', false],
    ['http://[::ffff:10.0.0.1]/', false],
    ['http://localhost.example.com/', false],
    ['http://127.0.0.1.nip.io/', false],
    ['http://sub.localhost/', false],
    ['https://sheets.googleapis.com/', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isLoopback(url)).toBe(expected);
  });
});

describe('normaliseEndpoint: the TLS rule', () => {
  it('refuses plain http to another machine with one line that says what to do', () => {
    expect(usageMessage(() => normaliseEndpoint('http://sheets.example.com/v4root', '--endpoint'))).toBe(
      '--endpoint `http://sheets.example.com/v4root`: credentials are only sent over https (plain http only to this machine); ' +
        'use `https://sheets.example.com/v4root` or a local emulator at http://127.0.0.1:PORT/',
    );
    for (const url of [
      'http://sheets.googleapis.com/',
      'http://10.0.0.5:8089/',
      'http://[2001:db8::1]/',
      'http://0.0.0.0:8089/',
      'http://[::ffff:10.0.0.1]/',
    ]) {
      expect(usageMessage(() => normaliseEndpoint(url, 'SHEETPIPE_ENDPOINT'))).toMatch(
        /^SHEETPIPE_ENDPOINT `http:.*: credentials are only sent over https/,
      );
    }
  });

  it('accepts http to each loopback form, and https anywhere', () => {
    expect(normaliseEndpoint('http://localhost:8089', '--endpoint')).toBe('http://localhost:8089/');
    expect(normaliseEndpoint('http://127.0.0.1:8089', '--endpoint')).toBe('http://127.0.0.1:8089/');
    expect(normaliseEndpoint('http://127.1.2.3:8089/', '--endpoint')).toBe('http://127.1.2.3:8089/');
    expect(normaliseEndpoint('http://[::1]:8089/', '--endpoint')).toBe('http://[::1]:8089/');
    expect(normaliseEndpoint('https://sheets.googleapis.com', '--endpoint')).toBe(DEFAULT_ENDPOINT);
    expect(normaliseEndpoint('https://10.0.0.5:8443/sheets', '--endpoint')).toBe('https://10.0.0.5:8443/sheets/');
  });
});

describe('the CLI refuses plain http to another machine: exit 2, before credentials, lookups or connections', () => {
  it('--endpoint, even with a credentials file that does not exist', async () => {
    const r = await runCli(['--endpoint', PLAIN, ID, '--credentials', MISSING_KEY], {
      env: { GOOGLE_API_KEY: 'AIzaPLANTED-never-sent-0123456789' },
    });
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `sheetpipe: --endpoint \`${PLAIN}\`: credentials are only sent over https (plain http only to this machine); ` +
        `use \`https://${TEST_HOST}/\` or a local emulator at http://127.0.0.1:PORT/\n`,
    );
  });

  it('SHEETPIPE_ENDPOINT, for `sheets` too', async () => {
    const r = await runWithEnv(['sheets', ID], {
      SHEETPIPE_ENDPOINT: `http://${TEST_HOST}:8089`,
      GOOGLE_APPLICATION_CREDENTIALS: MISSING_KEY,
    });
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toMatch(
      /^sheetpipe: SHEETPIPE_ENDPOINT `http:\/\/sheets\.sheetpipe-test\.invalid:8089\/`: credentials are only sent over https/,
    );
  });
});

describe('the library refuses the same way: UsageError, no socket', () => {
  const sockets: unknown[] = [];
  const onSocket = (message: unknown) => sockets.push(message);
  beforeAll(() => subscribe('net.client.socket', onSocket));
  afterAll(() => unsubscribe('net.client.socket', onSocket));

  const options = {
    spreadsheet: ID,
    endpoint: PLAIN,
    credentials: MISSING_KEY,
    env: { GOOGLE_API_KEY: 'AIzaSyNEVER-sent-0123456789abcdefghi' },
    retries: 3,
  };

  it.each([
    ['readRows', () => readRows(options).next()],
    ['exportToStream', () => exportToStream(options, collector().stream)],
    ['readSpreadsheetMeta', () => readSpreadsheetMeta(options)],
  ] as const)('%s', async (_, call) => {
    const before = sockets.length;
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toBe(
      `endpoint \`${PLAIN}\`: credentials are only sent over https (plain http only to this machine); ` +
        `use \`https://${TEST_HOST}/\` or a local emulator at http://127.0.0.1:PORT/`,
    );
    expect(sockets.length).toBe(before);
  });
});

describe('plain http to this machine is accepted, in every loopback form', () => {
  const emulators: Emulator[] = [];
  afterAll(async () => {
    for (const e of emulators) await e.stop();
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['localhost', '127.0.0.1'],
    ['127.1.2.3', '127.1.2.3'],
    ['[::1]', '::1'],
  ])('http://%s:PORT/', async (host, bind) => {
    const emu = await startEmulator({ port: 0, host: bind });
    emulators.push(emu);
    const meta = await readSpreadsheetMeta({ spreadsheet: emu.spreadsheetId, endpoint: `http://${host}:${emu.port}/`, env: {}, maxRpm: 0 });
    expect(meta.sheets.length).toBeGreaterThan(0);
    expect(emu.stats().metadata).toBe(1);
  });

  it('a credentials file given for a loopback endpoint is still checked: a typo fails there too (exit 3)', async () => {
    const emu = await startEmulator({ port: 0 });
    emulators.push(emu);
    const error = await readSpreadsheetMeta({
      spreadsheet: emu.spreadsheetId,
      endpoint: emu.url,
      credentials: MISSING_KEY,
      env: {},
      maxRpm: 0,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { exitCode?: number }).exitCode).toBe(3);
    expect((error as Error).message).toContain('does not exist');
    expect(emu.stats().requests).toBe(0);
  });
});

describe('--verbose names the host requests and credentials go to', () => {
  it('a loopback endpoint: no credentials are sent', async () => {
    const emu = await startEmulator({ port: 0 });
    try {
      const r = await runCli(['--endpoint', emu.url, emu.spreadsheetId, 'Customers', '--limit', '1', '--verbose', '--max-rpm', '0']);
      expect(r.code, describeResult(r)).toBe(0);
      expect(r.stderr).toContain(`sheetpipe: requests go to 127.0.0.1:${emu.port}, on this machine: no credentials are sent\n`);
    } finally {
      await emu.stop();
    }
  });

  it('an https endpoint: credentials go there, named before anything is sent', async () => {
    const r = await runWithEnv(['--endpoint', 'https://sheets.invalid/', 'sheetpipe-demo-00000000000000000000000000000', '--verbose'], {
      GOOGLE_API_KEY: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
    });
    expect(r.code, describeResult(r)).toBe(5);
    expect(r.stderr.split('\n')[0]).toBe('sheetpipe: requests and credentials go to sheets.invalid');
    expect(r.stderr).toContain('cannot connect to sheets.invalid: the DNS lookup failed (ENOTFOUND)');
  });
});
