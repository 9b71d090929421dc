import { pathToFileURL } from 'node:url';

/** `--name value` pairs → { name: value }; enough for the contenders' few flags. */
export function parseFlags(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    if (!key?.startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${key}: expected --name value pairs`);
    out[key.slice(2)] = argv[i + 1];
  }
  return out;
}

/** Refuses any endpoint that is not on this machine: benchmark traffic stays on loopback. */
export function loopbackEndpoint(url) {
  const { hostname } = new URL(url);
  if (!/^127\.\d+\.\d+\.\d+$/.test(hostname) && hostname !== 'localhost') throw new Error(`endpoint ${url} is not loopback`);
  return url.endsWith('/') ? url : `${url}/`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes to stdout honouring backpressure. */
export function write(text) {
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

/** @googleapis/sheets, from where the harness says (lib/old-client.js), else from node_modules. */
export async function loadOldClient() {
  const entry = process.env.SHEETPIPE_BENCH_SHEETS_CLIENT;
  return import(entry ? pathToFileURL(entry).href : '@googleapis/sheets');
}
