import { setMaxListeners } from 'node:events';

export interface LinkedController {
  controller: AbortController;
  /** Stops following the parent; the controller stays as it is. */
  dispose(): void;
}

/**
 * A controller that aborts, with the parent's reason, when `parent` does; it can also be aborted on
 * its own without touching the parent. Many requests listen to it, hence no listener limit.
 */
export function linkedController(parent?: AbortSignal): LinkedController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent?.removeEventListener('abort', onAbort) };
}

/**
 * `promise`, or the signal's reason as soon as it aborts (the promise itself is not cancelled). The
 * listener is removed once either happens, so a signal waited on many times collects none.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
