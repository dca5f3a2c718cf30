/**
 * Cheap whole-file prefilters shared by the review rules. Each rule registers the lower-case
 * keywords without which it cannot find anything; the text is lower-cased once per tree and one
 * combined regular expression (built on first use) answers "could any review rule apply?" in a
 * single pass. Most files of a real code base fail that test and cost the review rules nothing
 * more; only for the others does each rule test its own keywords.
 */
import type { Tree } from 'web-tree-sitter';

const lowered = new WeakMap<Tree, string>();
const anyHit = new WeakMap<Tree, boolean>();
const registered = new Map<string, RegExp>();
let combined: RegExp | undefined;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Declares a rule's keywords (lower case); returns the rule's own matcher over lower-cased text. */
export function registerKeywords(ruleId: string, keywords: readonly string[]): RegExp {
  const re = new RegExp(keywords.map(escape).join('|'));
  registered.set(ruleId, re);
  combined = undefined;
  return re;
}

/** The keyword matcher a rule registered, if any (the engine's parse-or-skip decision reads it). */
export function keywordsOf(ruleId: string): RegExp | undefined {
  return registered.get(ruleId);
}

/** The file text in lower case, computed once per tree and shared by the rules. */
export function lowerText(tree: Tree, text: string): string {
  let t = lowered.get(tree);
  if (t === undefined) {
    t = text.toLowerCase();
    lowered.set(tree, t);
  }
  return t;
}

/** True when the file may interest the rule whose keywords are `own` (one combined pass first). */
export function mayApply(tree: Tree, text: string, own: RegExp): boolean {
  const lower = lowerText(tree, text);
  let hit = anyHit.get(tree);
  if (hit === undefined) {
    combined ??= new RegExp([...registered.values()].map((r) => r.source).join('|'));
    hit = combined.test(lower);
    anyHit.set(tree, hit);
  }
  return hit && own.test(lower);
}

/** True when the lower-cased text contains one of the (lower-case) keywords. */
export function hasAnyKeyword(lower: string, keywords: readonly string[]): boolean {
  for (const k of keywords) if (lower.includes(k)) return true;
  return false;
}

/** Forgets what was read from the text of a tree that is about to be deleted. */
export function forgetText(tree: Tree): void {
  lowered.delete(tree);
  anyHit.delete(tree);
}
