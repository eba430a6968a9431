/**
 * `defaults` with each key `given` sets to a value: a key given as `undefined` (a translation
 * lookup that found nothing) keeps its default, where a spread would put `undefined` in its place.
 *
 * @example
 * ```ts
 * withDefaults({ you: '(you)', agent: 'Agent' }, { you: '(du)', agent: undefined }); // { you: '(du)', agent: 'Agent' }
 * ```
 */
export function withDefaults<T extends object>(defaults: T, given: { [K in keyof T]?: T[K] | undefined } | undefined): T {
  const merged = { ...defaults };
  for (const key in given) {
    const value = given[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}
