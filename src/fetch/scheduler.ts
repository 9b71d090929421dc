/**
 * Ordered, bounded concurrency over a lazy list of work.
 *
 * At most `concurrency` tasks run at once, and at most `window` results are started but not yet
 * taken by the consumer; a new task starts only when both allow it. Results come out in input order
 * whatever order the tasks finish in. A consumer that stops pulling therefore stops the work, and
 * memory holds at most `window` results, whatever the length of the input.
 *
 * The first task failure aborts the rest (through the signal given to each task) and is thrown to
 * the consumer at once, not when the consumer reaches that position.
 */

import { linkedController } from './signals.js';

export interface OrderedMapOptions {
  /** Tasks in flight at most. */
  concurrency: number;
  /** Results started but not yet consumed at most; at least `concurrency`. */
  window?: number;
  /** Cancels everything; in-flight tasks see it through their own signal. */
  signal?: AbortSignal;
}

type Slot<R> = { done: false } | { done: true; value: R };

export async function* orderedMap<T, R>(
  items: Iterable<T>,
  task: (item: T, signal: AbortSignal) => Promise<R>,
  options: OrderedMapOptions,
): AsyncGenerator<R> {
  const concurrency = Math.max(1, options.concurrency);
  const window = Math.max(concurrency, options.window ?? concurrency);
  const { controller, dispose } = linkedController(options.signal);

  const source = items[Symbol.iterator]();
  let sourceDone = false;
  const slots = new Map<number, Slot<R>>();
  let nextIndex = 0;
  let head = 0;
  let running = 0;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;

  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const fill = () => {
    while (!failure && !sourceDone && !controller.signal.aborted && running < concurrency && nextIndex - head < window) {
      const next = source.next();
      if (next.done) {
        sourceDone = true;
        break;
      }
      const index = nextIndex++;
      slots.set(index, { done: false });
      running += 1;
      task(next.value, controller.signal).then(
        (value) => {
          running -= 1;
          slots.set(index, { done: true, value });
          fill();
          notify();
        },
        (error: unknown) => {
          running -= 1;
          if (!failure) {
            failure = { error };
            controller.abort(error);
          }
          notify();
        },
      );
    }
  };

  controller.signal.addEventListener('abort', notify, { once: true });
  try {
    fill();
    for (;;) {
      if (failure) throw failure.error;
      if (controller.signal.aborted) throw controller.signal.reason;
      const slot = slots.get(head);
      if (slot?.done) {
        slots.delete(head);
        head += 1;
        fill();
        yield slot.value;
        continue;
      }
      if (!slot && sourceDone) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    // The consumer stopped early or something failed: cancel what is still running.
    dispose();
    if (!controller.signal.aborted && (running > 0 || !sourceDone)) controller.abort(new Error('consumer stopped'));
  }
}
