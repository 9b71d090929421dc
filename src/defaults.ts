import type { ValueRender } from './google/api.js';

/** Export defaults, shared by the library face and the command line. */
export const DEFAULTS = {
  concurrency: 4,
  timeoutMs: 30_000,
  retries: 5,
  maxRpm: 60,
  render: 'FORMATTED_VALUE' as ValueRender,
  header: true,
} as const;
