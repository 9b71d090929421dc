#!/usr/bin/env node
// The quick-start demo: start the local emulator on a generated 200,000-row tab, export it through
// the real CLI with the progress bar, write demo.csv, stop the emulator. Exits with the export's code.
// On a fresh clone it builds dist/ first: `npm install` builds nothing (an install runs no script of ours).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/sheetpipe.js', import.meta.url));
if (!existsSync(new URL('../dist/bin/cli.js', import.meta.url))) {
  console.error('$ npm run build');
  // The npm that runs this script, else the one on PATH.
  const npm = process.env.npm_execpath;
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const args = ['run', '--silent', 'build'];
  const built = npm
    ? spawnSync(process.execPath, [npm, ...args], { cwd, stdio: 'inherit' })
    : spawnSync('npm', args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const output = process.env.SHEETPIPE_DEMO_OUTPUT ?? 'demo.csv';
const rows = process.env.SHEETPIPE_DEMO_ROWS ?? '200000';

const emulatorArgs = ['emulator', '--port', '0', '--rows', rows, '--cols', '10', '--latency', '150', '--jitter', '50'];
console.error(`$ sheetpipe ${emulatorArgs.join(' ')}`);
const emulator = spawn(process.execPath, [bin, ...emulatorArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
const stopEmulator = () => {
  if (emulator.exitCode === null) emulator.kill('SIGTERM');
};
process.on('exit', stopEmulator);

const found = {};
for await (const line of createInterface({ input: emulator.stdout })) {
  console.error(`  ${line}`);
  const [key, value] = line.split(/\s+/, 2);
  if (key && value) found[key] = value;
  if (found.endpoint && found.spreadsheet) break;
}
if (!found.endpoint || !found.spreadsheet) {
  console.error('demo: the emulator did not start');
  process.exit(1);
}

const exportArgs = ['--endpoint', found.endpoint, found.spreadsheet, '-o', output, '--max-rpm', '300', '--progress'];
console.error(`$ sheetpipe ${exportArgs.join(' ')}`);
const exporter = spawn(process.execPath, [bin, ...exportArgs], { stdio: 'inherit' });
const [code] = await once(exporter, 'exit');

stopEmulator();
await once(emulator, 'exit');
if (code === 0) console.error(`demo: wrote ${output}; try: head -3 ${output}`);
process.exit(code ?? 1);
