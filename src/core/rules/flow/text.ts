/**
 * Cheap whole-file prefilters. A case-insensitive regex with dozens of alternatives costs
 * milliseconds on a 100 KB file; lower-casing once per tree and looking for plain keywords with
 * `indexOf` costs microseconds, so each review rule can give up on most files almost for free.
 */
import type { Tree } from 'web-tree-sitter';

const lowered = new WeakMap<Tree, string>();

/** The file text in lower case, computed once per tree and shared by the rules. */
export function lowerText(tree: Tree, text: string): string {
  let t = lowered.get(tree);
  if (t === undefined) {
    t = text.toLowerCase();
    lowered.set(tree, t);
  }
  return t;
}

/** True when the lower-cased text contains one of the (lower-case) keywords. */
export function hasAnyKeyword(lower: string, keywords: readonly string[]): boolean {
  for (const k of keywords) if (lower.includes(k)) return true;
  return false;
}
