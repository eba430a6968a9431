/** How `promise` settled, read without awaiting it (so a test on fake timers cannot hang on it). */
export function settled<T>(promise: Promise<T>) {
  const state: { result?: { value: T } | { error: unknown } } = {};
  promise.then(
    (value) => (state.result = { value }),
    (error: unknown) => (state.result = { error }),
  );
  return state;
}
