/**
 * A folder export's folder as tests look at it: every entry (hidden ones included) with its bytes
 * and mode, the manifest, and the old set a failed run must leave as it was.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Manifest } from '../../src/index.js';

export interface Entry {
  /** The file's bytes as hex (a folder: 'dir'). */
  content: string;
  mode: number;
}

/** Every entry of `dir`, hidden ones included: name → content and mode. */
export function snapshot(dir: string): Record<string, Entry> {
  const entries: Record<string, Entry> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path);
    entries[name] = { content: stat.isDirectory() ? 'dir' : readFileSync(path).toString('hex'), mode: stat.mode & 0o7777 };
  }
  return entries;
}

export const OLD_MANIFEST = '{"spreadsheet":"yesterday","files":[]}\n';

/** Yesterday's set: old files (one for a tab that no longer exists) and an old manifest. */
export function plantOldSet(dir: string, names: readonly string[]): Record<string, Entry> {
  for (const name of names) writeFileSync(join(dir, name), `yesterday's ${name}\n`);
  writeFileSync(join(dir, 'Gone.csv'), 'a tab deleted since\n');
  writeFileSync(join(dir, '_manifest.json'), OLD_MANIFEST);
  return snapshot(dir);
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, '_manifest.json'), 'utf8')) as Manifest;
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The manifest's `bytes` and `sha256` are those of each file as it stands in `dir`. */
export function expectManifestMatchesFiles(dir: string, manifest: Manifest): void {
  for (const f of manifest.files) {
    const bytes = readFileSync(join(dir, f.file));
    expect({ file: f.file, bytes: f.bytes, sha256: f.sha256 }).toEqual({ file: f.file, bytes: bytes.length, sha256: sha256(bytes) });
  }
}
