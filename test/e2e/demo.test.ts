/** The README's quick-start demo runs as written, so the README cannot rot. */
import { expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from './harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('npm run demo exports the generated 200,000-row tab to demo.csv and prints the summary', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  expect(readme).toContain('npm install && npm run demo');
  expect(readme).toContain('npm install && npm test');
  const dir = mkdtempSync(join(tmpdir(), 'sheetpipe-demo-'));
  try {
    const child = spawn('npm', ['run', '--silent', 'demo'], { cwd: root, env: childEnv({ SHEETPIPE_DEMO_OUTPUT: join(dir, 'demo.csv') }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const [code] = await once(child, 'exit');
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/sheetpipe: 199,999 rows × 10 columns from 'Generated'!A1:J200000 → .*demo\.csv in [\d.]+ s/);
    const csv = readFileSync(join(dir, 'demo.csv'), 'utf8');
    expect(csv.startsWith('id,name,email,city,amount,date,qty,active,note,col_10\n')).toBe(true);
    expect(csv.match(/\n/g)?.length).toBeGreaterThanOrEqual(200_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
