// The old transport path, @googleapis/sheets (googleapis-common + gaxios), for the seed contender
// and the transport comparison. sheetpipe no longer needs it, so it is never added back to
// package.json: the repository's copy is used while one is installed (as a dependency or a dev
// dependency), else a temporary install in the run's temp folder (removed with it), through npm.
// SHEETPIPE_BENCH_OLD_CLIENT=install forces the temporary install.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ROOT, TMP, log, track } from './harness.js';

export const OLD_CLIENT = '@googleapis/sheets';
export const OLD_CLIENT_RANGE = '14';
/** The environment variable that hands the entry file to contenders. */
export const OLD_CLIENT_ENV = 'SHEETPIPE_BENCH_SHEETS_CLIENT';

let found;

function describe(entry, where) {
  let dir = dirname(entry);
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === OLD_CLIENT) return { entry, version: pkg.version, where };
    } catch {
      // keep looking upwards
    }
  }
  return { entry, version: '?', where };
}

function npmInstall(prefix) {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(
        'npm',
        [
          'install',
          '--prefix',
          prefix,
          '--no-save',
          '--no-package-lock',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          `${OLD_CLIENT}@${OLD_CLIENT_RANGE}`,
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          detached: true,
        },
      ),
      { group: true },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm install ${OLD_CLIENT} failed (${code}): ${stderr.trim().slice(-300)}`)),
    );
  });
}

/** { entry: absolute path of the module, version, where } — installing it first if need be. */
export async function oldClient() {
  if (found) return found;
  try {
    if (process.env.SHEETPIPE_BENCH_OLD_CLIENT === 'install') throw new Error('a temporary install was asked for');
    found = describe(createRequire(join(ROOT, 'package.json')).resolve(OLD_CLIENT), "the repository's node_modules");
    return found;
  } catch {
    // not installed in the repository: a temporary install
  }
  const prefix = join(TMP, 'old-client');
  mkdirSync(prefix, { recursive: true });
  log(`installing ${OLD_CLIENT}@${OLD_CLIENT_RANGE} into the run's temp folder (it is not a dependency of sheetpipe)`);
  await npmInstall(prefix);
  found = describe(createRequire(join(prefix, 'package.json')).resolve(OLD_CLIENT), "a temporary npm install in the run's temp folder");
  return found;
}

/** The environment a contender needs to load the old client. */
export async function oldClientEnv() {
  return { [OLD_CLIENT_ENV]: (await oldClient()).entry };
}
