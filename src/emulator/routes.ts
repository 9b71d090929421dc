/**
 * Which API method a request calls: the three reads served, or a refusal that names what was
 * asked (a write, another read, an unknown path). Pure.
 */
import { NotServed } from './api-error.js';

export type Route = { kind: 'metadata'; id: string } | { kind: 'values'; id: string; range: string } | { kind: 'batchGet'; id: string };

const SERVED_METHODS = 'it serves only spreadsheets.get, spreadsheets.values.get and spreadsheets.values.batchGet (GET)';

/** Methods of the API that the emulator knows by name, to say which one it refuses. */
const OTHER_METHODS: readonly [method: string, rest: RegExp, name: string][] = [
  ['POST', /^:batchUpdate$/, 'spreadsheets.batchUpdate'],
  ['POST', /^:getByDataFilter$/, 'spreadsheets.getByDataFilter'],
  ['PUT', /^\/values\/.+$/, 'spreadsheets.values.update'],
  ['POST', /^\/values\/.+:append$/, 'spreadsheets.values.append'],
  ['POST', /^\/values\/.+:clear$/, 'spreadsheets.values.clear'],
  ['POST', /^\/values:batchUpdate$/, 'spreadsheets.values.batchUpdate'],
  ['POST', /^\/values:batchClear$/, 'spreadsheets.values.batchClear'],
  ['POST', /^\/values:batchGetByDataFilter$/, 'spreadsheets.values.batchGetByDataFilter'],
  ['POST', /^\/values:batchUpdateByDataFilter$/, 'spreadsheets.values.batchUpdateByDataFilter'],
  ['POST', /^\/values:batchClearByDataFilter$/, 'spreadsheets.values.batchClearByDataFilter'],
  ['POST', /^\/sheets\/\d+:copyTo$/, 'spreadsheets.sheets.copyTo'],
  ['GET', /^\/developerMetadata\/\d+$/, 'spreadsheets.developerMetadata.get'],
  ['POST', /^\/developerMetadata:search$/, 'spreadsheets.developerMetadata.search'],
];

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function served(method: string, id: string, rest: string): Route | undefined {
  if (method !== 'GET') return undefined;
  if (rest === '' || rest === '/') return { kind: 'metadata', id };
  if (rest === '/values:batchGet') return { kind: 'batchGet', id };
  if (rest.startsWith('/values/') && rest.length > '/values/'.length) {
    const raw = rest.slice('/values/'.length);
    return { kind: 'values', id, range: decoded(raw) ?? raw };
  }
  return undefined;
}

/**
 * `METHOD /v4/spreadsheets/{id}[/values/{range} | /values:batchGet]` → the route, path segments
 * URL-decoded. Throws NotServed for anything else.
 */
export function route(method: string, path: string): Route {
  // A method suffix may come encoded (`values%3AbatchGet`); a range keeps its own encoding.
  const m = /^\/v4\/spreadsheets(?:\/([^/:]+))?(.*)$/.exec(path.replace(/%3A([A-Za-z]+)$/i, ':$1'));
  if (m?.[1] === undefined) {
    const what = m && m[2] === '' && method === 'POST' ? `spreadsheets.create (POST ${path})` : `${method} ${path}`;
    throw new NotServed(what, SERVED_METHODS);
  }
  const id = decoded(m[1]);
  // Clients that join paths (ky's prefixUrl) send `{id}/:batchUpdate`; the API takes it as `{id}:batchUpdate`.
  const rest = (m[2] ?? '').replace(/^\/:/, ':');
  const found = id === undefined ? undefined : served(method, id, rest);
  if (found) return found;
  const known = OTHER_METHODS.find(([verb, pattern]) => verb === method && pattern.test(rest));
  throw new NotServed(known ? `${known[2]} (${method} ${path})` : `${method} ${path}`, SERVED_METHODS);
}
