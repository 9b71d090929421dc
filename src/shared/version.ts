/**
 * sheetpipe's version, read from its package.json when asked: `--version` loads nothing else.
 * The file is found by walking up from this module, so a bundled build (one folder deeper) finds
 * it as well as the plain one.
 */
import { readFileSync } from 'node:fs';

let known: string | undefined;

export function version(): string {
  if (known !== undefined) return known;
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sheetpipe' && pkg.version) return (known = pkg.version);
    } catch {
      // Not here: one level up.
    }
  }
  return (known = '0.0.0');
}
