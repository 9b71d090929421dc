import { expect } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';

/** Asserts that `fn` throws a UsageError (exit 2) with a one-line message, and returns the message. */
export function usageMessage(fn: () => unknown): string {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UsageError);
  const message = (thrown as UsageError).message;
  expect(message).not.toMatch(/[\r\n]/);
  expect((thrown as UsageError).exitCode).toBe(2);
  return message;
}
