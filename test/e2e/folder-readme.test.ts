/**
 * README's folder export, run as written on `sheetpipe emulator` (the demo spreadsheet): the
 * example's summary lines, and the nightly cron line with the loader that waits on the manifest.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorProcess, childEnv, describeResult, runCli, startEmulatorProcess } from './harness.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The first fenced block of `language` ('' for none) after `marker` in README. */
function block(marker: string, language: string): string {
  const at = README.indexOf(marker);
  expect(at, `README has ${marker}`).toBeGreaterThanOrEqual(0);
  for (const m of README.slice(at).matchAll(/^```(\w*)\n([\s\S]*?)\n```$/gm)) if (m[1] === language) return m[2] as string;
  throw new Error(`no ${language || 'plain'} block after ${marker}`);
}

let emu: EmulatorProcess;
let dir: string;

beforeAll(async () => {
  emu = await startEmulatorProcess([]);
  dir = mkdtempSync(join(tmpdir(), 'sheetpipe-folder-readme-'));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(await emu?.stop()).toBe(0);
});

describe('README: a whole spreadsheet to a folder', () => {
  it("the example's per-file lines are what the run prints", async () => {
    const example = block('## A whole spreadsheet to a folder', '').split('\n');
    const shop = join(dir, 'shop');
    const r = await runCli(['--endpoint', emu.endpoint, emu.spreadsheet, '--all-sheets', '-o', shop]);
    expect(r.code, describeResult(r)).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(example.slice(0, 3));
    // The total, up to its timing: `sheetpipe: 3 files, 2,329 rows → shop`.
    const total = (example[3] ?? '').replace(/ in .*$/, '').replace('→ shop', `→ ${shop}`);
    expect(lines[3]?.startsWith(`${total} in `), describeResult(r)).toBe(true);
    expect(example.slice(4)).toEqual(['$ ls shop', 'Customers.csv  Orders.csv  Summary.csv  _manifest.json']);
  });

  const hasJq = spawnSync('jq', ['--version']).status === 0;
  if (!hasJq) console.log('skipping the load-shop recipe: jq is not installed');

  it.skipIf(!hasJq)('the cron line and load-shop: one load per new set, none while the files are not the manifest\'s', async () => {
    const shop = join(dir, 'cron-shop');
    const seen = join(dir, 'load-shop.manifest');
    const cronLine = block('**A whole spreadsheet every night', 'cron').split('\n')[1] ?? '';
    const exportArgs = (/ sheetpipe (.*) \|\| logger/.exec(cronLine)?.[1] ?? '').split(' ').map((a) => (a === '1Bxi...upms' ? emu.spreadsheet : a === '/data/shop' ? shop : a));
    expect(exportArgs).toEqual([emu.spreadsheet, '--all-sheets', '--gzip', '-q', '-o', shop]);
    const script = block('**A whole spreadsheet every night', 'sh').replaceAll('/data/shop', shop).replaceAll('/var/tmp/load-shop.manifest', seen);
    const load = () => {
      const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: childEnv() });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      return r.stdout;
    };
    const nightly = async () => {
      const r = await runCli(['--endpoint', emu.endpoint, ...exportArgs]);
      expect(r.code, describeResult(r)).toBe(0);
      expect(r.stderr).toBe('');
    };

    expect(load(), 'no set yet').toBe('');
    await nightly();
    expect(load()).toBe(['Orders', 'Customers', 'Summary'].map((t) => `load ${shop}/${t}.csv.gz\n`).join(''));
    expect(load(), 'this set is loaded already').toBe('');
    // A new set whose files have changed since its manifest (a later run mid-way): not loaded yet.
    await nightly();
    const before = readFileSync(seen, 'utf8');
    appendFileSync(join(shop, 'Orders.csv.gz'), 'x');
    expect(load()).toBe('');
    expect(readFileSync(seen, 'utf8')).toBe(before);
    // The next complete set is.
    await nightly();
    expect(load().split('\n').filter(Boolean)).toHaveLength(3);
  });
});
