/**
 * Credentials → request headers. In order: --credentials, GOOGLE_APPLICATION_CREDENTIALS,
 * GOOGLE_API_KEY (public sheets), Application Default Credentials. A loopback endpoint needs none.
 *
 * google-auth-library is imported only when an OAuth token is needed (it costs tens of ms at
 * start-up), and asked for the read-only scope only. Its token is fetched once here, so that a
 * credential problem is an AuthError before any read; afterwards each request asks the client for
 * its headers, which refreshes the token when it nears expiry.
 */
import type { AuthClient } from 'google-auth-library';
import { AuthError } from '../shared/errors.js';
import { untilAborted } from '../shared/signals.js';
import { loadCredentialFile } from './credentials.js';
import { isLoopback } from './endpoint.js';
import { HttpFailure, errorCode, firstLine } from './failure.js';

export const READONLY_SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';

export interface RequestCredentials {
  /**
   * Headers that authorise one request to `url`. Rejects with HttpFailure (phase `credentials`)
   * when a token refresh fails, or with the signal's reason when it aborts.
   */
  headers(url: URL, signal: AbortSignal): Promise<Record<string, string>>;
  /** The service account's client_email, when known: named in 403 advice. */
  readonly principal?: string;
}

export interface CredentialOptions {
  /** The API root, already checked by normaliseEndpoint. */
  endpoint: string;
  /** Path of a service-account or authorized-user JSON key (--credentials). */
  credentials?: string;
  /** Environment consulted for GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_API_KEY. */
  env: Record<string, string | undefined>;
  /** Cancels loading (a token request can take a while). */
  signal?: AbortSignal;
}

const NO_CREDENTIALS_ADVICE =
  `set GOOGLE_APPLICATION_CREDENTIALS to a service-account key, pass --credentials FILE, or run ` +
  `\`gcloud auth application-default login --scopes=${READONLY_SCOPE},https://www.googleapis.com/auth/cloud-platform\``;

const NONE: RequestCredentials = { headers: async () => ({}) };

/** The HTTP status a token endpoint answered, from a gaxios error. */
function tokenStatus(error: unknown): number | undefined {
  const e = error as { status?: unknown; response?: { status?: unknown } } | undefined;
  const status = e?.response?.status ?? e?.status;
  return typeof status === 'number' ? status : undefined;
}

function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function oauth(client: AuthClient, principal: string | undefined): RequestCredentials {
  return {
    principal,
    async headers(url, signal) {
      try {
        return headersOf(await untilAborted(client.getRequestHeaders(url.href), signal));
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const message = error instanceof Error ? firstLine(error.message) : String(error);
        throw new HttpFailure(
          {
            phase: 'credentials',
            host: url.host,
            networkCode: errorCode(error),
            tokenStatus: tokenStatus(error),
            message: `could not refresh the access token: ${message}`,
          },
          { cause: error },
        );
      }
    },
  };
}

/** Loads the credentials for `endpoint` and, for OAuth, fetches the first token. Throws AuthError. */
export async function loadCredentials(options: CredentialOptions): Promise<RequestCredentials> {
  const { env, signal } = options;
  if (isLoopback(options.endpoint)) {
    // Nothing is sent to a local endpoint, but a key file named on the command line is still
    // checked: a typo there must fail on the emulator as it would against Google.
    if (options.credentials) await loadCredentialFile(options.credentials, '--credentials');
    return NONE;
  }
  const file = options.credentials ?? env.GOOGLE_APPLICATION_CREDENTIALS;
  const apiKey = env.GOOGLE_API_KEY;
  // A header, not the `key` parameter: URLs end up in logs and proxies.
  if (!file && apiKey) return { headers: async () => ({ 'x-goog-api-key': apiKey }) };

  let principal: string | undefined;
  let json: Record<string, unknown> | undefined;
  if (file) {
    const loaded = await loadCredentialFile(file, options.credentials ? '--credentials' : 'GOOGLE_APPLICATION_CREDENTIALS');
    principal = loaded.clientEmail;
    json = loaded.json;
  }
  signal?.throwIfAborted();
  const { GoogleAuth } = await import('google-auth-library');
  const auth = new GoogleAuth({ ...(json ? { credentials: json } : {}), scopes: [READONLY_SCOPE] });
  try {
    const client = await untilAborted(auth.getClient(), signal);
    await untilAborted(client.getRequestHeaders(), signal);
    return oauth(client, principal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const status = tokenStatus(error);
    const detail = status !== undefined ? ` (the token endpoint answered ${status})` : '';
    throw new AuthError(
      file
        ? `could not get an access token with ${file}${detail}; check that the key is current and not revoked`
        : `no Google credentials found${detail}; ${NO_CREDENTIALS_ADVICE}`,
      { cause: error },
    );
  }
}
