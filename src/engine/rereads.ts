/**
 * Starting over when the sheet moved under an export whose output is not yet published (a file or a
 * folder): nothing has been seen downstream, so the attempt's partial output is discarded (by the
 * attempt itself) and the export runs again from fresh metadata after a short wait, at most
 * `rereads` times. stdout cannot do this: rows written there cannot be taken back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffOptions, backoffDelay } from '../fetch/retry-policy.js';
import { MOVED_ADVICE, SELF_CHANGING, SheetMovedError } from '../shared/errors.js';
import type { ExportEvents } from './events.js';

export interface RereadSettings {
  /** Times the export may start over. */
  rereads: number;
  backoff?: BackoffOptions;
  signal?: AbortSignal;
  events: ExportEvents;
}

/** The figures of every read so far: the ones started over used the quota too. */
export interface ReadFigures {
  /** Reads started over so far. */
  rereads: number;
  requests: number;
  retries: number;
}

export async function rereadWhileMoving<T>(
  settings: RereadSettings,
  /** What is left as it was should the sheet keep moving: `out.csv`, `the folder out/`. */
  output: string,
  /** One read; `figures` stay current while it runs (what a manifest written at its end states). */
  attempt: (figures: Readonly<ReadFigures>) => Promise<T>,
): Promise<{ result: T } & ReadFigures> {
  const { events } = settings;
  const figures: ReadFigures = { rereads: 0, requests: 0, retries: 0 };
  const onRequest = () => (figures.requests += 1);
  const onRetry = () => (figures.retries += 1);
  events.on('request', onRequest);
  events.on('retry', onRetry);
  try {
    for (;;) {
      try {
        return { result: await attempt(figures), ...figures };
      } catch (error) {
        if (!(error instanceof SheetMovedError)) throw error;
        if (figures.rereads >= settings.rereads) throw givenUp(error, figures.rereads + 1, output);
        figures.rereads += 1;
        await waitToReread(settings, error, figures.rereads);
      }
    }
  } finally {
    events.off('request', onRequest);
    events.off('retry', onRetry);
  }
}

function givenUp(error: SheetMovedError, reads: number, output: string): SheetMovedError {
  const times = reads === 1 ? '' : ` through ${reads} reads`;
  return new SheetMovedError(error.moved, `the sheet was being edited${times}; ${output} is as it was: ${MOVED_ADVICE}; ${SELF_CHANGING}`);
}

async function waitToReread(settings: RereadSettings, error: SheetMovedError, reread: number): Promise<void> {
  // The same backoff as a request's retries: long enough for an edit (a sort, a paste) to end.
  const waitMs = backoffDelay(reread, undefined, settings.backoff);
  const advice = `the sheet is being edited: reading it again in ${(waitMs / 1000).toFixed(1)} s (re-read ${reread} of ${settings.rereads})`;
  settings.events.emit('reread', { message: new SheetMovedError(error.moved, advice).message, reread, waitMs });
  try {
    await sleep(waitMs, undefined, { signal: settings.signal });
  } catch (stopped) {
    settings.signal?.throwIfAborted();
    throw stopped;
  }
}
