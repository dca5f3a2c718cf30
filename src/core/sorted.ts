/**
 * Binary search over ascending lists of offsets, for the checks that ask "is one of these places
 * in that stretch of the text" once per entry of a file (linear passes would make them quadratic).
 */

/** The first index whose value is at least `value` (the list's length when there is none). */
export function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when the list holds a value within [from, to]. */
export function anyWithin(list: readonly number[], from: number, to: number): boolean {
  const i = lowerBound(list, from);
  return i < list.length && list[i]! <= to;
}
