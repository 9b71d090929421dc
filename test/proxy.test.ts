/**
 * The environment's proxy settings, end to end through the built CLI. The endpoint
 * https://sheets.sheetpipe-test.invalid/ cannot resolve, so an export that succeeds went through
 * the local CONNECT proxy, which tunnels to a TLS front (test-only certificate, trusted in the child
 * through NODE_EXTRA_CA_CERTS) in front of the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, describeResult } from './e2e/harness.js';
import { type FaultEmulator, expectExit, mixedTab, runWithEnv, startFaultEmulator } from './faults/helpers.js';
import { CA_FILE, type Running, TEST_HOST, closedPort, startConnectProxy, startTlsFront } from './support/tls.js';

const KEY = 'AIzaSyTEST-proxy-0123456789abcdefghijkl';
let emu: FaultEmulator;
let front: Running;
let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
let reference: string;

/** No proxy variable from the test's own environment leaks into a child. */
const NO_PROXIES = {
  HTTPS_PROXY: '',
  https_proxy: '',
  HTTP_PROXY: '',
  http_proxy: '',
  ALL_PROXY: '',
  all_proxy: '',
  NO_PROXY: '',
  no_proxy: '',
};

const exportArgs = (endpoint: string) => [
  '--endpoint',
  endpoint,
  emu.spreadsheetId,
  'Mixed',
  '--chunk-rows',
  '50',
  '-c',
  '4',
  '--max-rpm',
  '0',
  '-q',
];

function run(endpoint: string, env: Record<string, string>, extra: string[] = []): Promise<CliResult> {
  return runWithEnv([...exportArgs(endpoint), ...extra], { ...NO_PROXIES, GOOGLE_API_KEY: KEY, NODE_EXTRA_CA_CERTS: CA_FILE, ...env });
}

beforeAll(async () => {
  emu = await startFaultEmulator([mixedTab()]);
  front = await startTlsFront(emu.port);
  proxy = await startConnectProxy(front.port);
  const clean = await run(emu.url, {});
  expectExit(clean, 0);
  reference = clean.stdout;
  expect(reference.length).toBeGreaterThan(1000);
});

afterAll(async () => {
  await proxy?.close();
  await front?.close();
  await emu?.stop();
});

describe('HTTPS_PROXY', () => {
  it.each([
    ['HTTPS_PROXY=http://127.0.0.1:PORT', () => ({ HTTPS_PROXY: proxy.url })],
    ['https_proxy=127.0.0.1:PORT (no scheme: plain http to the proxy)', () => ({ https_proxy: `127.0.0.1:${proxy.port}` })],
    ['ALL_PROXY only', () => ({ ALL_PROXY: proxy.url })],
  ] as const)('%s: the export goes through a CONNECT tunnel, byte-identical, over a few kept-alive connections', async (_, env) => {
    const connectsBefore = proxy.connects.length;
    const requestsBefore = emu.traffic.filter((e) => e.kind === 'request').length;
    const r = await run(`https://${TEST_HOST}/`, env());
    expectExit(r, 0);
    expect(r.stdout, describeResult(r)).toBe(reference);
    const connects = proxy.connects.slice(connectsBefore);
    const requests = emu.traffic.filter((e) => e.kind === 'request').slice(requestsBefore);
    expect(connects.every((c) => c === `${TEST_HOST}:443`)).toBe(true);
    // Metadata and a chunk per 50 rows at -c 4: the tunnels are reused, not one per request.
    expect(requests.length).toBeGreaterThan(10);
    expect(connects.length).toBeGreaterThanOrEqual(1);
    expect(connects.length).toBeLessThan(requests.length);
    for (const e of requests) expect(e.headers?.['x-goog-api-key']).toBe(KEY);
    expect(proxy.plain()).toBe(0);
  });
});

describe('NO_PROXY', () => {
  it.each([
    ['a domain suffix', { NO_PROXY: '.sheetpipe-test.invalid' }],
    ['the host, lower case', { no_proxy: TEST_HOST }],
    ['*', { NO_PROXY: '*' }],
  ])('%s: the proxy is bypassed (and the name does not resolve: a DNS failure, exit 5)', async (_, noProxy) => {
    const connectsBefore = proxy.connects.length;
    const r = await run(`https://${TEST_HOST}/`, { HTTPS_PROXY: proxy.url, ...noProxy }, ['--retries', '0']);
    expectExit(r, 5);
    expect(r.stderr, describeResult(r)).toContain('ENOTFOUND');
    expect(proxy.connects.length).toBe(connectsBefore);
  });
});

describe('a loopback endpoint is never proxied', () => {
  it.each(['127.0.0.1', 'localhost'])('http://%s:PORT/ with every proxy variable set', async (host) => {
    const connectsBefore = proxy.connects.length;
    const url = proxy.url;
    const r = await run(`http://${host}:${emu.port}/`, {
      HTTPS_PROXY: url,
      HTTP_PROXY: url,
      ALL_PROXY: url,
      https_proxy: url,
      http_proxy: url,
      all_proxy: url,
    });
    expectExit(r, 0);
    expect(r.stdout).toBe(reference);
    expect(proxy.connects.length).toBe(connectsBefore);
    expect(proxy.plain()).toBe(0);
  });
});

describe('a proxy setting that cannot be used', () => {
  it('a proxy that refuses the connection is named, without its credentials, not the endpoint (exit 5)', async () => {
    const port = await closedPort();
    const r = await run(`https://${TEST_HOST}/`, { HTTPS_PROXY: `http://user:hunter2@127.0.0.1:${port}` }, ['--retries', '0']);
    expectExit(r, 5);
    expect(r.stderr.trimEnd(), describeResult(r)).toBe(
      `sheetpipe: cannot connect to the proxy 127.0.0.1:${port} (on the way to ${TEST_HOST}): the connection was refused (ECONNREFUSED); check HTTPS_PROXY and NO_PROXY`,
    );
    expect(r.stderr).not.toContain('hunter2');
  });

  it('a socks proxy is a usage error (exit 2) that does not show the value', async () => {
    const r = await run(`https://${TEST_HOST}/`, { HTTPS_PROXY: 'socks5://user:hunter2@127.0.0.1:1080' });
    expectExit(r, 2);
    expect(r.stderr).toMatch(/only http:\/\/ and https:\/\/ proxies are supported/);
    expect(r.stderr).not.toContain('hunter2');
  });
});
