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
