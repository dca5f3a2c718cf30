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
  const re = keywordPattern(keywords);
  registered.set(ruleId, re);
  combined = undefined;
  return re;
}

/** One pattern that matches any of the (literal) keywords. */
export function keywordPattern(keywords: readonly string[]): RegExp {
  return new RegExp(keywords.map(escape).join('|'));
}

/** The keyword matcher a rule registered, if any (the engine's parse-or-skip decision reads it). */
export function keywordsOf(ruleId: string): RegExp | undefined {
  return registered.get(ruleId);
}

/** The file text in lower case, computed once per tree and shared by the rules. */
export function lowerText(tree: Tree, text: string): string {
  let t = lowered.get(tree);
  if (t === undefined) {
    t = lowerCase(text);
    lowered.set(tree, t);
  }
  return t;
}

let lastText: string | undefined;
let lastLower = '';

/**
 * `text.toLowerCase()`, kept for the last text (the triage and the rules ask for the same one).
 * After an edit only the changed stretch is lowered: outside it, the last answer stands. That is
 * exact when no character's lower case depends on its neighbours or has another length, which
 * only `Σ` (final sigma) and `İ` (two code units) do; a text with either is lowered whole. A
 * surrogate pair cut by the stretch's ends is lowered with it.
 */
export function lowerCase(text: string): string {
  if (text === lastText) return lastLower;
  let lower: string | undefined;
  if (lastText !== undefined && text.length > LINES_MIN_CHARS && text.indexOf('\u03A3') < 0 && text.indexOf('\u0130') < 0) {
    let { p, q } = commonEnds(lastText, text);
    if (p > 0 && isHighSurrogate(text.charCodeAt(p - 1))) p--;
    if (q > 0 && isLowSurrogate(text.charCodeAt(text.length - q))) q--;
    lower = lastLower.slice(0, p) + text.slice(p, text.length - q).toLowerCase() + lastLower.slice(lastLower.length - q);
  }
  lastText = text;
  lastLower = lower ?? text.toLowerCase();
  return lastLower;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** True when the file may interest the rule whose keywords are `own` (one combined pass first). */
export function mayApply(tree: Tree, text: string, own: RegExp): boolean {
  const lower = lowerText(tree, text);
  let hit = anyHit.get(tree);
  if (hit === undefined) {
    combined ??= new RegExp([...registered.values()].map((r) => r.source).join('|'));
    hit = testLines(combined, lower);
    anyHit.set(tree, hit);
  }
  return hit && testLines(own, lower);
}

/** Where a pattern last matched (or -1), in which text. */
interface LastMatch {
  text: string;
  at: number;
  length: number;
}

const lastMatches = new WeakMap<RegExp, LastMatch>();

/**
 * `re.test(text)` for a pattern whose matches lie within one line (the keyword alternations here),
 * remembering the last answer: the editor asks it of texts that differ by an edit. A match outside
 * the edited lines is still there; without one, only the edited lines can hold a new one. Any text
 * gets the same answer as `re.test`; one unlike the last costs a full test.
 */
export function testLines(re: RegExp, text: string): boolean {
  if (!lineLocal(re)) return re.test(text);
  const last = lastMatches.get(re);
  if (last?.text === text) return last.at >= 0;
  let at: number | undefined;
  let length = 0;
  if (last && text.length > LINES_MIN_CHARS) {
    const { p, q } = commonEnds(last.text, text);
    const delta = text.length - last.text.length;
    if (last.at >= 0) {
      // The match and a character either side (the patterns' look-arounds) are unchanged.
      if (last.at + last.length < p) at = last.at;
      else if (last.at > last.text.length - q) at = last.at + delta;
      length = last.length;
    } else {
      // No line outside the edit held a match; the edited lines, whole, are all there is to read.
      const from = text.lastIndexOf('\n', p - 1) + 1;
      const nl = text.indexOf('\n', text.length - q);
      const m = re.exec(text.slice(from, nl < 0 ? text.length : nl));
      at = m ? from + m.index : -1;
      length = m ? m[0].length : 0;
    }
  }
  if (at === undefined) {
    const m = re.exec(text);
    at = m ? m.index : -1;
    length = m ? m[0].length : 0;
  }
  lastMatches.set(re, { text, at, length });
  return at >= 0;
}

const localMemo = new WeakMap<RegExp, boolean>();

/**
 * Whether no match of `re` can hold a line break: no `\s`, `\n`, `\r`, `\W`, `\D`, negated
 * class or dot-all / multi-line flag (a `.` without the `s` flag stops at line ends). Conservative:
 * a pattern that only looks as if it could is run over the whole text.
 */
function lineLocal(re: RegExp): boolean {
  let local = localMemo.get(re);
  if (local === undefined) {
    local = !/\\[snrWDB]|\[\^/.test(re.source) && !/[sm]/.test(re.flags) && !re.global && !re.sticky;
    localMemo.set(re, local);
  }
  return local;
}

/**
 * Declares that no match of `re` holds a line break although its source mentions one: the
 * pattern refers to line ends only in look-arounds (`(?![^\\r\\n])`, "the line ends here"), which
 * see the same thing at the end of the edited lines as in the whole text. `testLines` then tests
 * only the edited lines of a text like the last one.
 */
export function lineLocalPattern(re: RegExp): RegExp {
  if (/[sm]/.test(re.flags) || re.global || re.sticky) throw new Error(`pattern /${re.source}/${re.flags} cannot be line-local`);
  localMemo.set(re, true);
  return re;
}

/** Below this size a pattern is run over the whole text (the comparison would cost more). */
const LINES_MIN_CHARS = 4096;
const BLOCK = 1024;
/**
 * The pairs last compared, newest first. A keystroke compares the document and its lower-case
 * copy with their last versions, several times each and in turn: with one pair remembered, each
 * switch replaced it, and 9 of a keystroke's 27 comparisons were redone. With the two, each is
 * done once per keystroke.
 */
const recentPairs: { a: string; b: string; p: number; q: number }[] = [];
const RECENT_PAIRS = 2;

/**
 * How far two texts agree from one end, in whole slices of at least {@link BLOCK} characters, up
 * to `limit`: `same(at, len)` compares the `len` characters `at` from that end. Comparing slices
 * is a native comparison, a character loop is not. The slices double while they match and halve
 * when they do not, so a long common stretch costs a few dozen comparisons (of the whole
 * stretch's length, natively) instead of one per kilobyte. The caller finishes by characters.
 */
function gallop(limit: number, same: (at: number, len: number) => boolean): number {
  let n = 0;
  for (let step = BLOCK; step >= BLOCK && n < limit; ) {
    const len = Math.min(step, limit - n);
    if (same(n, len)) {
      n += len;
      step *= 2;
    } else step = len >> 1;
  }
  return n;
}

/** The lengths of the common start and end of two texts (not overlapping), remembered for the pairs asked last. */
export function commonEnds(a: string, b: string): { p: number; q: number } {
  for (const pair of recentPairs) if (pair.a === a && pair.b === b) return pair;
  const max = Math.min(a.length, b.length);
  let p = gallop(max, (at, len) => a.slice(at, at + len) === b.slice(at, at + len));
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let q = gallop(max - p, (at, len) => a.slice(a.length - at - len, a.length - at) === b.slice(b.length - at - len, b.length - at));
  while (q < max - p && a.charCodeAt(a.length - 1 - q) === b.charCodeAt(b.length - 1 - q)) q++;
  const pair = { a, b, p, q };
  recentPairs.unshift(pair);
  if (recentPairs.length > RECENT_PAIRS) recentPairs.pop();
  return pair;
}

/** Forgets what was read from the text of a tree that is about to be deleted. */
export function forgetText(tree: Tree): void {
  lowered.delete(tree);
  anyHit.delete(tree);
}
