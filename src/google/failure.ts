/**
 * HttpFailure: how every failed Sheets API request leaves src/google/. It carries facts (status,
 * the error body's fields, network codes, where it failed), never a judgement: classification is
 * the fetch layer's (src/fetch/retry.ts).
 */
import { redact } from '../errors.js';
import type { AttemptFailure } from '../fetch/retry.js';

/** Facts about one failed request, for the classifier. */
export class HttpFailure extends Error {
  override name = 'HttpFailure';
  readonly failure: AttemptFailure;

  constructor(failure: AttemptFailure, options?: { cause?: unknown }) {
    // An error body may echo a key or a token back; nothing secret goes on in a message.
    const facts = failure.message === undefined ? failure : { ...failure, message: redact(failure.message) };
    super(facts.message ?? facts.networkCode ?? `HTTP ${facts.status ?? 'failure'}`, options);
    this.failure = facts;
  }
}

/**
 * The code of a failed connection or stream, whatever its family: the first string `code` along
 * the cause chain that is not a bare number (gaxios puts the status there as text).
 */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || code === '' || /^\d+$/.test(code)) continue;
    // A TLS record-layer failure comes as EPROTO with OpenSSL's reason in the message
    // ("...:SSL routines:ssl3_get_record:wrong version number"): name it as Node names the others.
    const ssl = code === 'EPROTO' ? /SSL routines:[^:]*:([a-z0-9 ]+)/i.exec(String((e as { message?: unknown }).message)) : null;
    return ssl ? `ERR_SSL_${(ssl[1] as string).trim().toUpperCase().replace(/ +/g, '_')}` : code;
  }
  return undefined;
}

export function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** An HttpFailure for an error raised by a socket, a TLS handshake, a DNS lookup or a body stream. */
export function networkFailure(error: unknown, facts: AttemptFailure): HttpFailure {
  const message = error instanceof Error ? firstLine(error.message) : String(error);
  return new HttpFailure({ networkCode: errorCode(error), message, ...facts }, { cause: error });
}
