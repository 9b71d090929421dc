/**
 * Answers on the wire: JSON as the API writes it (pretty by default, compact on
 * `prettyPrint=false`), the API's headers, gzip when the client asks for it, and the broken
 * bodies of the truncate/reset faults.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { ApiFailure } from './api-error.js';

export interface Answer {
  status: number;
  body: string;
  contentType?: string;
  headers?: Readonly<Record<string, string>>;
}

const JSON_TYPE = 'application/json; charset=UTF-8';
const ASYNC_GZIP_BYTES = 64 * 1024;
const gzipAsync = promisify(gzip);

/** `prettyPrint` is a system parameter: anything but false/0 keeps the default, indented JSON. */
export function wantsPretty(query: URLSearchParams): boolean {
  const value = query.get('prettyPrint')?.toLowerCase();
  return value !== 'false' && value !== '0';
}

/**
 * The API's JSON: 2-space indent, raw UTF-8 and a final newline when pretty; one line otherwise.
 * One stringify either way: the compact path is what sheetpipe asks for on every request.
 */
export function jsonText(value: unknown, pretty: boolean): string {
  return pretty ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value);
}

export function jsonAnswer(value: unknown, pretty: boolean): Answer {
  return { status: 200, body: jsonText(value, pretty) };
}

export function failureAnswer(failure: ApiFailure, pretty: boolean): Answer {
  return { status: failure.code, body: jsonText(failure, pretty), headers: failure.headers };
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim());
    if (coding.toLowerCase() !== 'gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export interface SendOptions {
  /** Gzip only when the User-Agent also contains "gzip", as Google documents. */
  gzipNeedsUserAgent: boolean;
  /** Send the headers and half the body, then end the connection (FIN) or reset it (RST). */
  cut?: 'truncate' | 'reset';
}

/** Sends the answer; resolves to the body bytes written, or undefined when the client is gone. */
export async function send(req: IncomingMessage, res: ServerResponse, answer: Answer, options: SendOptions): Promise<number | undefined> {
  if (res.destroyed) return undefined;
  let payload = Buffer.from(answer.body, 'utf8');
  const headers: OutgoingHttpHeaders = {
    'content-type': answer.contentType ?? JSON_TYPE,
    vary: 'Origin, X-Origin, Referer',
    'cache-control': 'private',
    ...answer.headers,
  };
  const userAgentOk = !options.gzipNeedsUserAgent || (req.headers['user-agent'] ?? '').includes('gzip');
  if (userAgentOk && acceptsGzip(req.headers['accept-encoding'])) {
    payload = payload.length >= ASYNC_GZIP_BYTES ? await gzipAsync(payload, { level: 1 }) : gzipSync(payload, { level: 1 });
    headers['content-encoding'] = 'gzip';
    headers.vary = 'Origin, X-Origin, Referer, Accept-Encoding';
    if (res.destroyed) return undefined;
  }
  headers['content-length'] = payload.length;
  res.writeHead(answer.status, headers);
  if (!options.cut) {
    res.end(payload);
    return payload.length;
  }
  const half = payload.subarray(0, Math.floor(payload.length / 2));
  const cut = options.cut;
  res.write(half, () => {
    // Content-Length promised the whole body: a FIN now is a truncated body, an RST a reset.
    if (cut === 'truncate') res.socket?.end();
    else res.socket?.resetAndDestroy();
  });
  return half.length;
}
