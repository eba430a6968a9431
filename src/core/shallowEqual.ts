/**
 * Whether `a` and `b` hold the same values (by `Object.is`) under the same keys — for arrays, at the
 * same indexes; a missing value (`undefined`, `null`) equals only itself.
 */
export function shallowEqual<T extends object>(a: T | null | undefined, b: T | null | undefined): boolean {
  if (!a || !b) return a === b;
  const keys = Object.keys(a) as (keyof T)[];
  return keys.length === Object.keys(b).length && keys.every((key) => Object.is(a[key], b[key]));
}
