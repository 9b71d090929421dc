/**
 * Key files: read and checked before anything else is done with them. Messages name the file and
 * where it came from, never its content.
 */
import { readFile } from 'node:fs/promises';
import { AuthError } from '../shared/errors.js';

const CREDENTIAL_TYPES = new Set(['service_account', 'authorized_user', 'external_account', 'impersonated_service_account']);

export interface LoadedCredentials {
  json: Record<string, unknown>;
  clientEmail?: string;
}

/** Reads and checks a key file; the message never quotes its content. */
export async function loadCredentialFile(path: string, origin: string): Promise<LoadedCredentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : code === 'EISDIR' ? 'is a folder' : 'cannot be read';
    throw new AuthError(`credentials file ${path} (${origin}) ${why}; point it at a service-account or authorized-user JSON key`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AuthError(`credentials file ${path} (${origin}) is not JSON; download the key again from the Google Cloud console`);
  }
  if (typeof json !== 'object' || json === null || !CREDENTIAL_TYPES.has(String((json as { type?: unknown }).type))) {
    throw new AuthError(
      `credentials file ${path} (${origin}) is JSON but not a credential: expected "type" service_account or authorized_user`,
    );
  }
  const record = json as Record<string, unknown>;
  return { json: record, clientEmail: typeof record.client_email === 'string' ? record.client_email : undefined };
}

/**
 * A credentials file is read and checked on every endpoint: a local emulator needs no
 * credentials, but a mistyped key path must fail there too, not first on the production run.
 */
export async function checkCredentials(path: string | undefined, origin: string): Promise<void> {
  if (path !== undefined) await loadCredentialFile(path, origin);
}
